// Server memory after indexing: starts dist/server/server.js over stdio on a tree (default: the
// bench tree mono-full), waits for the start-up indexing and its diagnostics, reads VmRSS from
// /proc, then (through bench/lib/mem-hook.cjs, preloaded) the heap used after a full GC and the
// RSS after it.
// Usage: node bench/tools/server-memory.mjs [root] [--runs N] [--server dist/server/server.js] [--snapshot FILE] [--node-args "..."]
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LspClient } from '../lib/lsp-client.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); if (i === -1) return dflt; const v = argv[i + 1]; argv.splice(i, 2); return v; };
const runs = Number(opt('--runs', '1'));
const snapshot = opt('--snapshot', undefined);
/** Also sample VmRSS while the server idles this many seconds after indexing (the GC's memory reducer shrinks the heap when idle). */
const idle = Number(opt('--idle', '0'));
const extra = (opt('--node-args', process.env.MEM_NODE_ARGS ?? '')).split(' ').filter(Boolean);
const serverJs = path.resolve(opt('--server', path.join(REPO, 'dist', 'server', 'server.js')));
const root = path.resolve(argv[0] ?? path.join(REPO, 'bench', 'out', 'mono-full'));

const vmRss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const vmHwm = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const mb = (n) => n / 1024 / 1024;

async function once() {
  const out = `/tmp/mem-hook-${process.pid}.json`;
  rmSync(out, { force: true });
  process.env.MEM_HOOK_OUT = out;
  if (snapshot) process.env.MEM_HOOK_SNAPSHOT = snapshot;
  const client = new LspClient({ serverJs, folders: [root], nodeArgs: ['--expose-gc', '-r', path.join(REPO, 'bench', 'lib', 'mem-hook.cjs'), ...extra] });
  const open = new Set();
  let done;
  const ended = new Promise((r) => (done = r));
  client.listeners.add((ev) => {
    if (ev.type !== 'progress') return;
    if (ev.kind === 'begin') open.add(ev.token);
    if (ev.kind === 'end') { open.delete(ev.token); if (open.size === 0) done(); }
  });
  const t0 = performance.now();
  await client.start();
  await ended;
  await client.probe();
  while (open.size > 0) { await new Promise((r) => setTimeout(r, 50)); await client.probe(); }
  const tIndexed = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 500));
  const pid = client.child.pid;
  const rss = vmRss(pid);
  const hwm = vmHwm(pid);
  const idleRss = {};
  for (let t = 5; t <= idle; t += 5) {
    await new Promise((r) => setTimeout(r, 5000));
    idleRss[`${t}s`] = +vmRss(pid).toFixed(1);
  }
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600 && !existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 200));
  const h = JSON.parse(readFileSync(out, 'utf8'));
  const rssAfterGc = vmRss(pid);
  await client.stop();
  return { indexedMs: Math.round(tIndexed), files: client.diagnostics.size, rssMB: +rss.toFixed(1), ...(idle ? { idleRssMB: idleRss } : {}), peakRssMB: +hwm.toFixed(1), heapUsedAfterGcMB: +mb(h.heapUsed).toFixed(1), heapTotalMB: +mb(h.heapTotal).toFixed(1), externalMB: +mb(h.external).toFixed(1), rssAfterGcMB: +rssAfterGc.toFixed(1), spaces: Object.fromEntries(Object.entries(h.spaces).map(([k, v]) => [k, +mb(v.used).toFixed(1)])) };
}

for (let i = 0; i < runs; i++) console.log(JSON.stringify(await once()));
