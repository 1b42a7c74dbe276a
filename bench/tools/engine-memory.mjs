// Memory aid: load the monorepo into an Analyzer the way the server indexes (setFiles), compute
// every file's findings, then print the heap used after a full GC and what dropping each of the
// analyzer's structures frees (the structures are dropped one after the other, in the order shown).
//   node --expose-gc bench/tools/engine-memory.mjs [quick|full]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { Analyzer } = require(path.join(REPO, 'out', 'server', 'src', 'core', 'analyzer.js'));
const mode = process.argv[2] ?? 'full';
const m = JSON.parse(readFileSync(path.join(REPO, 'bench', 'out', `manifest-${mode}.json`), 'utf8'));
const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed / 1024 / 1024; };
const base = heap();
let a = new Analyzer({ hashKey: Buffer.from('bench') });
{
  const inputs = m.monorepo.files.map((f) => ({ path: f.path, text: readFileSync(path.join(m.monorepo.root, f.path), 'utf8') }));
  a.setFiles(inputs);
}
let n = 0;
for (const p of a.paths()) n += a.findings(p).length;
const total = heap();
console.log(`${n} findings; analyzer heap ${(total - base).toFixed(1)} MB (rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB)`);
let last = total;
const step = (label, fn) => { fn(); const h = heap(); console.log(`  ${label.padEnd(40)} ${(last - h).toFixed(1).padStart(7)} MB`); last = h; };
const files = a.files;
step('workspace findings', () => { for (const st of files.values()) { st.workspaceFindings = undefined; st.valueFindings = undefined; } a.wsCached?.clear(); });
step('file findings', () => { for (const st of files.values()) st.fileFindings = undefined; });
step('signatures', () => { for (const st of files.values()) st.signature = undefined; });
step('entryClass', () => { for (const st of files.values()) st.entryClass = undefined; });
for (const k of ['hashCache', 'strengthCache', 'keySetView', 'dualBasesView', 'classCache', 'slotLike', 'keyCounts', 'keys', 'dualKeyCounts', 'index']) {
  if (a[k] === undefined) continue;
  step(k, () => { if (a[k]?.clear) a[k].clear(); a[k] = undefined; });
}
step('secrets', () => { for (const st of files.values()) st.secrets = []; });
step('secretEntries', () => { for (const st of files.values()) st.secretEntries = []; });
step('families', () => { for (const st of files.values()) st.families = new Map(); });
step('lines', () => { for (const st of files.values()) st.lines = undefined; });
step('entries', () => { for (const st of files.values()) { const s = st.source; st.source = { ...s, entries: [] }; } });
step('commented/problems/suppressions', () => { for (const st of files.values()) { const s = st.source; st.source = { ...s, commented: [], problems: [], suppressions: [] }; } });
step('texts', () => { for (const st of files.values()) { const s = st.source; st.source = { ...s, text: '' }; } });
step('texts + rest of files', () => files.clear());
step('analyzer', () => { a = undefined; });
