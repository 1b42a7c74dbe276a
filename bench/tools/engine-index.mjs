// Profiling aid: load the monorepo into an Analyzer the way the server indexes (setFile per file)
// or in bulk (setFiles), then compute every file's findings.
//   node bench/tools/engine-index.mjs [quick|full] [each|bulk]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Analyzer } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'analyzer.js'));
const mode = process.argv[2] ?? 'quick';
const how = process.argv[3] ?? 'each';
const m = JSON.parse(readFileSync(path.join(REPO, 'bench', 'out', `manifest-${mode}.json`), 'utf8'));
const inputs = m.monorepo.files.map((f) => ({ path: f.path, text: readFileSync(path.join(m.monorepo.root, f.path), 'utf8') }));
const a = new Analyzer({ hashKey: Buffer.from('bench') });
const c0 = process.cpuUsage();
const t0 = performance.now();
let affected = 0;
if (how === 'bulk') affected = a.setFiles(inputs).size;
else for (const i of inputs) affected += a.setFile(i).size;
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
let n = 0;
for (const p of a.paths()) n += a.findings(p).length;
const t2 = performance.now();
const c2 = process.cpuUsage(c0);
const mem = process.memoryUsage();
console.log(`${mode}/${how}: load ${(t1 - t0).toFixed(0)} ms (cpu ${((c1.user + c1.system) / 1000).toFixed(0)}), total cpu ${((c2.user + c2.system) / 1000).toFixed(0)} ms, (sum of affected ${affected}), findings ${(t2 - t1).toFixed(0)} ms (${n}), heap ${(mem.heapUsed / 1e6).toFixed(0)} MB, rss ${(mem.rss / 1e6).toFixed(0)} MB`);
