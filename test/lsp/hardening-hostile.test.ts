/**
 * The bundled language server on a hostile workspace (issue 7): the corpus of
 * test/fixtures/hostile plus the generated inputs (50 MB file, 5 MB line, 100,000 keys, deep
 * nesting, YAML bombs, symlink loops, a FIFO and a link to /dev/zero). The server indexes it,
 * publishes a diagnostic for each hostile file or logs why it skipped it, survives file events and
 * open documents with hostile content, and afterwards still serves a normal .env: open, change,
 * diagnostics, hover. Each wait is bounded (a hang fails the test); nothing asserts speed.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-types';
import { TestClient, fileUri, writeFiles } from './harness';
import { POSIX, buildHostileWorkspace, removeTree, tempDir, type HostileEntry } from '../unit/hardening-support';

const message = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

/** Waits up to `bound` ms in steps of the harness's event timeout: indexing 50 MB of hostile files may take a while on a slow machine. */
async function waitLong(client: TestClient, uri: string, pred: (d: Diagnostic[]) => boolean, what: string, bound = 90_000): Promise<Diagnostic[]> {
  const started = Date.now();
  for (;;) {
    try {
      return await client.waitForDiagnostics(uri, pred, what);
    } catch (e) {
      if (Date.now() - started > bound) throw e;
    }
  }
}

describe('hardening: the language server on a hostile workspace (bundled server)', function () {
  this.timeout(300_000);
  let root: string;
  let entries: HostileEntry[];
  let client: TestClient;
  const uri = (rel: string) => fileUri(join(root, rel));

  before(async function () {
    root = tempDir('sh-hostile-lsp-');
    entries = buildHostileWorkspace(root);
    writeFiles(root, { 'ok/.env': 'JWT_SECRET=changeme\n', '.gitignore': '.env\n*.env\n' });
    client = await TestClient.start({ folders: [{ path: root }] });
  });
  after(async function () {
    if (client) await client.shutdown();
    removeTree(root);
  });

  it('indexes the corpus: a diagnostic for each hostile file that is read, with its reason', async function () {
    for (const e of entries.filter((x) => x.expect === 'finding')) {
      const d = await waitLong(client, uri(e.path), (ds) => ds.length > 0, `diagnostics of ${e.path}`);
      if (e.reason) assert.ok(d.some((x) => e.reason!.test(message(x))), `${e.path}: a diagnostic matches ${e.reason}`);
    }
    assert.ok(!client.logs.some((l) => /uncaught|unhandled|failed/.test(l)), 'no handler failed while indexing');
  });

  it('logs why it skipped symlink loops and dangling links', function () {
    if (!POSIX) this.skip();
    for (const e of entries.filter((x) => x.expect === 'skipped')) {
      assert.ok(client.logs.some((l) => l.includes(`skipped ${e.path}: `) && (!e.reason || e.reason.test(l))), `${e.path} skipped with a reason`);
    }
  });

  it('file events for a FIFO and a link to /dev/zero are answered with "not a regular file", never a hang', async function () {
    if (!POSIX) this.skip();
    const fifo = join(root, 'late.env');
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
    await client.fileEvents([
      { path: fifo, type: 1 },
      { path: join(root, 'zero.env'), type: 2 },
    ]);
    for (const rel of ['late.env', 'zero.env']) {
      const d = await waitLong(client, uri(rel), (ds) => ds.some((x) => /not a regular file/.test(message(x))), `the skip reason of ${rel}`);
      assert.equal(d.length, 1, `${rel}: one diagnostic`);
    }
  });

  it('open documents with hostile content: a 200,000-character line, a 5 MB line, control characters, 10,000-deep JSON', async function () {
    const cases: [string, string, string][] = [
      ['backtrack.env', readFileSync(join(root, 'backtrack.env'), 'utf8'), 'dotenv'],
      ['typed.env', 'JWT_SECRET=' + 'z'.repeat(5 * 1024 * 1024) + '\nPORT=1\n', 'dotenv'],
      ['control-chars.env', readFileSync(join(root, 'control-chars.env'), 'utf8') + '\u0000\u001b[2J', 'dotenv'],
      ['config/deep-object.json', readFileSync(join(root, 'config/deep-object.json'), 'utf8'), 'json'],
    ];
    for (const [rel, text, lang] of cases) {
      await client.open(uri(rel), text, lang);
      await waitLong(client, uri(rel), (_d) => client.diagnostics.get(uri(rel))?.version === 1, `diagnostics of the open ${rel}`);
      await client.close(uri(rel));
    }
  });

  it('afterwards still serves a normal .env: open, change, diagnostics, hover', async function () {
    const env = uri('ok/.env');
    await waitLong(client, env, (d) => d.some((x) => x.code === 'weak-secret'), 'the weak secret of ok/.env');
    await client.open(env, 'JWT_SECRET=changeme\n');
    await client.waitForVersion(env, 1, (d) => d.some((x) => x.code === 'weak-secret'));
    const v2 = await client.change(env, 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW\nBROKEN LINE\n');
    const d = await client.waitForVersion(env, v2);
    assert.ok(!d.some((x) => x.code === 'weak-secret'), 'the strong value is not weak');
    assert.ok(d.some((x) => x.code === 'parse-error' && x.range.start.line === 1), 'the broken line is reported');
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: env }, position: { line: 0, character: 2 } });
    assert.ok(h && JSON.stringify(h.contents).includes('JWT_SECRET'), 'hover answers');
    await client.close(env);
    assert.equal(client.exitCode, undefined, 'the server is alive');
    assert.deepEqual(client.protocolErrors, []);
    assert.ok(!client.stderr.join('').includes('heap out of memory'), 'no memory exhaustion');
    assert.ok(existsSync(join(root, 'huge.env')), 'nothing was deleted');
  });
});

