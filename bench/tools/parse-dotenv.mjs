// Profiling aid for the parsers.
//   npx tsc -p . && node bench/tools/parse-dotenv.mjs 100k 10     parseDotenv on a single bench file, N times
//   node bench/tools/parse-dotenv.mjs tree [full|quick] [N]          parseSource on every file of the bench tree, per format
//   node --expose-gc bench/tools/parse-dotenv.mjs heap 10k [copies]  heap kept per ParsedSource (and per LineIndex)
// PARSER=<file.js> picks another build of the dotenv parser (single-file mode).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const core = path.join(REPO, 'out', 'server', 'src', 'core');
const ms = (cpu) => ((cpu.user + cpu.system) / 1000).toFixed(0);

if (process.argv[2] === 'tree') {
  const { parseSource } = require(path.join(core, 'parse.js'));
  const { formatOf } = require(path.join(core, 'files.js'));
  const m = JSON.parse(readFileSync(path.join(REPO, 'bench', 'out', `manifest-${process.argv[3] ?? 'full'}.json`), 'utf8'));
  const n = Number(process.argv[4] ?? 3);
  const files = m.monorepo.files.map((f) => ({ path: f.path, text: readFileSync(path.join(m.monorepo.root, f.path), 'utf8'), format: formatOf(f.path) }));
  const byFormat = new Map();
  for (const f of files) byFormat.set(f.format, [...(byFormat.get(f.format) ?? []), f]);
  const best = new Map();
  const all0 = process.cpuUsage();
  for (let round = 0; round < n; round++) {
    for (const [format, list] of byFormat) {
      const c0 = process.cpuUsage();
      for (const f of list) parseSource(f.path, f.text, f.format);
      const c = process.cpuUsage(c0);
      const t = c.user + c.system;
      if (!best.has(format) || t < best.get(format)) best.set(format, t);
    }
  }
  const all = process.cpuUsage(all0);
  for (const [format, list] of byFormat) {
    const bytes = list.reduce((s, f) => s + f.text.length, 0);
    console.log(`${format.padEnd(10)} ${String(list.length).padStart(5)} files ${(bytes / 1e6).toFixed(1).padStart(5)} MB  best cpu ${(best.get(format) / 1000).toFixed(0).padStart(5)} ms`);
  }
  console.log(`all rounds: cpu ${ms(all)} ms for ${n} round(s)`);
} else if (process.argv[2] === 'heap') {
  // Heap kept by N ParsedSources of one file (each from its own copy of the text, text excluded).
  const { parseSource } = require(path.join(core, 'parse.js'));
  const { LineIndex } = require(path.join(core, 'text.js'));
  if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  const label = process.argv[3] ?? '10k';
  const copies = Number(process.argv[4] ?? 50);
  const text = readFileSync(path.join(REPO, 'bench', 'out', `single-${label}`, '.env'), 'utf8');
  const texts = Array.from({ length: copies }, (_, i) => (text + `\n# ${i}\n`).split('').join('').slice(0)); // flat strings
  const measure = (make) => {
    globalThis.gc();
    globalThis.gc();
    const used = () => { const u = process.memoryUsage(); return u.heapUsed + u.arrayBuffers; }; // typed arrays live outside the heap
    const h0 = used();
    const kept = texts.map(make);
    globalThis.gc();
    globalThis.gc();
    const h1 = used();
    return { kept, per: (h1 - h0) / copies };
  };
  const parsed = measure((t) => parseSource('.env', t, 'dotenv'));
  const lines = measure((t) => new LineIndex(t));
  const entries = parsed.kept[0].entries.length;
  console.log(`${label}: text ${(text.length / 1024).toFixed(0)} KB, ${entries} entries; ParsedSource ${(parsed.per / 1024).toFixed(0)} KB (${(parsed.per / entries).toFixed(0)} B/entry), LineIndex ${(lines.per / 1024).toFixed(0)} KB`);
} else {
  const { parseDotenv } = require(path.join(core, 'parsers', process.env.PARSER ?? 'dotenv.js'));
  const label = process.argv[2] ?? '100k';
  const n = Number(process.argv[3] ?? 10);
  const text = readFileSync(path.join(REPO, 'bench', 'out', `single-${label}`, '.env'), 'utf8');
  const times = [];
  let entries = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = text.slice(0, 100) + (i % 2 ? 'x' : '') + text.slice(100); // a fresh string each time, as after an edit
    const t0 = performance.now();
    entries = parseDotenv('.env', t).entries.length;
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  console.log(`${label}: ${entries} entries, min ${times[0].toFixed(1)} ms, median ${times[times.length >> 1].toFixed(1)} ms, cpu/parse ${((cpu.user + cpu.system) / 1000 / n).toFixed(1)} ms`);
}
