/**
 * Untrusted workspaces, the language server (issue 7): the bundled server runs with fake programs
 * first on PATH (git, npm, node, ...) on a workspace full of traps (git fsmonitor and filters, hooks,
 * npm scripts, JS config files, .envrc, `$(...)` inside values, code that would spawn if run). Every
 * request and command is exercised, trusted and then untrusted; no trap fires. In an untrusted
 * workspace the rename quick fix skips its (read-only) code search and says so.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-types';
import { TestClient, fileUri, writeFiles } from './harness';
import { POSIX, assertNoTrapFired, buildTrapWorkspace, removeTree, tempDir } from '../unit/hardening-support';

describe('hardening: the language server runs no program and no workspace code (poisoned PATH, trapped workspace)', function () {
  this.timeout(180_000);
  let root: string;
  let trap: ReturnType<typeof buildTrapWorkspace>;
  let client: TestClient;
  const uri = (rel: string) => fileUri(join(trap.workspace, rel));

  async function everything(label: string): Promise<CodeAction[]> {
    const env = uri('.env');
    const diags: Diagnostic[] = await client.waitForDiagnostics(env, (d) => d.some((x) => x.code === 'client-exposed-secret'), `${label}: diagnostics`);
    const all: CodeAction[] = [];
    for (const diag of diags) {
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: env }, range: diag.range, context: { diagnostics: [diag] } });
      for (const a of actions) {
        all.push(a);
        if (a.data) await client.request('codeAction/resolve', a);
        if (a.command) await client.request('workspace/executeCommand', a.command);
      }
    }
    for (let line = 0; line < 7; line++) await client.request('textDocument/hover', { textDocument: { uri: env }, position: { line, character: 3 } });
    await client.request('textDocument/codeLens', { textDocument: { uri: env } });
    await client.request('secretHygiene/rotationTargets', { uri: env });
    await client.request('secretHygiene/planRotation', { uri: env, key: 'APP_SECRET', version: null });
    await client.request('secretHygiene/planCompletion', { uri: env, key: 'APP_SECRET', version: null });
    await client.request('secretHygiene/generate', { uri: env, version: null, position: { line: 0, character: 12 } });
    await client.request('secretHygiene/journalEntry', { uri: env, key: 'APP_SECRET', trigger: 'scheduled', files: ['.env'] });
    await client.request('workspace/executeCommand', { command: 'secretHygiene.server.rotate', arguments: [{ uri: env, key: 'APP_SECRET' }] });
    await client.request('workspace/executeCommand', { command: 'secretHygiene.server.restrictPermissions', arguments: [{ uri: env }] });
    await client.fileEvents([{ path: join(trap.workspace, 'src/app.ts'), type: 2 }, { path: join(trap.workspace, '.gitignore'), type: 2 }, { path: join(trap.workspace, 'package.json'), type: 2 }]);
    return all;
  }

  before(async function () {
    if (!POSIX) this.skip();
    root = tempDir('sh-untrusted-lsp-');
    trap = buildTrapWorkspace(root);
    // The child inherits PATH at spawn time: the fake programs come first for the server's whole life.
    const saved = process.env.PATH;
    process.env.PATH = `${trap.bin}:${saved ?? ''}`;
    try {
      client = await TestClient.start({
        folders: [{ path: trap.workspace }],
        initializationOptions: { trusted: true },
        messageChoice: (_m, actions) => actions.find((a) => a === 'Rotate immediately') ?? actions[0],
      });
    } finally {
      process.env.PATH = saved;
    }
  });
  after(async function () {
    if (client) await client.shutdown();
    if (root) removeTree(root);
  });

  it('trusted: every request, quick fix (code search included) and command; no trap fires', async function () {
    const actions = await everything('trusted');
    const rename = actions.find((a) => /NEXT_PUBLIC_API_SECRET is read by src\/app\.ts/.test(a.title));
    assert.ok(rename, 'the code search read src/app.ts (reading, not running it)');
    assertNoTrapFired(trap, 'trusted workspace');
  });

  it('untrusted: the same, and the rename quick fix says its code search was skipped; no trap fires', async function () {
    await client.conn.sendNotification('secretHygiene/trust', { trusted: false });
    const env = uri('.env');
    await client.open(env, readFileSync(join(trap.workspace, '.env'), 'utf8'));
    await client.waitForVersion(env, 1);
    const diag = (client.diagnostics.get(env)?.diagnostics ?? []).find((d) => d.code === 'client-exposed-secret');
    assert.ok(diag, 'the exposed secret is reported');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: env }, range: diag!.range, context: { diagnostics: [diag!] } });
    assert.ok(actions.some((a) => /code search skipped in an untrusted workspace/.test(a.title)), 'the skip is said');
    await client.close(env);
    await everything('untrusted');
    assertNoTrapFired(trap, 'untrusted workspace');
    assert.equal(client.exitCode, undefined, 'the server is alive');
  });
});

describe('hardening: the language server keeps journal writes and template reads inside the workspace', function () {
  this.timeout(60_000);
  let root: string;
  let client: TestClient;

  before(async function () {
    if (!POSIX) this.skip();
    root = tempDir('sh-escape-lsp-');
    writeFiles(root, {
      'victim/.bashrc': 'export PS1=x\n',
      'victim/id_rsa': 'NOT-A-REAL-KEY-but-private\n',
      'ws/.env': 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\n',
      'ws/.secret-hygiene.json': JSON.stringify({ journal: 'docs/security/HARDENING-LOG.md', journalTemplate: 'tpl.md' }),
    });
    symlinkSync(join(root, 'victim'), join(root, 'ws', 'docs'));
    symlinkSync(join(root, 'victim', 'id_rsa'), join(root, 'ws', 'tpl.md'));
    client = await TestClient.start({ folders: [{ path: join(root, 'ws') }] });
  });
  after(async function () {
    if (client) await client.shutdown();
    if (root) removeTree(root);
  });

  it('a journal under a folder linked out of the workspace is refused; a linked template is not read', async function () {
    const env = fileUri(join(root, 'ws', '.env'));
    await client.waitForDiagnostics(env, () => true);
    const r = await client.request<{ ok: boolean; reason?: string; edit?: unknown }>('secretHygiene/journalEntry', { uri: env, key: 'JWT_SECRET', trigger: 'scheduled', files: ['.env'] });
    assert.equal(r.ok, false, 'refused');
    assert.match(r.reason ?? '', /outside the workspace/);
    writeFiles(root, { 'ws/.secret-hygiene.json': JSON.stringify({ journal: 'LOG.md', journalTemplate: 'tpl.md' }) });
    await client.fileEvents([{ path: join(root, 'ws', '.secret-hygiene.json'), type: 2 }]);
    await client.waitForDiagnostics(env, () => true);
    const ok = await client.request<{ ok: boolean; edit?: unknown }>('secretHygiene/journalEntry', { uri: env, key: 'JWT_SECRET', trigger: 'scheduled', files: ['.env'] });
    assert.equal(ok.ok, true, 'a journal inside the workspace is written');
    assert.ok(!JSON.stringify(ok).includes('NOT-A-REAL-KEY'), 'the linked template (a file outside) was not copied into the entry');
    assert.equal(readFileSync(join(root, 'victim', '.bashrc'), 'utf8'), 'export PS1=x\n');
  });
});

describe('hardening: the "Add to .gitignore" quick fix never edits a file outside the workspace', function () {
  this.timeout(60_000);
  let root: string;
  let client: TestClient;

  before(async function () {
    if (!POSIX) this.skip();
    root = tempDir('sh-gitignore-link-');
    // A file name that is a shell command, and a .gitignore linked to a shell start-up file.
    writeFiles(root, { 'victim/.bashrc': 'export PS1=x\n', 'ws/$(touch pwned).env': 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\n' });
    symlinkSync(join(root, 'victim', '.bashrc'), join(root, 'ws', '.gitignore'));
    client = await TestClient.start({ folders: [{ path: join(root, 'ws') }] });
  });
  after(async function () {
    if (client) await client.shutdown();
    if (root) removeTree(root);
  });

  it('a .gitignore linked out of the workspace gets no edit', async function () {
    const env = fileUri(join(root, 'ws', '$(touch pwned).env'));
    const d = await client.waitForDiagnostics(env, (ds) => ds.some((x) => x.code === 'env-not-ignored'), 'env-not-ignored');
    const diag = d.find((x) => x.code === 'env-not-ignored')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: env }, range: diag.range, context: { diagnostics: [diag] } });
    assert.ok(!actions.some((a) => /\.gitignore/.test(a.title) && a.edit), 'no edit to the linked .gitignore');
    assert.equal(readFileSync(join(root, 'victim', '.bashrc'), 'utf8'), 'export PS1=x\n');
  });
});
