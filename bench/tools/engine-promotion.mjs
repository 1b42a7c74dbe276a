// Profiling aid, not part of `npm run bench`: what typing promotes to V8's old generation. Runs
// keystrokes (type `x` at the end of a random line, delete it) on a single .env in process, in a
// child with --trace-gc-nvp, and prints the young-generation collections, the bytes they promoted
// and their pauses. Objects that live a few keystrokes, or that something dead in the old
// generation points to, are promoted; that is what makes scavenges slow while typing.
//   npx tsc -p . && node bench/tools/engine-promotion.mjs 1k [edits]
//   RULES=reused-secret,weak-secret (only these rules) or SKIP=reused-secret (all but these)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(HERE), '..', '..');
const label = process.argv[2] ?? '1k';
const edits = Number(process.argv[3] ?? 1000);

if (process.env.ENGINE_PROMOTION_CHILD !== '1') {
  const r = spawnSync(process.execPath, ['--trace-gc-nvp', HERE, label, String(edits)], { env: { ...process.env, ENGINE_PROMOTION_CHILD: '1' }, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  let n = 0, promoted = 0, pause = 0, max = 0, full = 0;
  for (const line of r.stdout.split('\n')) {
    if (/ gc=(mc|ms) /.test(line)) full++;
    if (!line.includes(' gc=s ')) continue;
    const p = Number(/ pause=([\d.]+)/.exec(line)?.[1] ?? 0);
    n++;
    pause += p;
    max = Math.max(max, p);
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
  }
  console.log(`${label}, ${edits} keystrokes: ${n} scavenges promoted ${(promoted / 1e6).toFixed(1)} MB, pauses ${pause.toFixed(0)} ms in all (max ${max.toFixed(1)} ms); ${full} full collections`);
} else {
  const require = createRequire(import.meta.url);
  const { Analyzer } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'analyzer.js'));
  const { RULES } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'rules', 'index.js'));
  const only = process.env.RULES?.split(',');
  const skip = process.env.SKIP?.split(',') ?? [];
  const rules = RULES.filter((r) => (!only || only.includes(r.meta.id)) && !skip.includes(r.meta.id));
  const text = readFileSync(path.join(REPO, 'bench', 'out', `single-${label}`, '.env'), 'utf8');
  const ends = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) ends.push(i);
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const a = new Analyzer({ hashKey: Buffer.from('bench'), rules });
  a.setFile({ path: '.env', text });
  a.findings('.env');
  let at = 0;
  for (let i = 0; i < edits; i++) {
    if (i % 2 === 0) at = ends[Math.floor(rnd() * ends.length)];
    a.setFile({ path: '.env', text: i % 2 === 0 ? text.slice(0, at) + 'x' + text.slice(at) : text });
    a.findings('.env');
  }
}