describe('hardening: the language server with a journal and a .gitignore that are links to /dev/zero', function () {
  this.timeout(180_000);
  let root: string;
  let client: TestClient;
  const uri = (rel: string) => fileUri(join(root, rel));

  before(async function () {
    if (!POSIX) this.skip();
    root = tempDir('sh-zero-lsp-');
    writeFiles(root, { '.env': 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\nBROKEN LINE\n', 'docs/security/.keep': '' });
    symlinkSync('/dev/zero', join(root, 'docs', 'security', 'HARDENING-LOG.md'));
    symlinkSync('/dev/zero', join(root, '.gitignore'));
    client = await TestClient.start({ folders: [{ path: root }] });
  });
  after(async function () {
    if (client) await client.shutdown();
    if (root) removeTree(root);
  });

  it('indexes, offers its quick fixes without reading the device, refuses the journal entry, and keeps serving', async function () {
    const env = uri('.env');
    const d = await waitLong(client, env, (ds) => ds.some((x) => x.code === 'env-not-ignored'), 'diagnostics of .env');
    const diag = d.find((x) => x.code === 'env-not-ignored')!;
    const actions = await client.request<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri: env }, range: diag.range, context: { diagnostics: [diag] } });
    assert.ok(!actions.some((a) => /\.gitignore/.test(a.title) && /^Add/.test(a.title)), 'no "Add to .gitignore" edit on a device');
    const journal = await client.request<{ ok: boolean; reason?: string }>('secretHygiene/journalEntry', { uri: env, key: 'JWT_SECRET', trigger: 'scheduled', files: ['.env'] });
    assert.equal(journal.ok, false, 'the journal entry is refused');
    await client.fileEvents([{ path: join(root, '.gitignore'), type: 2 }, { path: join(root, 'docs/security/HARDENING-LOG.md'), type: 2 }]);
    await client.open(env, 'JWT_SECRET=changeme\n');
    await client.waitForVersion(env, 1, (ds) => ds.some((x) => x.code === 'weak-secret'));
    assert.equal(client.exitCode, undefined, 'the server is alive');
  });
});
