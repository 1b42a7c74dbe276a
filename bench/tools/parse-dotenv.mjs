// Profiling aid: parseDotenv on a single bench file, N times.
//   npx tsc -p . && node bench/tools/parse-dotenv.mjs 100k 10
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { parseDotenv } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'parsers', process.env.PARSER ?? 'dotenv.js'));
const label = process.argv[2] ?? '100k';
const n = Number(process.argv[3] ?? 10);
const text = readFileSync(path.join(REPO, 'bench', 'out', `single-${label}`, '.env'), 'utf8');
const times = [];
let entries = 0;
for (let i = 0; i < n; i++) {
  const t = text.slice(0, 100) + (i % 2 ? 'x' : '') + text.slice(100); // a fresh string each time, as after an edit
  const t0 = performance.now();
  entries = parseDotenv('.env', t).entries.length;
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`${label}: ${entries} entries, min ${times[0].toFixed(1)} ms, median ${times[times.length >> 1].toFixed(1)} ms`);
