// A stand-in for the VS Code binary, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It takes the desktop arguments (--extensionDevelopmentPath, --extensionTestsPath, a workspace
// folder, --user-data-dir, --extensions-dir), starts code-server with the smoke-test driver, opens
// the test payload in headless Chromium and exits with the suite's exit code. All output goes to
// stderr. runTests spawns it through a small shell wrapper (see run.mjs) because it execs the path.
import { mkdirSync, mkdtempSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { isAbsolute, join, resolve } from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { isolatedEnv, startCodeServer, writeUserSettings } from './lib/code-server.mjs';
import { log, provision } from './provision.mjs';

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'folder-uri']);

/** Parses VS Code's command line: `--flag=value`, `--flag value` for known flags, positional paths. */
export function parseDesktopArgs(argv) {
  const flags = {};
  const devPaths = [];
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
    let value = eq === -1 ? undefined : a.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    if (name === 'extensionDevelopmentPath') devPaths.push(value);
    else flags[name] = value ?? true;
  }
  return { flags, devPaths, positional };
}

function remoteUri(authority, path) {
  const abs = resolve(path);
  return `vscode-remote://${authority}${abs.split('/').map(encodeURIComponent).join('/')}`;
}

/** Runs one in-host suite; resolves to its exit code. */
export async function launch(argv, { timeoutMs = Number(process.env.SECRET_HYGIENE_E2E_SUITE_TIMEOUT_MS) || 10 * 60_000 } = {}) {
  const { flags, devPaths, positional } = parseDesktopArgs(argv);
  if (devPaths.length === 0 || !flags.extensionTestsPath) {
    log('launcher: --extensionDevelopmentPath and --extensionTestsPath are required');
    return 2;
  }
  const workspace = positional.find((p) => isAbsolute(p) || !p.includes('://'));
  const tools = process.env.SECRET_HYGIENE_E2E_CODE_SERVER
    ? { codeServerBin: process.env.SECRET_HYGIENE_E2E_CODE_SERVER, nodeBin: process.env.SECRET_HYGIENE_E2E_NODE, chromium: process.env.SECRET_HYGIENE_E2E_CHROMIUM || '/usr/bin/chromium' }
    : provision();
  const root = process.env.SECRET_HYGIENE_E2E_TMP ? join(process.env.SECRET_HYGIENE_E2E_TMP, 'launcher') : mkdtempSync(join(tmpdir(), 'secret-hygiene-launcher-'));
  mkdirSync(root, { recursive: true });
  const userDataDir = typeof flags['user-data-dir'] === 'string' ? resolve(flags['user-data-dir']) : join(root, 'user-data');
  const extensionsDir = typeof flags['extensions-dir'] === 'string' ? resolve(flags['extensions-dir']) : join(root, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir);
  const serverEnv = isolatedEnv(join(root, 'server-env'), tools.nodeBin);
  const browserEnv = isolatedEnv(join(root, 'browser-env'), undefined);
  const consoleLog = join(root, 'browser-console.log');
  const hostLog = join(root, 'host.log');

  let server;
  let browser;
  try {
    server = await startCodeServer({
      codeServerBin: tools.codeServerBin,
      nodeBin: tools.nodeBin,
      env: serverEnv,
      userDataDir,
      extensionsDir,
      logFile: join(root, 'code-server.log'),
      smokeTestDriver: true,
    });
    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ...devPaths.map((p) => ['extensionDevelopmentPath', remoteUri(authority, p)]),
      ['extensionTestsPath', remoteUri(authority, flags.extensionTestsPath)],
    ];
    const query = new URLSearchParams();
    if (workspace) query.set('folder', resolve(workspace));
    query.set('payload', JSON.stringify(payload));

    browser = await launchBrowser({ executablePath: tools.chromium, profileDir: join(root, 'chromium-profile'), env: browserEnv });
    let settle;
    const exitCode = new Promise((r) => (settle = r));
    await browser.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? format(...args) : String(args);
      // The whole message goes to host.log; stderr gets its first line only. VS Code's own errors
      // carry 30-line stacks that would push the suite's results out of a CI log's tail.
      appendFileSync(hostLog, `[host ${type}] ${text}\n`);
      const first = text.split('\n', 1)[0];
      process.stderr.write(`[host ${type}] ${first}${first.length < text.length ? ` (stack in ${hostLog})` : ''}\n`);
    });
    await browser.exposeFunction('codeAutomationExit', (code) => {
      settle(typeof code === 'number' ? code : 1);
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => appendFileSync(consoleLog, `${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(consoleLog, `pageerror: ${e.message}\n`));
    log(`launcher: running ${flags.extensionTestsPath}${workspace ? ` on ${workspace}` : ''}`);
    await page.goto(`${server.url}/?${query}`);
    let timer;
    const timedOut = new Promise((r) => {
      timer = setTimeout(() => r('timeout'), timeoutMs);
    });
    const result = await Promise.race([exitCode, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      log(`launcher: the suite did not finish within ${timeoutMs / 1000} s; browser console in ${consoleLog}`);
      return 1;
    }
    log(`launcher: suite exit code ${result}`);
    return result;
  } catch (e) {
    log(`launcher: ${e.stack ?? e}`);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await launch(process.argv.slice(2));
  process.exit(code);
}
