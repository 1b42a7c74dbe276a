// The README's test command: builds, runs every suite (unit, LSP, grammar, end-to-end) and ends
// with one line "N passed, N failed" summed over all of them. Exit code 1 when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
let passed = 0;
let failed = 0;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  process.stdout.write(r.stdout ?? '');
  return r;
}

/** Reads the last "N passed, N failed" line a suite printed. */
function count(name, r) {
  const lines = (r.stdout ?? '').trim().split('\n').reverse();
  const line = lines.find((l) => /^(\w+: )?\d+ passed, \d+ failed/.test(l.trim()));
  if (!line) {
    console.log(`${name}: no result line (exit ${r.status}); counted as 1 failure`);
    failed += 1;
    return;
  }
  const m = /(\d+) passed, (\d+) failed/.exec(line);
  passed += Number(m[1]);
  failed += Number(m[2]);
  if (r.status !== 0 && Number(m[2]) === 0) {
    console.log(`${name}: exited ${r.status} with no failed test; counted as 1 failure`);
    failed += 1;
  }
}

const b = run('npm', ['run', '--silent', 'build']);
if (b.status !== 0) {
  console.log('build failed');
  console.log(`0 passed, 1 failed`);
  process.exit(1);
}

const suites = [
  ['unit', 'out/test/unit'],
  ['lsp', 'out/test/lsp'],
];
for (const [name, dir] of suites) {
  if (!want(name)) continue;
  if (!existsSync(join(root, dir))) continue;
  console.log(`\n== ${name} ==`);
  count(name, run(process.execPath, ['scripts/mocha-run.mjs', dir]));
}
if (want('grammar') && existsSync(join(root, 'test/grammar'))) {
  console.log('\n== grammar ==');
  count('grammar', run(process.execPath, ['scripts/grammar-test.mjs']));
}
if (want('e2e') && existsSync(join(root, 'test/e2e/run.mjs'))) {
  console.log('\n== e2e ==');
  count('e2e', run(process.execPath, ['test/e2e/run.mjs']));
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
