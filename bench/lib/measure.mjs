// Runs a command as a child process and measures it: wall time (from the parent), user and system
// CPU time and peak RSS (from GNU time when present, else from a preload that reports the child's
// own process.resourceUsage() at exit). Output goes to /dev/null: rendering is measured, printing
// to a terminal is not.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);
const RUSAGE_PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rusage-at-exit.cjs');

export const rssMethod = hasGnuTime ? '/usr/bin/time -v (Maximum resident set size)' : 'process.resourceUsage().maxRSS in the child (preload)';

/**
 * @param {string} cmd        executable (node for every tool here)
 * @param {string[]} args
 * @param {{cwd?: string, timeoutMs?: number, env?: object}} opts
 * @returns {Promise<{wallMs:number, userMs:number, sysMs:number, cpuMs:number, maxRssMB:number, code:number|null, timedOut:boolean, stderr:string}>}
 */
export async function measure(cmd, args, opts = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sh-bench-'));
  const out = path.join(dir, 'rusage');
  let argv;
  let env = { ...process.env, ...(opts.env ?? {}) };
  if (hasGnuTime) {
    argv = [GNU_TIME, '-f', '%e %U %S %M', '-o', out, cmd, ...args];
  } else {
    argv = [cmd, ...args];
    env = { ...env, SH_BENCH_RUSAGE_FILE: out, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --require ${RUSAGE_PRELOAD}`.trim() };
  }
  const t0 = process.hrtime.bigint();
  // Its own process group, so that a timeout kills the measured tool too, not only GNU time.
  const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 4000) stderr += d;
  });
  let timedOut = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, opts.timeoutMs)
    : undefined;
  const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (timer) clearTimeout(timer);
  let userMs = NaN;
  let sysMs = NaN;
  let maxRssMB = NaN;
  try {
    const text = readFileSync(out, 'utf8').trim().split('\n').pop();
    if (hasGnuTime) {
      const [, u, s, m] = text.split(/\s+/).map(Number);
      userMs = u * 1000;
      sysMs = s * 1000;
      maxRssMB = m / 1024;
    } else {
      const r = JSON.parse(text);
      userMs = r.userCPUTime / 1000;
      sysMs = r.systemCPUTime / 1000;
      maxRssMB = r.maxRSS / 1024;
    }
  } catch {
    // killed before it could report
  }
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, userMs, sysMs, cpuMs: userMs + sysMs, maxRssMB, code: timedOut ? null : code, timedOut, stderr };
}

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}
