/**
 * Shared helpers of the hardening suites (issue 7): fixed-seed property runs, canary secrets and the
 * "no canary, nor any 8-character slice of one" check, the bundled CLI as a child process with a
 * kill bound, and the hostile-input corpus. Not a test file itself.
 *
 * Messages produced here name canaries by label and offset, files by path, inputs by skeleton
 * (letters -> a, digits -> 9): never a value.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';

export const REPO = join(__dirname, '..', '..', '..');
export const CLI_JS = join(REPO, 'dist', 'cli.js');
export const SERVER_JS = join(REPO, 'dist', 'server', 'server.js');
export const HOSTILE_FIXTURES = join(REPO, 'test', 'fixtures', 'hostile');
export const POSIX = process.platform !== 'win32';

/** Runs per property: small and fixed in CI, `npm run fuzz` sets FUZZ_RUNS=20000. */
export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 200);
export const SEED = Number(process.env.FUZZ_SEED) || 0x4a2d07;
export const FUZZ_PATH = process.env.FUZZ_PATH;
/** Long fuzz runs need a longer mocha bound; the default runs finish well inside 60 s. */
export const FUZZ_TIMEOUT_MS = Math.max(120_000, RUNS * 100);

/** A text's structure without its content, for failure messages: letters become a, digits 9. */
export function skeleton(text: string, max = 300): string {
  const masked = text.slice(0, max).replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9');
  return JSON.stringify(masked).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + (text.length > max ? `... (${text.length} chars)` : '');
}

/**
 * Runs a property with the fixed seed. On failure the message carries the check's own (value-free)
 * message, the seed and the path to replay it (FUZZ_SEED / FUZZ_PATH), and `describe(input)`.
 */
