// Language server benchmarks over stdio against the bundled server (dist/server/server.js):
// - index: time from `initialized` to the end of the indexing progress and to the last
//   diagnostics of the start-up burst; server RSS after indexing;
// - cross-file: an edit to the value a file shares with 100 others, until the diagnostics of all
//   101 files have arrived again;
// - keystrokes: single-character edits in 1k, 10k and 100k-line .env files, from didChange to the
//   publishDiagnostics of that version.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from './lib/prng.mjs';
import { LspClient, fileUri } from './lib/lsp-client.mjs';
import { median, percentile } from './lib/measure.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = process.env.BENCH_TARGET ? path.resolve(process.env.BENCH_TARGET) : REPO;
export const SERVER_JS = path.join(TARGET, 'dist', 'server', 'server.js');
/**
 * Node flags the VS Code client starts the server with (`SERVER_NODE_ARGS` in server/src/protocol.ts:
 * `--expose-gc`, with which the server gives a start-up burst's garbage back), then extra ones for
 * the measured servers, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
 */
const CLIENT_NODE_ARGS = ['--expose-gc'];
const NODE_ARGS = [...CLIENT_NODE_ARGS, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];

/** Does the bundled server answer `initialize`? (It is written by another part of the project.) */
export async function serverAnswers(root) {
  const c = new LspClient({ serverJs: SERVER_JS, folders: [root] });
  try {
    const r = await Promise.race([c.start(), new Promise((_, rej) => setTimeout(() => rej(new Error('no answer')), 15_000))]);
    return Boolean(r?.capabilities);
  } catch {
    return false;
  } finally {
    await c.stop().catch(() => undefined);
  }
}

/**
 * Starts a server on `root` and waits until its start-up indexing and the diagnostics burst are
 * done: until every work-done progress it began has ended (servers that publish the burst in
 * slices cover it with a progress of its own), then a request answered after that (servers that
 * write the burst in one go write it before they answer).
 */
async function startIndexed(root, timeoutMs, settings) {
  const client = new LspClient({ serverJs: SERVER_JS, folders: [root], nodeArgs: NODE_ARGS, settings });
  const open = new Set();
  let firstEndAt;
  let settled;
  const allEnded = new Promise((resolve) => (settled = resolve));
  client.listeners.add((ev) => {
    if (ev.type !== 'progress') return;
    if (ev.kind === 'begin') open.add(ev.token);
    if (ev.kind === 'end') {
      open.delete(ev.token);
      firstEndAt ??= ev.at;
      if (open.size === 0) settled(ev.at);
    }
  });
  try {
    await client.start();
    let timer;
    const timeout = new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`indexing did not end within ${timeoutMs / 1000} s`)), timeoutMs)));
    await Promise.race([allEnded, timeout]);
    // A progress may begin right after another ends: probe, and wait again while one is open.
    let probeAt = await client.probe();
    while (open.size > 0) {
      await Promise.race([new Promise((resolve) => client.listeners.add(function l(ev) { if (ev.type === 'progress' && ev.kind === 'end' && open.size === 0) { client.listeners.delete(l); resolve(); } })), timeout]);
      probeAt = await client.probe();
    }
    clearTimeout(timer);
    return { client, endAt: firstEndAt, probeAt };
  } catch (e) {
    await client.stop();
    throw e;
  }
}

/** How long the server idles after its start-up burst before the second RSS reading. */
const RSS_SETTLE_MS = 5000;

export async function runIndexBench({ manifest, timeoutMs = 300_000, log = () => {} }) {
  const root = manifest.monorepo.root;
  const { client, endAt, probeAt } = await startIndexed(root, timeoutMs);
  const result = {
    files: manifest.monorepo.fileCount,
    initializeMs: client.initializedAt - client.initializeSentAt,
    spawnToInitializedMs: client.initializedAt - client.startedAt,
    indexProgressMs: endAt - client.initializedAt,
    indexDiagnosticsMs: (client.publishCount > 0 ? client.lastPublishAt : endAt) - client.initializedAt,
    probeMs: probeAt - client.initializedAt,
    filesWithDiagnostics: client.diagnostics.size,
    rssMB: client.rssMB(),
  };
  // And once the server has been idle a while: it collects the burst's garbage right after the
  // burst, and the system gets the pages back as the collector's background threads release them.
  await new Promise((resolve) => setTimeout(resolve, RSS_SETTLE_MS));
  result.rssSettledMB = client.rssMB();
  // The server's CPU time from its start to here (its start-up, the index, the burst and the
  // collections after it; it idled since): steadier than the wall times on a shared VM.
  result.cpuMs = client.cpuMs();
  result.rssSettleMs = RSS_SETTLE_MS;
  const cpu = result.cpuMs ? `, server CPU ${(result.cpuMs.main / 1000).toFixed(2)} s main thread, ${(result.cpuMs.all / 1000).toFixed(2)} s all threads` : '';
  log(`  index: first progress (reading the files) ended at ${(result.indexProgressMs / 1000).toFixed(2)} s, last diagnostics at ${(result.indexDiagnosticsMs / 1000).toFixed(2)} s (${result.filesWithDiagnostics} files${cpu}), RSS ${result.rssMB?.toFixed(0)} MB, ${result.rssSettledMB?.toFixed(0)} MB ${RSS_SETTLE_MS / 1000} s later`);
  return { client, result };
}

