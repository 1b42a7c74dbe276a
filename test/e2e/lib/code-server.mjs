// Starting and stopping code-server for the suite: isolated HOME/XDG folders, 127.0.0.1 only, its
// own process group (helper processes outlive SIGTERM, so the whole group is killed at the end).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { log } from '../provision.mjs';

/** Process groups still running; killed on any exit of this process. */
const liveGroups = new Set();
let exitHooked = false;

function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  const killAll = () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    liveGroups.clear();
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      killAll();
      process.exit(130);
    });
  }
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * An environment whose HOME and XDG folders live under `root`, with Node 24 first on PATH.
 * Variables of an enclosing VS Code or Electron are dropped so they cannot leak into the host.
 */
export function isolatedEnv(root, nodeBin, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_|npm_|NODE_OPTIONS$|CODE_SERVER_|PASSWORD$|HASHED_PASSWORD$)/.test(k)) continue;
    env[k] = v;
  }
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'xdg', 'config'),
    XDG_DATA_HOME: join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: join(root, 'xdg', 'state'),
    XDG_RUNTIME_DIR: join(root, 'xdg', 'runtime'),
    TMPDIR: join(root, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  Object.assign(env, dirs);
  if (nodeBin) env.PATH = `${dirname(nodeBin)}${delimiter}${process.env.PATH}`;
  return Object.assign(env, extra);
}

/** No extension gallery: the workbench would otherwise query open-vsx.org for installed extensions. */
function offline(env) {
  return { ...env, EXTENSIONS_GALLERY: '{}' };
}

/** User settings that stop background processes and outbound attempts. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'npm.autoDetect': 'off',
    'typescript.disableAutomaticTypeAcquisition': true,
    ...extra,
  };
  writeFileSync(join(dir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** `code-server --install-extension`; returns true on success. */
export function installExtension({ codeServerBin, nodeBin, env, userDataDir, extensionsDir, vsix }) {
  mkdirSync(extensionsDir, { recursive: true });
  env = offline(env);
  const r = spawnSync(nodeBin ?? codeServerBin, [...(nodeBin ? [codeServerBin] : []), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (out) log(out.split('\n').map((l) => `  ${l}`).join('\n'));
  return r.status === 0;
}

/**
 * Starts code-server detached (its own process group) and waits until `/healthz` answers.
 * Returns `{ url, port, pid, stop }`; `stop()` kills the whole group.
 */
export async function startCodeServer({ codeServerBin, nodeBin, env, userDataDir, extensionsDir, logFile, smokeTestDriver = false, timeoutMs = 60_000 }) {
  hookExit();
  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  env = offline(env);
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  // Run the entry script with Node 24 explicitly: its `#!/usr/bin/env node` would take PATH's node.
  const child = nodeBin
    ? spawn(nodeBin, [codeServerBin, ...args], { env, detached: true, stdio: ['ignore', fd, fd] })
    : spawn(codeServerBin, args, { env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const pgid = child.pid;
  liveGroups.add(pgid);
  let exited = null;
  const exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exited = { code, signal }))));
  const url = `http://127.0.0.1:${port}`;
  log(`code-server pid ${pgid} on ${url}${smokeTestDriver ? ' (smoke-test driver)' : ''}, log ${logFile}`);

  const stop = async () => {
    if (!liveGroups.has(pgid)) return;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 5_000).unref())]);
    // Helper processes (extension host, file watcher, pty host) can outlive the leader.
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the group is empty
    }
    liveGroups.delete(pgid);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`code-server exited before answering (${JSON.stringify(exited)}); see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return { url, port, pid: pgid, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s; see ${logFile}`);
}
