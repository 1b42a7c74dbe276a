// CLI throughput on the synthetic monorepo, side by side in one run: `secret-hygiene check`,
// secretlint with its recommended preset, and a raw read that only reads and splits every file.
// Rounds are interleaved (ours, secretlint, raw; ours, secretlint, raw; ...) so that a noisy
// neighbour slows all three alike; each figure is the median of the measured rounds.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median } from './lib/measure.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The tree whose dist/ is measured: this repository, or BENCH_TARGET (e.g. a copy with bench/patches applied). */
const TARGET = process.env.BENCH_TARGET ? path.resolve(process.env.BENCH_TARGET) : REPO;
const CLI = path.join(TARGET, 'dist', 'cli.js');
const SECRETLINT = path.join(REPO, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
const PROFILER_OFF = path.join(REPO, 'bench', 'lib', 'secretlint-profiler-off.mjs');
const RAW = path.join(REPO, 'bench', 'lib', 'raw-read.mjs');

/** The three tools, as commands over the same tree and the same files. */
export function tools(manifest, listFile) {
  const root = manifest.monorepo.root;
  const files = readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
  return {
    ours: { label: 'secret-hygiene check', cmd: process.execPath, args: [CLI, 'check', '.', '--format', 'json'], cwd: root, outputFlag: (f) => ['--output', f] },
    secretlint: {
      label: 'secretlint (recommended preset)',
      cmd: process.execPath,
      // One invocation over the literal file list (no glob cost), with the profiler fix of #1673.
      args: ['--import', PROFILER_OFF, SECRETLINT, '--no-glob', '--format', 'json', '--secretlintrc', '.secretlintrc.json', ...files],
      cwd: root,
      outputFlag: (f) => ['--output', f],
    },
    raw: { label: 'raw read + split (Node)', cmd: process.execPath, args: [RAW, root, listFile], cwd: root },
  };
}

/**
 * @returns {Promise<object>} per tool: median wall/cpu/rss, throughput, and the checked file counts.
 */
export async function runCliBench({ manifest, listFile, rounds = 3, timeoutMs = 240_000, log = () => {}, tmpDir }) {
  const t = tools(manifest, listFile);
  const { fileCount, bytes } = manifest.monorepo;
  tmpDir = path.resolve(tmpDir);
  mkdirSync(tmpDir, { recursive: true });

  // Warm-up round (not measured): fills the page cache and checks that both tools read the same files.
  const check = {};
  for (const name of ['ours', 'secretlint']) {
    const out = path.join(tmpDir, `${name}.json`);
    const r = await measure(t[name].cmd, [...t[name].args, ...t[name].outputFlag(out)], { cwd: t[name].cwd, timeoutMs });
    if (r.timedOut) {
      check[name] = { timedOut: true };
      log(`  warm-up: ${name} did not finish in ${timeoutMs / 1000} s`);
      continue;
    }
    try {
      const json = JSON.parse(readFileSync(out, 'utf8'));
      if (name === 'ours') {
        // `findings` is the flat list; `checked` the number of files read.
        check.ours = { files: json.checked, findings: Array.isArray(json.findings) ? json.findings.length : undefined };
      } else {
        check.secretlint = { files: json.length, findings: json.reduce((s, f) => s + f.messages.length, 0) };
      }
    } catch {
      check[name] = { files: undefined, findings: undefined, exit: r.code, stderr: r.stderr.slice(0, 300) };
    }
    writeFileSync(out, ''); // the reports hold findings about test data; keep nothing around
    log(`  warm-up: ${name} read ${check[name].files} files, ${check[name].findings} findings, ${(r.wallMs / 1000).toFixed(2)} s`);
  }
  await measure(t.raw.cmd, t.raw.args, { cwd: t.raw.cwd });

  const samples = { ours: [], secretlint: [], raw: [] };
  const skip = new Set(Object.keys(check).filter((k) => check[k].timedOut));
  for (let round = 0; round < rounds; round++) {
    for (const name of ['ours', 'secretlint', 'raw']) {
      if (skip.has(name)) continue;
      const r = await measure(t[name].cmd, t[name].args, { cwd: t[name].cwd, timeoutMs });
      if (r.timedOut) {
        skip.add(name);
        log(`  round ${round + 1}: ${name} timed out`);
        continue;
      }
      if (r.code === 2 || (r.code !== 0 && r.code !== 1)) log(`  round ${round + 1}: ${name} exited ${r.code}: ${r.stderr.split('\n')[0]}`);
      samples[name].push(r);
      log(`  round ${round + 1}: ${name.padEnd(10)} ${(r.wallMs / 1000).toFixed(2)} s wall, ${(r.cpuMs / 1000).toFixed(2)} s cpu, ${r.maxRssMB.toFixed(0)} MB`);
    }
  }

  const summary = {};
  for (const name of ['ours', 'secretlint', 'raw']) {
    const s = samples[name];
    const wallMs = median(s.map((r) => r.wallMs));
    const cpuMs = median(s.map((r) => r.cpuMs));
    summary[name] = {
      label: t[name].label,
      runs: s.length,
      timedOut: skip.has(name) && s.length === 0,
      wallMs,
      cpuMs,
      maxRssMB: median(s.map((r) => r.maxRssMB)),
      filesPerSec: fileCount / (wallMs / 1000),
      mbPerSec: bytes / 1e6 / (wallMs / 1000),
      checked: check[name],
    };
  }
  summary.ratios = {
    // Throughput ratios: how many times faster than secretlint; how many times slower than the raw read.
    oursVsSecretlint: summary.secretlint.wallMs / summary.ours.wallMs,
    oursVsSecretlintCpu: summary.secretlint.cpuMs / summary.ours.cpuMs,
    oursVsRaw: summary.ours.wallMs / summary.raw.wallMs,
    oursVsRawCpu: summary.ours.cpuMs / summary.raw.cpuMs,
  };
  return summary;
}