export function assertProperty<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, describe: (input: T) => string = () => ''): void {
  const details = fc.check(
    fc.property(arb, (input) => {
      try {
        check(input);
      } catch (e) {
        const message = e instanceof Error ? e.message : 'non-Error thrown';
        const where = e instanceof Error ? (e.stack ?? '').split('\n').filter((l) => /^\s+at\s/.test(l)).slice(0, 4).join(' | ') : '';
        throw new Error(`${message} [input ${describe(input)}] [${where}]`);
      }
    }),
    { seed: SEED, numRuns: RUNS, path: FUZZ_PATH, endOnFailure: true },
  );
  if (details.failed) {
    const err = details.errorInstance;
    assert.fail(`${name}: failed after ${details.numRuns} run(s): ${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
  }
}

/** An async variant (for handlers that return promises). */
export async function assertAsyncProperty<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => Promise<void>, describe: (input: T) => string = () => '', runs = RUNS): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(arb, async (input) => {
      try {
        await check(input);
      } catch (e) {
        const message = e instanceof Error ? e.message : 'non-Error thrown';
        const where = e instanceof Error ? (e.stack ?? '').split('\n').filter((l) => /^\s+at\s/.test(l)).slice(0, 4).join(' | ') : '';
        throw new Error(`${message} [input ${describe(input)}] [${where}]`);
      }
    }),
    { seed: SEED, numRuns: runs, path: FUZZ_PATH, endOnFailure: true },
  );
  if (details.failed) {
    const err = details.errorInstance;
    assert.fail(`${name}: failed after ${details.numRuns} run(s): ${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Canaries

/** A planted secret: `value` is what the file holds; `secret` is its random part (what must never leak). */
export interface Canary {
  label: string;
  value: string;
  /** The random part(s): fixed format prefixes such as `sk_live_` are not secret and may be named. */
  secret: string[];
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random characters of an alphabet, from node:crypto. */
export function randomChars(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n * 2);
  let out = '';
  for (let i = 0; out.length < n; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}

/** Every canary's random parts, and the base64 forms of values stored base64-encoded. */
export function canaryNeedles(canaries: readonly Canary[]): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  for (const c of canaries) for (const [i, s] of c.secret.entries()) out.push({ label: `${c.label}#${i}`, text: s });
  return out;
}

/**
 * Fails when `text` contains a canary's random part or any 8-character slice of one. The message
 * names the canary's label, the offset of the slice and where the text came from, never the text.
 */
export function assertNoCanary(text: string, canaries: readonly Canary[], where: string): void {
  const hit = findCanary(text, canaries);
  if (hit) assert.fail(`${where}: contains an 8-character slice of canary ${hit.label} (slice at offset ${hit.offset} of the canary, found at ${hit.at} of ${text.length} chars)`);
}

export function findCanary(text: string, canaries: readonly Canary[]): { label: string; offset: number; at: number } | undefined {
  for (const n of canaryNeedles(canaries)) {
    for (let i = 0; i + 8 <= n.text.length; i++) {
      const at = text.indexOf(n.text.slice(i, i + 8));
      if (at !== -1) return { label: n.label, offset: i, at };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The bundled CLI as a child process

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The bound ran out and the child was killed: a hang. */
  timedOut: boolean;
}

/** Runs `node dist/cli.js ...args` in `cwd`; the child is killed after `timeoutMs` (a hang bound, not a speed claim). */
export function runCliChild(args: string[], cwd: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_JS, ...args], { cwd, env: options.env ?? { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

/** A crash prints a stack trace (`    at fn (file:line)`) or Node's own fatal error banner. */
export function assertNoCrashTrace(r: ChildResult, what: string): void {
  assert.ok(!r.timedOut, `${what}: still running when the bound ran out (a hang)`);
  assert.equal(r.signal, null, `${what}: killed by ${r.signal}`);
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr]] as const) {
    assert.ok(!/^\s+at .+[:(].*\d+:\d+\)?$/m.test(text), `${what}: ${name} holds a stack trace`);
    assert.ok(!/internal error|FATAL ERROR|Uncaught|heap out of memory|RangeError|TypeError/.test(text), `${what}: ${name} reports a crash`);
  }
}

export function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, data);
  }
}

// ---------------------------------------------------------------------------------------------
// The hostile corpus

/** What the corpus holds and what each entry must produce: a diagnostic, a skip with a reason, or plain reading. */
export interface HostileEntry {
  path: string;
  /** `finding`: the file gets a parse-error (or another finding); `skipped`: listed as skipped with a reason; `quiet`: read, nothing to say. */
  expect: 'finding' | 'skipped' | 'read';
  /** A pattern the diagnostic or skip reason must match. */
  reason?: RegExp;
}

/** Writes a file of `size` bytes in 1 MiB chunks (the 50 MB file is never held as one string in the test). */
function writeBig(abs: string, size: number, chunk: (i: number) => string): void {
  mkdirSync(dirname(abs), { recursive: true });
  const fd = openSync(abs, 'w');
  try {
    let written = 0;
    for (let i = 0; written < size; i++) {
      const c = Buffer.from(chunk(i), 'utf8');
      const part = c.length > size - written ? c.subarray(0, size - written) : c;
      writeSync(fd, part);
      written += part.length;
    }
  } finally {
    closeSync(fd);
  }
}

export const HOSTILE_BIG = { fiftyMb: 50 * 1024 * 1024, oneLine: 5 * 1024 * 1024 };

/**
 * Builds the hostile workspace in `root`: the committed small files of test/fixtures/hostile and the
 * big or structural ones generated now (50 MB, a 5 MB line, 100,000 keys, a 10,000-deep `${}` chain,
 * 10,000-deep JSON, a backtracking-prone line, symlink loops). Returns what each path must produce.
 */
export function buildHostileWorkspace(root: string, options: { big?: boolean } = {}): HostileEntry[] {
  const big = options.big !== false;
  cpSync(join(HOSTILE_FIXTURES, 'files'), root, { recursive: true });
  const entries: HostileEntry[] = [
    { path: 'binary.env', expect: 'finding', reason: /binary file/ },
    { path: 'nul-byte.env', expect: 'finding', reason: /binary file|NUL/ },
    { path: 'invalid-utf8.env', expect: 'finding', reason: /not valid UTF-8/ },
    { path: 'odd-utf16.env', expect: 'finding', reason: /odd number of bytes|not valid UTF-16/ },
    { path: 'lone-surrogate-utf16le.env', expect: 'finding', reason: /not valid UTF-16|binary/ },
    { path: 'utf16le-bom.env', expect: 'finding', reason: /weak|placeholder|default|guess/i },
    { path: 'utf16be-bom.env', expect: 'finding', reason: /weak|placeholder|default|guess/i },
    { path: 'utf16le-nobom.env', expect: 'finding', reason: /weak|placeholder|default|guess/i },
    { path: 'utf16be-nobom.env', expect: 'finding', reason: /weak|placeholder|default|guess/i },
    { path: 'unterminated.env', expect: 'finding', reason: /Unterminated|runs on to line|quote/ },
    { path: 'cyclic.env', expect: 'read' },
    { path: 'control-chars.env', expect: 'read' },
    { path: 'bom-only.env', expect: 'read' },
    { path: 'config/bomb.yml', expect: 'read' },
    { path: 'application.yml', expect: 'read' },
    { path: 'docker-compose.yml', expect: 'read' },
    { path: 'k8s/bomb-secret.yaml', expect: 'read' },
    { path: 'appsettings.json', expect: 'finding', reason: /JSON/ },
    { path: 'application.properties', expect: 'finding', reason: /escape|Java/ },
    { path: 'odd #name%20?.env', expect: 'finding', reason: /dotenv skips this line/ },
  ];
  // A line of spaces and colons under the long-line limit: the skipped-line message used to backtrack on it for minutes.
  writeTree(root, { 'backtrack.env': ('A' + ' '.repeat(1000) + ':').repeat(200) + '\n' });
  entries.push({ path: 'backtrack.env', expect: 'finding', reason: /dotenv skips this line/ });
  // 100,000 keys (about 3.5 MB, under the 8 MiB default limit).
  writeTree(root, { 'many-keys.env': Array.from({ length: 100_000 }, (_, i) => `KEY_${i}=value-${i}`).join('\n') + '\n' });
  entries.push({ path: 'many-keys.env', expect: 'read' });
  // A 10,000-deep reference chain, and 10,000 nested compose defaults.
  writeTree(root, { 'chain.env': Array.from({ length: 10_000 }, (_, i) => `K${i}=\${K${i + 1}}`).join('\n') + '\nK10000=${K0}\n' });
  entries.push({ path: 'chain.env', expect: 'read' });
  writeTree(root, { 'compose.nested.yml': 'services:\n  app:\n    environment:\n      JWT_SECRET: "' + '${X:-'.repeat(10_000) + 'v' + '}'.repeat(10_000) + '"\n' });
  entries.push({ path: 'compose.nested.yml', expect: 'read' });
  // JSON nested 10,000 levels deep (arrays, and objects).
  writeTree(root, {
    'config/deep-array.json': '['.repeat(10_000) + ']'.repeat(10_000),
    'config/deep-object.json': '{"a":'.repeat(10_000) + '"x"' + '}'.repeat(10_000),
    'config/deep-yaml.yml': 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n',
  });
  entries.push({ path: 'config/deep-array.json', expect: 'finding', reason: /nested deeper|deep/ });
  entries.push({ path: 'config/deep-object.json', expect: 'finding', reason: /nested deeper|deep/ });
  entries.push({ path: 'config/deep-yaml.yml', expect: 'finding', reason: /nested deeper|deep/ });
  if (big) {
    // 50 MB: over the 8 MiB default limit, skipped with the reason. 5 MB on one line: read, the line reported.
    writeBig(join(root, 'huge.env'), HOSTILE_BIG.fiftyMb, (i) => `KEY_${i}=${'x'.repeat(1000)}\n`);
    entries.push({ path: 'huge.env', expect: 'finding', reason: /over the .* limit/ });
    writeBig(join(root, 'one-line.env'), HOSTILE_BIG.oneLine, (i) => (i === 0 ? 'JWT_SECRET=' : '') + 'y'.repeat(1024 * 1024));
    entries.push({ path: 'one-line.env', expect: 'finding', reason: /characters long, over the .* limit/ });
  }
  if (POSIX) {
    // Symlink loops: a folder linking to itself, two links pointing at each other, a dangling link.
    symlinkSync('.', join(root, 'loop'));
    symlinkSync('b.env', join(root, 'a.env'));
    symlinkSync('a.env', join(root, 'b.env'));
    mkdirSync(join(root, 'nest'), { recursive: true });
    symlinkSync('..', join(root, 'nest', 'up'));
    symlinkSync('does-not-exist.env', join(root, 'dangling.env'));
    entries.push({ path: 'loop', expect: 'skipped', reason: /symlinked folder not followed/ });
    entries.push({ path: 'nest/up', expect: 'skipped', reason: /symlinked folder not followed/ });
    entries.push({ path: 'a.env', expect: 'skipped', reason: /broken or looping symlink/ });
    entries.push({ path: 'b.env', expect: 'skipped', reason: /broken or looping symlink/ });
    entries.push({ path: 'dangling.env', expect: 'skipped', reason: /broken or looping symlink/ });
    // Links to devices: reading /dev/zero never ends; such files are not regular files and are not read.
    symlinkSync('/dev/zero', join(root, 'zero.env'));
  }
  return entries;
}

/** Removes a folder tree, symlink loops included (rmSync does not follow links). */
export function removeTree(root: string): void {
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
}

export function listTemp(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.tmp'));
}

// ---------------------------------------------------------------------------------------------
// The canary workspace: a unique random secret in every kind of place a secret can sit

export interface CanaryWorkspace {
  canaries: Canary[];
  /** By name, for assertions about where a rotation moves a value. */
  c: Record<string, Canary>;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

/**
 * Writes a workspace where every secret is a fresh random canary: .env with every quote style,
 * `export`, a multi-line PEM, a URL password, a commented-out secret, a browser-exposed secret,
 * third-party credential formats, a broken version chain; a second environment reusing a value; an
 * example file holding a real value; compose (map, list, `${VAR:-default}`), Spring YAML, a
 * Kubernetes Secret (base64 `data:` and `stringData:`), appsettings.json (with a commented
 * secret), .properties; a journal with an old rotation; and a broken project config.
 */
export function buildCanaryWorkspace(root: string): CanaryWorkspace {
  const c: Record<string, Canary> = {};
  const mk = (label: string, make: () => { value: string; secret: string[] }): string => {
    const { value, secret } = make();
    c[label] = { label, value, secret };
    return value;
  };
  const plain = (label: string, n = 43, alphabet = B64URL) => mk(label, () => {
    const v = randomChars(n, alphabet);
    return { value: v, secret: [v] };
  });
  const prefixed = (label: string, prefix: string, n: number, alphabet = ALNUM) => mk(label, () => {
    const v = randomChars(n, alphabet);
    return { value: prefix + v, secret: [v] };
  });
  // Weak on purpose (a repeated chunk) so the weak/low-entropy paths run, yet unique to this run.
  const weak = (label: string) => mk(label, () => {
    const chunk = randomChars(4);
    const v = chunk.repeat(8);
    return { value: v, secret: [v] };
  });

  const jwt = plain('jwt');
  const jwtPrev = plain('jwtPrev');
  const session = weak('session');
  const cookie = plain('cookie', 32, HEX);
  const pemBody = [randomChars(64), randomChars(64), randomChars(40)];
  c.pem = { label: 'pem', value: pemBody.join('\n'), secret: pemBody };
  const dbPass = plain('dbPass', 24, HEX);
  const stripe = prefixed('stripe', 'sk_live_', 24);
  const commented = plain('commented');
  const exposed = plain('exposed');
  const reused = plain('reused');
  const github = prefixed('github', 'ghp_', 36);
  const aws = plain('aws', 40, ALNUM + '/+');
  const enc = plain('enc', 64, HEX);
  const encV1 = plain('encV1', 64, HEX);
  const prodJwt = plain('prodJwt');
  const listA = plain('listA');
  const listB = plain('listB');
  const exampleRandom = plain('exampleRandom');
  const composeMap = plain('composeMap');
  const composeList = plain('composeList', 24, HEX);
  const composeDefault = plain('composeDefault');
  const springJwt = plain('springJwt');
  const springPass = plain('springPass', 20, HEX);
  const springUrlPass = plain('springUrlPass', 20, HEX);
  const k8sData = plain('k8sData');
  const k8sString = plain('k8sString');
  const appJwt = plain('appJwt');
  const appConn = plain('appConn', 20, HEX);
  const appCommented = plain('appCommented');
  const propJwt = plain('propJwt');
  const propPass = plain('propPass', 20, HEX);
  const propCommented = plain('propCommented');
  const unterminated = plain('unterminated');
  const configJunk = plain('configJunk');
  // The base64 text of the Kubernetes value is a secret too.
  const k8sB64 = Buffer.from(k8sData).toString('base64');
  c.k8sData.secret.push(k8sB64.slice(0, -4));

  writeTree(root, {
    '.env': [
      '# App',
      `export JWT_SECRET=${jwt}`,
      `JWT_SECRET_PREVIOUS="${jwtPrev}"`,
      `SESSION_SECRET='${session}'`,
      `COOKIE_SECRET=\`${cookie}\``,
      `PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\n${pemBody.join('\n')}\n-----END PRIVATE KEY-----"`,
      `DATABASE_URL=postgres://app:${dbPass}@db:5432/app`,
      `STRIPE_SECRET_KEY=${stripe} # live key`,
      `# OLD_API_SECRET=${commented}`,
      `NEXT_PUBLIC_JWT_SECRET=${exposed}`,
      `REUSED_SECRET=${reused}`,
      `GITHUB_TOKEN=${github}`,
      `AWS_SECRET_ACCESS_KEY=${aws}`,
      `ENC_KEY=${enc}`,
      'ENC_KEY_VERSION=3',
      `ENC_KEY_V1=${encV1}`,
      '',
    ].join('\n'),
    '.env.production': [`NEXTAUTH_SECRET=${reused}`, `JWT_SECRET=${prodJwt}`, `API_KEYS=${listA},${listB}`, `BROKEN="${unterminated}`, ''].join('\n'),
    '.env.example': [`JWT_SECRET=${jwt}`, `EXAMPLE_SECRET=${exampleRandom}`, 'PORT=3000', ''].join('\n'),
    'docker-compose.yml': [
      'services:',
      '  api:',
      '    env_file: .env',
      '    environment:',
      `      JWT_SECRET: ${composeMap}`,
      `      SESSION_SECRET: \${SESSION_SECRET:-${composeDefault}}`,
      '  worker:',
      '    environment:',
      `      - DB_PASSWORD=${composeList}`,
      '',
    ].join('\n'),
    'src/main/resources/application.yml': [
      'jwt:',
      `  secret: ${springJwt}`,
      'spring:',
      '  datasource:',
      `    password: "${springPass}"`,
      `    url: postgres://app:${springUrlPass}@db:5432/app`,
      '',
    ].join('\n'),
    'k8s/app-secret.yaml': ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: app', 'data:', `  JWT_SECRET: ${k8sB64}`, 'stringData:', `  API_TOKEN: ${k8sString}`, ''].join('\n'),
    'appsettings.json': [
      '{',
      `  "Jwt": { "Key": "${appJwt}" },`,
      `  "ConnectionStrings": { "Default": "postgres://app:${appConn}@db:5432/app" },`,
      `  // "Secret": "${appCommented}"`,
      '}',
      '',
    ].join('\n'),
    'application.properties': [`jwt.secret=${propJwt}`, `spring.datasource.password=${propPass}`, `# jwt.old-secret=${propCommented}`, ''].join('\n'),
    'docs/security/HARDENING-LOG.md': ['# Hardening log', '', '## 2025-01-02', '', '### JWT_SECRET rotation [done 2025-01-02]', '', '- Fingerprint: fp:old → fp:new', ''].join('\n'),
    // A broken project config that quotes a canary: the error must not echo it.
    '.secret-hygiene.json': `{ "rules": { "weak-secret": "error" }, "note": ${configJunk} }\n`,
    '.gitignore': 'node_modules\n',
  });
  return { canaries: Object.values(c), c };
}

// ---------------------------------------------------------------------------------------------
// Untrusted workspaces: traps that record any program run or workspace code executed

/** Programs a secret tool might be tempted to run; each fake writes its name to the marker file. */
export const TRAP_PROGRAMS = ['git', 'npm', 'npx', 'yarn', 'pnpm', 'node', 'docker', 'kubectl', 'sops', 'op', 'vault', 'gpg', 'ssh', 'curl', 'wget', 'python', 'python3', 'bash', 'code', 'openssl', 'dotenv', 'direnv', 'chmod', 'ls', 'cat', 'find', 'grep', 'rg', 'xdg-open', 'open'];

/**
 * A folder of fake programs (to put first on PATH) and a workspace full of code that would run if
 * anything executed it: a git config with an fsmonitor hook, git hooks, npm scripts, JS config files,
 * an .envrc, and shell substitutions inside values. Every trap appends to `marker`.
 */
export function buildTrapWorkspace(root: string): { bin: string; marker: string; workspace: string } {
  const bin = join(root, 'bin');
  const marker = join(root, 'MARKER');
  const workspace = join(root, 'ws');
  const script = (name: string) => `#!/bin/sh\necho "${name} $*" >> "${marker}"\nexit 0\n`;
  for (const name of TRAP_PROGRAMS) {
    writeTree(bin, { [name]: script(name) });
    chmodSync(join(bin, name), 0o755);
  }
  const hook = join(root, 'hook.sh');
  writeFileSync(hook, script('git-hook'));
  chmodSync(hook, 0o755);
  const js = (what: string) => `require('fs').appendFileSync(${JSON.stringify(marker)}, ${JSON.stringify(what + '\n')});\nmodule.exports = {};\n`;
  writeTree(workspace, {
    '.git/config': `[core]\n\trepositoryformatversion = 0\n\tfsmonitor = ${hook}\n\thooksPath = .git/hooks\n[filter "x"]\n\tclean = ${hook}\n\tsmudge = ${hook}\n`,
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/hooks/post-checkout': script('git-post-checkout'),
    '.gitattributes': '* filter=x\n',
    '.gitignore': '.env\n',
    'package.json': JSON.stringify({ name: 'trap', scripts: { preinstall: hook, prepare: hook, test: hook }, secretHygiene: { config: './secret-hygiene.config.js' } }),
    '.secret-hygiene.js': js('.secret-hygiene.js'),
    'secret-hygiene.config.js': js('secret-hygiene.config.js'),
    '.secret-hygienerc.js': js('.secret-hygienerc.js'),
    '.envrc': `${hook}\n`,
    'node_modules/.bin/secret-hygiene': script('local-bin'),
    '.env': [
      'JWT_SECRET=$(touch MARKER-subst)',
      'SESSION_SECRET=`touch MARKER-backtick`',
      `NEXT_PUBLIC_API_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ`,
      'DATABASE_URL=postgres://app:${DB_PASS:-$(touch MARKER-default)}@db/app',
      `APP_SECRET=Pw2mR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4Kp9Ws1E`,
      'APP_SECRET_PREVIOUS=',
      '',
    ].join('\n'),
    'docker-compose.yml': `services:\n  app:\n    environment:\n      JWT_SECRET: \${JWT_SECRET:-$(touch MARKER-compose)}\n`,
    'src/app.ts': "export const key = process.env.NEXT_PUBLIC_API_SECRET;\nrequire('child_process').execSync('touch MARKER-code');\n",
    'web/index.js': js('web/index.js'),
  });
  chmodSync(join(workspace, '.git/hooks/post-checkout'), 0o755);
  chmodSync(join(workspace, 'node_modules/.bin/secret-hygiene'), 0o755);
  return { bin, marker, workspace };
}

/** Fails when any trap fired: the marker file, or a file a substitution would have created. */
export function assertNoTrapFired(trap: { marker: string; workspace: string }, what: string): void {
  assert.ok(!existsSync(trap.marker), `${what}: a program ran or workspace code executed (${existsSync(trap.marker) ? readFileSync(trap.marker, 'utf8').split('\n')[0].split(' ')[0] : ''})`);
  const planted = readdirSync(trap.workspace).filter((n) => n.startsWith('MARKER'));
  assert.deepEqual(planted, [], `${what}: a shell substitution inside a value was executed`);
}
