// The end-to-end suite: the packaged extension in a real VS Code (code-server 4.139.1, VS Code
// 1.139), driven two ways:
//   1. in-host tests: mocha inside the extension host with the real `vscode` API, run through
//      @vscode/test-electron's runTests with test/e2e/launcher.mjs standing in for the VS Code binary;
//   2. UI tests: Playwright in headless Chromium against a second code-server, without the test driver.
// Progress goes to stderr; the last stdout line is "N passed, N failed". Exit 1 on any failure.
//
// Environment:
//   CI=true                         a missing prerequisite is a failure (never a skip)
//   SECRET_HYGIENE_E2E_BREAK=a,b    turn these rules off in the fixture copy: the suite must then fail
//   SECRET_HYGIENE_E2E_ONLY=inhost|ui   run one half
//   SECRET_HYGIENE_E2E_GREP=text    only in-host tests whose title contains text
//   SECRET_HYGIENE_E2E_UPDATE_IMAGES=1  copy the UI screenshots into docs/images/
//   SECRET_HYGIENE_E2E_KEEP=1       keep the temp folder (logs, screenshots) even when all passed
//   SECRET_HYGIENE_E2E_CACHE=dir    where Node 24 and code-server are cached (default ~/.cache/secret-hygiene-e2e)
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installExtension, isolatedEnv } from './lib/code-server.mjs';
import { prepareWorkspace } from './lib/workspace.mjs';
import { log, MissingPrerequisite, provision } from './provision.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const require = createRequire(import.meta.url);
const CI = process.env.CI === 'true';
const ONLY = process.env.SECRET_HYGIENE_E2E_ONLY;
const started = Date.now();

let passed = 0;
let failed = 0;
const failures = [];

function record(title, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    // The first lines of the reason go into the summary at the end too: CI shows the tail of a long log.
    failures.push(detail ? `${title}\n    ${String(detail).split('\n').slice(0, 4).join('\n    ')}` : title);
  }
  log(`${ok ? 'PASS' : 'FAIL'} ${title}${!ok && detail ? `\n       ${String(detail).split('\n').join('\n       ')}` : ''}`);
}

