// Profiling aid, not part of `npm run bench`: the engine's work for one keystroke in a single .env
// file (setFile + findings), in process, without the LSP. Run it under --cpu-prof to see where a
// keystroke goes:
//   npx tsc -p . && node --cpu-prof --cpu-prof-dir=/tmp/prof bench/tools/engine-keystroke.mjs 10k [edits]
//   node bench/lib/profile-summary.mjs /tmp/prof/*.cpuprofile
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile } from '../lib/measure.mjs';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Analyzer } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'analyzer.js'));

const label = process.argv[2] ?? '10k';
const edits = Number(process.argv[3] ?? 100);
const text = readFileSync(path.join(REPO, 'bench', 'out', `single-${label}`, '.env'), 'utf8');
const lines = text.split('\n');
const a = new Analyzer({ hashKey: Buffer.from('bench') });
a.setFile({ path: '.env', text });
a.findings('.env');
const samples = [];
let state = text;
for (let i = 0; i < edits; i++) {
  const line = (i * 7919) % (lines.length - 1);
  const start = lines.slice(0, line).reduce((s, l) => s + l.length + 1, 0) + lines[line].length;
  state = i % 2 === 0 ? text.slice(0, start) + 'x' + text.slice(start) : text;
  const t0 = performance.now();
  a.setFile({ path: '.env', text: state });
  a.findings('.env');
  samples.push(performance.now() - t0);
}
console.log(`${label}: ${edits} edits, p50 ${median(samples).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms`);
