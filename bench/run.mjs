// `npm run bench` (= npm run build && node bench/run.mjs): generates the synthetic data (once per
// seed and generator version), then measures the CLI against secretlint and a raw read, the
// language server (index, cross-file update, keystrokes, RSS), activation and the .vsix size, and
// prints the figures against the targets. Figures only: no value of the test data is printed.
//
//   BENCH_QUICK=1          a tenth of the tree (500 files), fewer rounds: a smoke run in ~1-2 min
//   BENCH_ROUNDS=N         measured CLI rounds (default 3; the median is reported)
//   BENCH_ONLY=cli,lsp,keys,activation,vsix   run only these parts
//   BENCH_TARGET=DIR       measure DIR/dist instead of this repository's (bench/tools/patched-tree.sh
//                          makes a copy of HEAD with bench/patches applied); BENCH_LABEL names the run
//   --update-docs          rewrite the figures block of docs/benchmarks.md with this run's table
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureData } from './generate.mjs';
import { runCliBench } from './cli.mjs';
import { SERVER_JS, runCrossFileBench, runIndexBench, runKeystrokeBench, serverAnswers } from './lsp.mjs';
import { runActivationBench, runVsixSize } from './activation.mjs';
import { rssMethod } from './lib/measure.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const OUT = path.join(HERE, 'out');
const quick = process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;
const wants = (part) => !only || only.has(part);
const log = (s) => console.log(s);
const label = process.env.BENCH_LABEL ?? (process.env.BENCH_TARGET ? 'target' : '');

