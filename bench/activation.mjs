// Extension activation outside VS Code (bench/lib/activation-probe.cjs, one fresh process per
// run) and the size of the packaged .vsix.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './lib/measure.mjs';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE = path.join(REPO, 'bench', 'lib', 'activation-probe.cjs');
const TARGET = process.env.BENCH_TARGET ? path.resolve(process.env.BENCH_TARGET) : REPO;

export async function runActivationBench({ folder, runs = 7, log = () => {} }) {
  const samples = [];
  let failure;
  for (let i = 0; i < runs; i++) {
    const { stdout, stderr } = await run(process.execPath, [PROBE, TARGET, folder], { timeout: 60_000 }).catch((e) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? String(e) }));
    let r;
    try {
      r = JSON.parse(stdout.trim().split('\n').pop());
    } catch {
      r = { error: 'no result' };
    }
    if (r.error || /could not start/.test(stderr)) {
      failure = r.error ?? 'activate reported a failure';
      break;
    }
    samples.push(r);
  }
  if (samples.length === 0) {
    log(`  activation: failed (${failure})`);
    return { failed: failure };
  }
  const result = {
    runs: samples.length,
    requireMs: median(samples.map((s) => s.requireMs)),
    activateCallMs: median(samples.map((s) => s.activateCallMs)),
    activateMs: median(samples.map((s) => s.activateMs)),
    totalMs: median(samples.map((s) => s.totalMs)),
    clientRunningMs: median(samples.map((s) => s.clientRunningMs ?? s.totalMs)),
  };
  log(
    `  activation (require + activate() until its promise resolves, as VS Code counts it): ${result.totalMs.toFixed(0)} ms ` +
      `(require ${result.requireMs.toFixed(0)} ms, activate() returns after ${result.activateCallMs.toFixed(0)} ms, resolves after ${result.activateMs.toFixed(0)} ms); ` +
      `language client running (server answered initialize) ${result.clientRunningMs.toFixed(0)} ms after the require started`,
  );
  return result;
}

/** `npm run package` (production build + vsce), then the size of secret-hygiene.vsix. */
export async function runVsixSize({ log = () => {} }) {
  const vsix = path.join(TARGET, 'secret-hygiene.vsix');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  try {
    await run(npm, ['run', 'package'], { cwd: TARGET, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    log(`  vsix: npm run package failed (${(e.stderr ?? '').split('\n').find((l) => /error/i.test(l)) ?? 'see npm output'})`);
    return { failed: 'npm run package failed' };
  }
  if (!existsSync(vsix)) return { failed: 'no .vsix produced' };
  const bytes = statSync(vsix).size;
  log(`  vsix: ${(bytes / 1024).toFixed(0)} KiB`);
  return { bytes, mb: bytes / 1024 / 1024 };
}