function finish(tmp) {
  const secs = Math.round((Date.now() - started) / 1000);
  if (failures.length) log(`failed:\n  ${failures.join('\n  ')}`);
  if (tmp) {
    if (failed === 0 && !process.env.SECRET_HYGIENE_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
    else log(`logs, screenshots and workspace copies kept in ${tmp}`);
  }
  log(`end-to-end suite finished in ${secs} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

/** Runs a command with its output on stderr (stdout is for the result line). */
function sh(cmd, args, opts = {}) {
  log('$', cmd, ...args);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: ['ignore', 2, 2], ...opts });
  return r.status === 0;
}

/** Packages the extension; returns the .vsix path or undefined. */
function packageExtension(tmp) {
  const vsix = join(repo, 'secret-hygiene.vsix');
  const before = existsSync(vsix) ? statSync(vsix).mtimeMs : 0;
  const ok = sh('npm', ['run', '--silent', 'package']);
  const fresh = existsSync(vsix) && statSync(vsix).mtimeMs > before;
  record('npm run package makes secret-hygiene.vsix', ok && fresh, ok ? 'no new secret-hygiene.vsix was written' : 'npm run package failed (output above)');
  if (!(ok && fresh)) return undefined;
  const copy = join(tmp, 'secret-hygiene.vsix');
  cpSync(vsix, copy);
  log(`packaged ${Math.round(statSync(copy).size / 1024)} KiB`);
  return copy;
}

/** The folder code-server unpacked the extension into. */
function installedExtensionDir(extensionsDir) {
  const name = readdirSync(extensionsDir).find((n) => n.startsWith('secret-hygiene.secret-hygiene-'));
  return name ? join(extensionsDir, name) : undefined;
}

async function runInHost({ tools, tmp, devPath }) {
  const root = join(tmp, 'inhost');
  mkdirSync(root, { recursive: true });
  const ws = prepareWorkspace(join(root, 'workspace'), { env: isolatedEnv(join(root, 'git-env')) });
  const results = join(root, 'results.json');
  // runTests spawns the "VS Code binary" directly; a wrapper runs the launcher with this Node.
  const wrapper = join(root, 'code');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${join(here, 'launcher.mjs')}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  const { runTests } = require('@vscode/test-electron');
  let exit = 0;
  try {
    await runTests({
      vscodeExecutablePath: wrapper,
      extensionDevelopmentPath: devPath,
      extensionTestsPath: join(repo, 'out', 'test', 'e2e', 'suite', 'index.js'),
      launchArgs: [ws, `--user-data-dir=${join(root, 'user-data')}`, `--extensions-dir=${join(root, 'extensions')}`],
      extensionTestsEnv: {
        SECRET_HYGIENE_E2E_RESULTS: results,
        SECRET_HYGIENE_E2E_CODE_SERVER: tools.codeServerBin,
        SECRET_HYGIENE_E2E_NODE: tools.nodeBin,
        SECRET_HYGIENE_E2E_CHROMIUM: tools.chromium,
        SECRET_HYGIENE_E2E_TMP: root,
      },
    });
  } catch (e) {
    exit = e?.code ?? 1;
  }
  if (!existsSync(results)) {
    record('in-host suite ran and reported its results', false, `exit code ${exit}; logs in ${root}`);
    return;
  }
  const r = JSON.parse(readFileSync(results, 'utf8'));
  for (const t of r.tests) record(`in-host: ${t.title}`, t.state === 'passed', t.error);
  if (!r.finished) record('in-host suite ran to the end', false, `it stopped after ${r.tests.length} tests (timeout or crash); logs in ${root}`);
  else if (exit !== 0 && r.failed === 0) record('in-host suite exited cleanly', false, `exit code ${exit} with no failed test`);
  log(`in-host suite: ${r.passed} passed, ${r.failed} failed in ${Math.round(r.ms / 1000)} s`);
}

async function main() {
  log(`end-to-end suite${CI ? ' (CI)' : ''}`);
  let tools;
  try {
    tools = provision();
  } catch (e) {
    const msg = e instanceof MissingPrerequisite ? e.message : String(e?.stack ?? e);
    if (CI) {
      record('e2e prerequisites are installed', false, msg);
      finish();
    }
    log(`SKIPPED: ${msg}`);
    console.log(`e2e skipped: ${msg}`);
    console.log('0 passed, 0 failed');
    process.exit(0);
  }

  if (!existsSync(join(repo, 'out', 'test', 'e2e', 'suite', 'index.js')) || !existsSync(join(repo, 'dist', 'client', 'extension.js'))) {
    if (!sh('npm', ['run', '--silent', 'build'])) {
      record('npm run build', false);
      finish();
    }
  }

  const tmp = mkdtempSync(join(tmpdir(), 'secret-hygiene-e2e-'));
  log(`temp folder ${tmp}`);
  const vsix = packageExtension(tmp);
  // One extensions folder with the .vsix installed the way a user installs it; both halves use it.
  const extensionsDir = join(tmp, 'extensions');
  if (vsix) {
    const env = isolatedEnv(join(tmp, 'install-env'), tools.nodeBin);
    const ok = installExtension({ codeServerBin: tools.codeServerBin, nodeBin: tools.nodeBin, env, userDataDir: join(tmp, 'install-user-data'), extensionsDir, vsix });
    record('code-server --install-extension installs the .vsix', Boolean(ok && installedExtensionDir(extensionsDir)));
  }
  // The in-host suite runs with the repository as the extension development folder (the bundle
  // `npm run package` just built): its tests must sit inside the extension's folder to share the
  // extension's `vscode` API object (prompts.ts answers the extension's QuickPicks that way).
  // The UI tests run the .vsix as installed.
  const devPath = repo;

  if (ONLY !== 'ui') {
    try {
      await runInHost({ tools, tmp, devPath });
    } catch (e) {
      record('in-host suite', false, e?.stack ?? e);
    }
  }
  if (ONLY !== 'inhost') {
    try {
      const { runUiTests } = await import('./ui.mjs');
      const r = await runUiTests({ tools, tmp, extensionsDir: vsix ? extensionsDir : undefined, prepareWorkspace, record, repo });
      log(`UI tests: ${r.passed} passed, ${r.failed} failed`);
    } catch (e) {
      record('UI tests', false, e?.stack ?? e);
    }
  }
  finish(tmp);
}

await main();
