// Runs the in-host suite in a desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (or have one installed). The same suite file runs under code-server in run.mjs.
//   node test/e2e/run-desktop.mjs                      stable VS Code (downloaded into .vscode-test/)
//   VSCODE_VERSION=1.90.0 node test/e2e/run-desktop.mjs   the minimum engines.vscode
//   VSCODE_EXECUTABLE=/usr/bin/code node test/e2e/run-desktop.mjs   an installed VS Code
// Needs `npm run build` first (the suite and the extension bundle). On Linux without a display,
// run it under xvfb-run. Last stdout line: "N passed, N failed".
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareWorkspace } from './lib/workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const { runTests } = createRequire(import.meta.url)('@vscode/test-electron');

const tmp = mkdtempSync(join(tmpdir(), 'secret-hygiene-desktop-'));
const ws = prepareWorkspace(join(tmp, 'workspace'));
const results = join(tmp, 'results.json');
let exit = 0;
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION || 'stable' }),
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'),
    // --disable-extensions: only the extension under development runs.
    launchArgs: [ws, '--disable-extensions', `--user-data-dir=${join(tmp, 'user-data')}`, `--extensions-dir=${join(tmp, 'extensions')}`],
    extensionTestsEnv: { SECRET_HYGIENE_E2E_RESULTS: results },
  });
} catch (e) {
  process.stderr.write(`${e?.message ?? e}\n`);
  exit = 1;
}
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  for (const t of r.tests) process.stderr.write(`${t.state === 'passed' ? 'PASS' : 'FAIL'} ${t.title}${t.error ? `\n  ${t.error.split('\n').join('\n  ')}` : ''}\n`);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${r.passed} passed, ${r.failed + (exit && !r.failed ? 1 : 0)} failed`);
  process.exit(r.failed || exit ? 1 : 0);
}
process.stderr.write(`no results; workspace and profile kept in ${tmp}\n`);
console.log('0 passed, 1 failed');
process.exit(1);