function machine() {
  let nproc = String(os.availableParallelism?.() ?? os.cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // not on this platform
  }
  return {
    nproc,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    memGiB: Math.round(os.totalmem() / 1024 ** 3),
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

const started = performance.now();
const m = machine();
log(`Secret Hygiene benchmarks (${quick ? 'quick' : 'full'}${label ? ', ' + label : ''})${process.env.BENCH_TARGET ? ` measuring ${process.env.BENCH_TARGET}/dist` : ''}`);
log(`machine: nproc ${m.nproc}, ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadavg}`);
log(`peak RSS of child processes: ${rssMethod}`);

const manifest = ensureData({ outDir: OUT, quick, log });
const mono = manifest.monorepo;
log(`tree: ${mono.fileCount} files, ${mono.lines} lines, ${(mono.bytes / 1e6).toFixed(1)} MB (seed ${manifest.seed}, digest ${mono.digest}); hub shares a value with ${mono.hub.others.length} files`);

const results = { mode: quick ? 'quick' : 'full', label, target: process.env.BENCH_TARGET, date: new Date().toISOString(), machine: m, tree: { files: mono.fileCount, lines: mono.lines, bytes: mono.bytes, digest: mono.digest, seed: manifest.seed } };

if (wants('cli')) {
  log('\nCLI: secret-hygiene check vs secretlint vs raw read (same tree, same files)');
  results.cli = await runCliBench({ manifest, listFile: path.join(OUT, `files-${results.mode}.txt`), rounds, log, tmpDir: path.join(OUT, 'tmp'), timeoutMs: quick ? 120_000 : 180_000 });
}

let serverOk = false;
if (wants('lsp') || wants('keys')) {
  serverOk = existsSync(SERVER_JS) && (await serverAnswers(manifest.singles['1k'].root));
  if (!serverOk) log('\nLanguage server: dist/server/server.js does not answer initialize; skipped');
}
if (serverOk && wants('lsp')) {
  log('\nLanguage server: index of the monorepo, cross-file update, RSS');
  try {
    const { client, result } = await runIndexBench({ manifest, log, timeoutMs: quick ? 120_000 : 240_000 });
    results.index = result;
    try {
      results.crossFile = await runCrossFileBench({ client, manifest, iterations: quick ? 10 : 20, log });
    } catch (e) {
      log(`  cross-file: ${e.message}`);
      results.crossFile = { failed: e.message };
    }
    await client.stop();
  } catch (e) {
    log(`  index: ${e.message}`);
    results.index = { failed: e.message };
  }
}
if (serverOk && wants('keys')) {
  log('\nLanguage server: single-character edits, didChange -> publishDiagnostics');
  results.keystrokes = {};
  // The 100k file has more findings than a file shows by default (maxDiagnosticsPerFile, 1000, as
  // VS Code itself): measured with the default and, for comparison, with every diagnostic sent.
  for (const run of [{ label: '1k' }, { label: '10k' }, { label: '100k' }, { label: '100k', all: true }]) {
    const label = run.label + (run.all ? '-all' : '');
    try {
      results.keystrokes[label] = await runKeystrokeBench({
        single: manifest.singles[run.label],
        label,
        settings: run.all ? { maxDiagnosticsPerFile: 0 } : undefined,
        edits: quick ? 60 : 200,
        warmup: quick ? 5 : 20,
        budgetMs: quick ? 30_000 : 120_000,
        timeoutMs: 120_000,
        log,
      });
    } catch (e) {
      log(`  keystrokes ${label}: ${e.message}`);
      results.keystrokes[label] = { failed: e.message };
    }
  }
}
if (wants('vsix')) {
  log('\nPackaging: npm run package');
  results.vsix = await runVsixSize({ log });
}
if (wants('activation')) {
  log('\nExtension activation (dist/client/extension.js with a stub vscode module, fresh process per run)');
  results.activation = await runActivationBench({ folder: manifest.singles['1k'].root, log });
}
results.elapsedS = (performance.now() - started) / 1000;

// ---- the table ----

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rows = [];
const row = (what, target, actual, met) => rows.push({ what, target, actual, met: met === undefined ? '—' : met ? 'yes' : '**no**' });
if (results.cli) {
  const c = results.cli;
  for (const k of ['ours', 'secretlint', 'raw']) {
    const t = c[k];
    row(`CLI ${t.label}: wall (median of ${t.runs})`, '', t.timedOut ? 'timed out' : `${fmt(t.wallMs / 1000, 2)} s · ${fmt(t.filesPerSec, 0)} files/s · ${fmt(t.mbPerSec, 1)} MB/s · CPU ${fmt(t.cpuMs / 1000, 2)} s · peak RSS ${fmt(t.maxRssMB, 0)} MB`);
  }
  row('CLI throughput vs secretlint', '≥ 10×', `${fmt(c.ratios.oursVsSecretlint, 2)}× (CPU time: ${fmt(c.ratios.oursVsSecretlintCpu, 2)}×)`, c.ratios.oursVsSecretlint >= 10);
  row('CLI time vs raw read', '≤ 3×', `${fmt(c.ratios.oursVsRaw, 1)}× (CPU time: ${fmt(c.ratios.oursVsRawCpu, 1)}×)`, c.ratios.oursVsRaw <= 3);
}
if (results.keystrokes) {
  const limits = { '1k': 10, '10k': 30, '100k': 150 };
  for (const [label, k] of Object.entries(results.keystrokes)) {
    const all = label.endsWith('-all');
    const lines = label.replace('-all', '');
    const what = all ? `Keystroke → diagnostics, ${lines} lines, every diagnostic sent (maxDiagnosticsPerFile 0)` : `Keystroke → diagnostics, ${lines} lines`;
    const target = all ? '' : `p99 ≤ ${limits[lines]} ms`;
    if (k.failed) row(what, target, `failed: ${k.failed}`, all ? undefined : false);
    else row(`${what} (${k.edits} edits, ${k.diagnostics} diagnostics)`, target, `p50 ${fmt(k.p50Ms)} · p95 ${fmt(k.p95Ms)} · p99 ${fmt(k.p99Ms)} ms`, all ? undefined : k.p99Ms <= limits[lines]);
  }
}
if (results.index) {
  const i = results.index;
  if (i.failed) row(`Index ${mono.fileCount} files at start-up`, '≤ 3 s', `failed: ${i.failed}`, false);
  else {
    row(`Index ${mono.fileCount} files at start-up (to the last diagnostics)`, '≤ 3 s', `${fmt(i.indexDiagnosticsMs / 1000, 2)} s (progress ended at ${fmt(i.indexProgressMs / 1000, 2)} s; ${i.filesWithDiagnostics} files with diagnostics${i.cpuMs ? `; server CPU ${fmt(i.cpuMs.main / 1000, 2)} s main thread, ${fmt(i.cpuMs.all / 1000, 2)} s in all` : ''})`, i.indexDiagnosticsMs <= 3000);
    const settled = i.rssSettledMB ?? i.rssMB;
    row(
      'Server RSS after indexing (VmRSS; right after the last diagnostics, and after idling 5 s)',
      '≤ 200 MB',
      i.rssSettledMB === undefined ? `${fmt(i.rssMB, 0)} MB` : `${fmt(i.rssSettledMB, 0)} MB (${fmt(i.rssMB, 0)} MB right after)`,
      settled <= 200,
    );
  }
}
if (results.crossFile) {
  const x = results.crossFile;
  if (x.failed) row('Cross-file update', '≤ 50 ms', `failed: ${x.failed}`, false);
  else row(`Cross-file update, value shared with ${x.sharedWith} files (${x.iterations} edits)`, '≤ 50 ms (median)', `p50 ${fmt(x.p50Ms)} · p95 ${fmt(x.p95Ms)} · max ${fmt(x.maxMs)} ms`, x.p50Ms <= 50);
}
if (results.activation) {
  const a = results.activation;
  if (a.failed) row('Activation', '≤ 100 ms', `failed: ${a.failed}`, false);
  else {
    row(`Activation: require + activate() until its promise resolves, as VS Code counts it (median of ${a.runs})`, '≤ 100 ms', `${fmt(a.totalMs, 0)} ms (require ${fmt(a.requireMs, 0)} · activate() returns ${fmt(a.activateCallMs, 0)} · resolves ${fmt(a.activateMs, 0)} ms)`, a.totalMs <= 100);
    row('Language client running: the server answered initialize (in the background, after activation)', '', `${fmt(a.clientRunningMs, 0)} ms after the require started`, undefined);
  }
}
if (results.vsix) {
  const v = results.vsix;
  row('.vsix size', '≤ 1.5 MB', v.failed ? `failed: ${v.failed}` : `${fmt(v.bytes / 1024, 0)} KiB`, v.failed ? false : v.mb <= 1.5);
}

const table = [
  `| Measure | Target | Actual | Met |`,
  `|---|---|---|---|`,
  ...rows.map((r) => `| ${r.what} | ${r.target} | ${r.actual} | ${r.met} |`),
].join('\n');
const header = `Run ${results.date.slice(0, 16).replace('T', ' ')} UTC${label ? ` (${label})` : ''}, ${results.mode} tree (${mono.fileCount} files, ${mono.lines} lines, ${(mono.bytes / 1e6).toFixed(1)} MB, seed ${manifest.seed}); nproc ${m.nproc}, ${m.cpu}, Node ${m.node}; load average at start ${m.loadavg}; took ${fmt(results.elapsedS, 0)} s.`;
log('\n' + header + '\n\n' + table);

mkdirSync(OUT, { recursive: true });
const resultsFile = path.join(OUT, `results-${results.mode}${label ? '-' + label : ''}.json`);
writeFileSync(resultsFile, JSON.stringify(results, null, 2));
log(`\nfigures written to ${path.relative(process.cwd(), resultsFile)}`);

if (process.argv.includes('--update-docs')) {
  const docs = path.join(REPO, 'docs', 'benchmarks.md');
  const text = readFileSync(docs, 'utf8');
  const marker = `bench:results${label ? '-' + label : ''}${quick ? '-quick' : ''}`;
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a === -1 || b === -1) log(`docs/benchmarks.md has no ${marker} markers; not updated`);
  else {
    writeFileSync(docs, text.slice(0, a + start.length) + '\n' + header + '\n\n' + table + '\n' + text.slice(b));
    log('docs/benchmarks.md updated');
  }
}