/**
 * Edits the hub's shared value (one hex character, alternately changed and restored) and waits for
 * the diagnostics of the hub and of every file sharing the value.
 */
export async function runCrossFileBench({ client, manifest, iterations = 20, log = () => {} }) {
  const root = manifest.monorepo.root;
  const hub = manifest.monorepo.hub;
  const hubPath = path.join(root, hub.file);
  const text = readFileSync(hubPath, 'utf8');
  const lines = text.split('\n');
  const m = new RegExp(`^((?:export )?${hub.key}=["']?)([0-9a-f]+)`).exec(lines[hub.line]);
  if (!m) throw new Error('hub value not found');
  const col = m[1].length + m[2].length - 1;
  const original = m[2][m[2].length - 1];
  const changed = original === 'a' ? 'b' : 'a';
  const uri = client.didOpen(hubPath, text);
  await client.waitFor((ev) => ev.type === 'diagnostics' && ev.uri === uri && ev.version === 1, 60_000, 'hub diagnostics');
  await client.probe();
  const others = new Set(hub.others.map((rel) => fileUri(path.join(root, rel))));
  const samples = [];
  const related = [];
  let version = 1;
  for (let i = 0; i < iterations + 2; i++) {
    version++;
    const pending = new Set(others);
    let hubDone = false;
    const done = client.waitFor(
      (ev) => {
        if (ev.type !== 'diagnostics') return false;
        if (ev.uri === uri && ev.version === version) hubDone = true;
        pending.delete(ev.uri);
        return hubDone && pending.size === 0;
      },
      60_000,
      'cross-file diagnostics',
    );
    const t0 = performance.now();
    client.didChange(uri, version, [{ range: { start: { line: hub.line, character: col }, end: { line: hub.line, character: col + 1 } }, text: i % 2 === 0 ? changed : original }]);
    const ev = await done;
    if (i >= 2) samples.push(ev.at - t0); // two warm-up edits
    related.push(others.size);
  }
  const result = { iterations: samples.length, sharedWith: others.size, p50Ms: median(samples), p95Ms: percentile(samples, 95), maxMs: Math.max(...samples) };
  log(`  cross-file (${others.size} others): p50 ${result.p50Ms.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms`);
  return result;
}

/** Single-character edits (type a character at the end of a random line, then delete it). */
export async function runKeystrokeBench({ single, label, settings, edits = 200, warmup = 20, timeoutMs = 300_000, budgetMs = Infinity, log = () => {} }) {
  const filePath = path.join(single.root, single.path);
  const text = readFileSync(filePath, 'utf8');
  const lineLengths = text.split('\n').map((l) => l.length);
  const { client } = await startIndexed(single.root, timeoutMs, settings);
  try {
    const uri = client.didOpen(filePath, text);
    await client.waitFor((ev) => ev.type === 'diagnostics' && ev.uri === uri && ev.version === 1, timeoutMs, 'first diagnostics');
    await client.probe();
    const rng = createRng(0x5eed ^ lineLengths.length);
    const samples = [];
    let version = 1;
    let typed; // the line where a character was typed, to delete next
    const started = performance.now();
    let diagnostics = 0;
    for (let i = 0; i < warmup + edits; i++) {
      version++;
      let change;
      if (typed === undefined) {
        const line = rng.int(0, Math.max(0, lineLengths.length - 2));
        typed = line;
        change = { range: { start: { line, character: lineLengths[line] }, end: { line, character: lineLengths[line] } }, text: 'x' };
      } else {
        const line = typed;
        typed = undefined;
        change = { range: { start: { line, character: lineLengths[line] }, end: { line, character: lineLengths[line] + 1 } }, text: '' };
      }
      const v = version;
      const done = client.waitFor((ev) => ev.type === 'diagnostics' && ev.uri === uri && ev.version === v, 60_000, `diagnostics of version ${v}`);
      const t0 = performance.now();
      client.didChange(uri, v, [change]);
      const ev = await done;
      diagnostics = ev.count;
      if (i >= warmup) samples.push(ev.at - t0);
      if (performance.now() - started > budgetMs && samples.length >= 10 && typed === undefined) break;
    }
    const result = {
      lines: lineLengths.length - (text.endsWith('\n') ? 1 : 0),
      edits: samples.length,
      diagnostics,
      p50Ms: median(samples),
      p95Ms: percentile(samples, 95),
      p99Ms: percentile(samples, 99),
      maxMs: Math.max(...samples),
      samples,
      rssMB: client.rssMB(),
    };
    log(`  keystrokes ${label}: ${result.edits} edits, p50 ${result.p50Ms.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms (${diagnostics} diagnostics in the file)`);
    return result;
  } finally {
    await client.stop();
  }
}
