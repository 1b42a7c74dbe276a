import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-types';
import {
  SERVER_BIN,
  SERVER_JS,
  TestClient,
  applyWorkspaceEdit,
  fileUri,
  makeWorkspace,
  removeWorkspace,
  writeFiles,
} from './harness';

const codes = (d: Diagnostic[]) => d.map((x) => x.code);
const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const none = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);

/** Values that must never reach the client (outside of edits the user asked for). */
const CANARY = 'c4n4ry-Zq9vX2pL7tR1sW8yK3mN6bH0dF5gJ';
const SHARED = 'x7Kp2Qm9Lw4Rt8Zv1Nc6Bh3Yd5Fg0Js-shared';

function assertNoValue(client: TestClient, ...values: string[]): void {
  const wire = client.wire.join('\n');
  for (const v of values) assert.ok(!wire.includes(v), 'a secret value reached the client');
}

describe('language server (bundled, over stdio)', function () {
  before(function () {
    assert.ok(existsSync(SERVER_JS), 'dist/server/server.js exists (run node scripts/build.mjs first)');
  });

  describe('start-up and documents', function () {
    let root: string;
    let client: TestClient;
    before(async function () {
      root = makeWorkspace({
        '.env': `# app\nJWT_SECRET=${CANARY}\nBAD LINE\n`,
        'apps/web/.env.local': 'API = spaced\n',
        'node_modules/pkg/.env': 'IGNORED LINE\n',
        '.gitignore': '.env\n.env*.local\n',
      });
      client = await TestClient.start({ folders: [{ path: root }] });
    });
    after(async function () {
      await client.shutdown();
      removeWorkspace(root);
    });

    it('publishes diagnostics for unopened files at start-up (code, source, docs link)', async function () {
      const d = await client.waitForDiagnostics(fileUri(join(root, '.env')), has('parse-error'));
      const pe = d.find((x) => x.code === 'parse-error')!;
      assert.equal(pe.source, 'secret-hygiene');
      assert.equal(pe.range.start.line, 2);
      assert.match(pe.codeDescription!.href, /^https:\/\/github\.com\/secret-hygiene\/secret-hygiene\/.*#parse-error$/);
      const nested = await client.waitForDiagnostics(fileUri(join(root, 'apps/web/.env.local')), has('parse-error'));
      assert.equal(nested[0].range.start.line, 0);
    });

    it('reports indexing progress with window/workDoneProgress', async function () {
      await client.waitForDiagnostics(fileUri(join(root, '.env')), has('parse-error'));
      const kinds = client.progress.map((p) => p.value.kind);
      assert.ok(kinds.includes('begin'), 'progress began');
      assert.ok(kinds.includes('end'), 'progress ended');
      assert.ok(client.progress.some((p) => p.value.kind === 'begin' && p.value.title === 'Secret Hygiene'));
    });

    it('skips node_modules', function () {
      assert.equal(client.diagnostics.get(fileUri(join(root, 'node_modules/pkg/.env'))), undefined);
    });

    it('registers file watchers for env files, .gitignore and the config file', function () {
      const reg = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
      assert.ok(reg, 'watchers registered');
      const globs = JSON.stringify(reg!.registerOptions);
      for (const g of ['**/.env', '**/.gitignore', '**/.secret-hygiene.json']) assert.ok(globs.includes(g), g);
    });

    it('an open document overrides the disk text; didChange re-diagnoses; didClose returns to the disk', async function () {
      const uri = fileUri(join(root, '.env'));
      await client.open(uri, `# app\nJWT_SECRET=${CANARY}\n`);
      await client.waitForVersion(uri, 1, none('parse-error'));
      const v2 = await client.change(uri, `# app\nJWT_SECRET=${CANARY}\nANOTHER BAD LINE\nX = y\n`);
      const d = await client.waitForVersion(uri, v2, has('parse-error'));
      assert.deepEqual([...new Set(d.filter((x) => x.code === 'parse-error').map((x) => x.range.start.line))], [2, 3]);
      await client.close(uri);
      const back = await client.waitForDiagnostics(uri, (ds, p) => p.version === undefined && ds.some((x) => x.code === 'parse-error' && x.range.start.line === 2) && ds.filter((x) => x.code === 'parse-error').length === 1);
      assert.equal(back.filter((x) => x.code === 'parse-error').length, 1);
    });

    it('follows files created and deleted on disk, and clears stale diagnostics', async function () {
      const rel = 'services/api/.env.production';
      writeFiles(root, { [rel]: 'NO EQUALS HERE\n' });
      const uri = fileUri(join(root, rel));
      await client.fileEvents([{ path: join(root, rel), type: 1 }]);
      await client.waitForDiagnostics(uri, has('parse-error'));
      writeFileSync(join(root, rel), 'FIXED=1\n');
      await client.fileEvents([{ path: join(root, rel), type: 2 }]);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 'cleared diagnostics after a change');
      writeFileSync(join(root, rel), 'BROKEN AGAIN\n');
      await client.fileEvents([{ path: join(root, rel), type: 2 }]);
      await client.waitForDiagnostics(uri, has('parse-error'));
      unlinkSync(join(root, rel));
      await client.fileEvents([{ path: join(root, rel), type: 3 }]);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 'cleared diagnostics after a delete');
    });

    it('drops the files of a deleted folder', async function () {
      writeFiles(root, { 'tmpdir/x/.env': 'BROKEN\n' });
      const uri = fileUri(join(root, 'tmpdir/x/.env'));
      await client.fileEvents([{ path: join(root, 'tmpdir'), type: 1 }]);
      await client.waitForDiagnostics(uri, has('parse-error'));
      removeWorkspace(join(root, 'tmpdir'));
      await client.fileEvents([{ path: join(root, 'tmpdir'), type: 3 }]);
      await client.waitForDiagnostics(uri, (d) => d.length === 0, 'cleared diagnostics of a deleted folder');
    });

    it('hover on a secret key shows strength and rotation facts, never the value', async function () {
      const uri = fileUri(join(root, '.env'));
      const h: Hover | null = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } });
      assert.ok(h, 'a hover');
      const text = (h!.contents as MarkupContent).value;
      assert.match(text, /JWT_SECRET/);
      assert.match(text, /bytes/);
      assert.match(text, /Rotation/);
      assert.ok(!text.includes(CANARY), 'the hover does not contain the value');
      assert.ok(!text.includes(CANARY.slice(0, 8)), 'not even part of it');
      const onValue = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 15 } });
      assert.ok(!JSON.stringify(onValue).includes(CANARY));
    });

    it('offers "Disable <rule> for this line" and "Show documentation"; the edit suppresses the finding', async function () {
      const uri = fileUri(join(root, '.env'));
      const text = readFileSync(join(root, '.env'), 'utf8');
      await client.open(uri, text);
      const d = await client.waitForVersion(uri, 1, has('parse-error'));
      const diag = d.find((x) => x.code === 'parse-error')!;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diag.range,
        context: { diagnostics: [diag], only: ['quickfix'] },
      });
      const titles = actions.map((a) => a.title);
      assert.ok(titles.includes('Disable parse-error for this line'), JSON.stringify(titles));
      assert.ok(titles.includes('Show documentation for parse-error'));
      assert.ok(!actions.some((a) => a.kind?.startsWith('source.fixAll')), 'no fixAll');
      const disable = actions.find((a) => a.title === 'Disable parse-error for this line')!;
      const out = applyWorkspaceEdit(disable.edit!, { [uri]: text });
      assert.equal(out[uri], text.replace('BAD LINE', '# secret-hygiene-disable-next-line parse-error\nBAD LINE'));
      const v = await client.change(uri, out[uri]);
      await client.waitForVersion(uri, v, none('parse-error'));

      const docs = actions.find((a) => a.title === 'Show documentation for parse-error')!;
      await client.request('workspace/executeCommand', docs.command);
      assert.ok(client.shownDocuments.some((u) => u.endsWith('#parse-error')), 'the docs were opened with window/showDocument');
      await client.close(uri);
    });

    it('settings apply without a restart: severity "off" removes the diagnostics', async function () {
      const uri = fileUri(join(root, 'apps/web/.env.local'));
      const initial = await client.waitForDiagnostics(uri, has('parse-error'));
      const severities = JSON.stringify(initial.map((x) => x.severity));
      await client.setSettings({ '*': { rules: { 'parse-error': 'off' } } });
      await client.waitForDiagnostics(uri, none('parse-error'), 'parse-error turned off');
      await client.setSettings({ '*': { rules: { 'parse-error': 'error' } } });
      const d = await client.waitForDiagnostics(uri, has('parse-error'));
      assert.ok(d.every((x) => x.severity === 1), 'the configured severity wins');
      await client.setSettings({});
      await client.waitForDiagnostics(uri, (ds) => JSON.stringify(ds.map((x) => x.severity)) === severities, 'the default severities back');
    });

    it('handlers never throw: bad requests get empty results', async function () {
      const h = await client.request('textDocument/hover', { textDocument: { uri: 'untitled:nothing' }, position: { line: 99, character: 0 } });
      assert.equal(h, null);
      const a = await client.request<unknown[]>('textDocument/codeAction', {
        textDocument: { uri: fileUri(join(root, 'missing/.env')) },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      });
      assert.deepEqual(a, []);
      const lens = await client.request<unknown[]>('textDocument/codeLens', { textDocument: { uri: 'file:///nowhere/.env' } });
      assert.deepEqual(lens, []);
      const garbage = await client.request('secretHygiene/planRotation', { uri: 42 });
      assert.equal((garbage as { ok: boolean }).ok, false);
    });

    it('writes nothing but the protocol to stdout, and no value anywhere', function () {
      assert.deepEqual(client.protocolErrors, []);
      assertNoValue(client, CANARY);
    });
  });

  describe('cross-file findings, code actions and commands', function () {
    let root: string;
    let client: TestClient;
    before(async function () {
      root = makeWorkspace({
        '.env': `JWT_SECRET=${SHARED}\nJWT_SECRET_PREVIOUS=\nSESSION_SECRET=${CANARY}\n`,
        '.env.production': `NEXTAUTH_SECRET=${SHARED}\n`,
        '.gitignore': 'node_modules\n',
      });
      chmodSync(join(root, '.env'), 0o644);
      client = await TestClient.start({ folders: [{ path: root }], initializationOptions: { client: 'vscode' } });
    });
    after(async function () {
      await client.shutdown();
      removeWorkspace(root);
    });

    it('reused-secret appears in both files with related information pointing at the other', async function () {
      const envUri = fileUri(join(root, '.env'));
      const prodUri = fileUri(join(root, '.env.production'));
      const a = (await client.waitForDiagnostics(envUri, has('reused-secret'))).find((x) => x.code === 'reused-secret')!;
      const b = (await client.waitForDiagnostics(prodUri, has('reused-secret'))).find((x) => x.code === 'reused-secret')!;
      assert.ok(a.relatedInformation?.some((r) => r.location.uri === prodUri && r.location.range.start.line === 0), 'related .env.production');
      assert.ok(b.relatedInformation?.some((r) => r.location.uri === envUri && r.location.range.start.line === 0), 'related .env');
      assertNoValue(client, SHARED, CANARY);
    });

    it('editing one file of a reused pair re-checks the other and clears its stale finding', async function () {
      const envUri = fileUri(join(root, '.env'));
      const prodUri = fileUri(join(root, '.env.production'));
      await client.waitForDiagnostics(prodUri, has('reused-secret'));
      const text = readFileSync(join(root, '.env'), 'utf8');
      await client.open(envUri, text);
      await client.change(envUri, text.replace(SHARED, 'Zk3n8Qw2Lp5Rv9Tx1Mb4Hc7Yd0Fg6Js-other'));
      await client.waitForDiagnostics(prodUri, none('reused-secret'), 'reused-secret cleared in the other file');
      const v = await client.change(envUri, text);
      await client.waitForVersion(envUri, v, has('reused-secret'));
      await client.waitForDiagnostics(prodUri, has('reused-secret'));
      await client.close(envUri);
    });

    it('"Replace with a new 32-byte secret" (resolved lazily) keeps the shape and clears the finding', async function () {
      const prodUri = fileUri(join(root, '.env.production'));
      const text = readFileSync(join(root, '.env.production'), 'utf8');
      await client.open(prodUri, text);
      const d = await client.waitForVersion(prodUri, 1, has('reused-secret'));
      const diag = d.find((x) => x.code === 'reused-secret')!;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: prodUri }, range: diag.range, context: { diagnostics: [diag] } });
      const replace = actions.find((a) => /^Replace NEXTAUTH_SECRET with a new \d+-byte secret$/.test(a.title));
      assert.ok(replace, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(replace!.edit, undefined, 'no secret is generated before the action is picked');
      const resolved = await client.request<CodeAction>('codeAction/resolve', replace);
      assert.ok(resolved.edit, 'resolved with an edit');
      const out = applyWorkspaceEdit(resolved.edit!, { [prodUri]: text })[prodUri];
      const m = /^NEXTAUTH_SECRET=(.*)\n$/.exec(out);
      assert.ok(m, 'only the value changed');
      assert.notEqual(m![1], SHARED);
      assert.ok(m![1].length >= 43, 'at least 32 bytes of base64url');
      assert.match(m![1], /^[A-Za-z0-9_-]+$/, 'base64url, like the old value');
      const v = await client.change(prodUri, out);
      await client.waitForVersion(prodUri, v, none('reused-secret'));
      await client.change(prodUri, text);
      await client.close(prodUri);
    });

    it('a rotate action is offered on a rotatable key', async function () {
      const uri = fileUri(join(root, '.env'));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } },
        context: { diagnostics: [] },
      });
      const rotate = actions.find((a) => a.title.startsWith('Rotate JWT_SECRET'));
      assert.ok(rotate, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(rotate!.command!.command, 'secretHygiene.rotateSecret');
      assert.deepEqual(rotate!.command!.arguments, [{ uri, key: 'JWT_SECRET' }]);
    });

    it('env-file-permissions: "Restrict to owner (chmod 600)" runs in the server', async function () {
      if (process.platform === 'win32') this.skip();
      const uri = fileUri(join(root, '.env'));
      const d = await client.waitForDiagnostics(uri, has('env-file-permissions'));
      const diag = d.find((x) => x.code === 'env-file-permissions')!;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
      const chmod = actions.find((a) => a.title.startsWith('Restrict .env to its owner (chmod 600)'));
      assert.ok(chmod?.command, JSON.stringify(actions.map((a) => a.title)));
      await client.request('workspace/executeCommand', chmod!.command);
      assert.equal(statSync(join(root, '.env')).mode & 0o777, 0o600);
      await client.waitForDiagnostics(uri, none('env-file-permissions'), 'permission finding cleared');
    });

    it('env-not-ignored: "Add to .gitignore" appends one line to .gitignore', async function () {
      const uri = fileUri(join(root, '.env'));
      const d = await client.waitForDiagnostics(uri, has('env-not-ignored'));
      const diag = d.find((x) => x.code === 'env-not-ignored')!;
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
      const add = actions.find((a) => a.title.startsWith('Add ".env" to .gitignore'));
      assert.ok(add?.edit, JSON.stringify(actions.map((a) => a.title)));
      const giUri = fileUri(join(root, '.gitignore'));
      const out = applyWorkspaceEdit(add!.edit!);
      assert.equal(out[giUri], 'node_modules\n.env\n');
      writeFileSync(join(root, '.gitignore'), out[giUri]);
      await client.fileEvents([{ path: join(root, '.gitignore'), type: 2 }]);
      await client.waitForDiagnostics(uri, none('env-not-ignored'), 'env-not-ignored cleared');
    });

    it('custom requests: rotation targets, generate (value keeps its shape), no value in the responses', async function () {
      const uri = fileUri(join(root, '.env'));
      const targets = await client.request<{ targets: { key: string; scheme: string; detail: string }[]; atCursor?: string }>('secretHygiene/rotationTargets', {
        uri,
        position: { line: 1, character: 3 },
      });
      assert.deepEqual(targets.targets.map((t) => t.key).sort(), ['JWT_SECRET', 'SESSION_SECRET']);
      assert.equal(targets.atCursor, 'JWT_SECRET', 'the previous slot leads to its current key');
      assert.ok(!JSON.stringify(targets).includes(SHARED));
      const text = readFileSync(join(root, '.env'), 'utf8');
      const gen = await client.request<{ ok: boolean; edit: never; replacedKey?: string; bytes: number; encoding: string }>('secretHygiene/generate', {
        uri,
        version: null,
        position: { line: 2, character: 20 },
      });
      assert.equal(gen.ok, true);
      assert.equal(gen.replacedKey, 'SESSION_SECRET');
      const out = applyWorkspaceEdit(gen.edit, { [uri]: text })[uri];
      const lines = out.split('\n');
      assert.deepEqual([lines[0], lines[1], lines[3]], text.split('\n').filter((_, i) => i !== 2));
      assert.match(lines[2], /^SESSION_SECRET=[A-Za-z0-9_-]{43,}$/);
      assert.ok(!lines[2].includes(CANARY));
    });

    it('a plan for a stale document version is refused', async function () {
      const uri = fileUri(join(root, '.env'));
      await client.open(uri, readFileSync(join(root, '.env'), 'utf8'));
      const r = await client.request<{ ok: boolean; reason?: string }>('secretHygiene/planRotation', { uri, version: 99, key: 'JWT_SECRET' });
      assert.equal(r.ok, false);
      assert.match(r.reason!, /changed/);
      await client.close(uri);
    });
  });

  describe('multi-root workspaces', function () {
    let a: string;
    let b: string;
    let client: TestClient;
    before(async function () {
      a = makeWorkspace({ '.env': 'BROKEN LINE\n' });
      b = makeWorkspace({ '.env': 'BROKEN LINE\n', '.secret-hygiene.json': JSON.stringify({ rules: { 'parse-error': 'off' } }) });
      client = await TestClient.start({ folders: [{ path: a }, { path: b }] });
    });
    after(async function () {
      await client.shutdown();
      removeWorkspace(a);
      removeWorkspace(b);
    });

    it('each folder has its own project config', async function () {
      await client.waitForDiagnostics(fileUri(join(a, '.env')), has('parse-error'));
      const bUri = fileUri(join(b, '.env'));
      // b's file is either never published or published empty; a change in b proves it is analyzed.
      const doc = 'BROKEN LINE\nSTILL BROKEN\n';
      await client.open(bUri, doc);
      const d = await client.waitForVersion(bUri, 1);
      assert.deepEqual(codes(d), []);
    });

    it('a project config change on disk re-reads the folder', async function () {
      const aUri = fileUri(join(a, '.env'));
      writeFiles(a, { '.secret-hygiene.json': JSON.stringify({ rules: { 'parse-error': 'hint' } }) });
      await client.fileEvents([{ path: join(a, '.secret-hygiene.json'), type: 1 }]);
      const d = await client.waitForDiagnostics(aUri, (ds) => ds.some((x) => x.code === 'parse-error' && x.severity === 4));
      assert.equal(d.length, 1);
    });

    it('a broken project config is reported on the config file, not thrown', async function () {
      writeFiles(a, { '.secret-hygiene.json': '{ "rules": ' });
      await client.fileEvents([{ path: join(a, '.secret-hygiene.json'), type: 2 }]);
      const d = await client.waitForDiagnostics(fileUri(join(a, '.secret-hygiene.json')), (ds) => ds.length > 0);
      assert.match(String(d[0].message), /not valid JSON/);
    });
  });

  describe('lifecycle', function () {
    it('shuts down and exits with code 0', async function () {
      const root = makeWorkspace({ '.env': 'A=1\n' });
      const client = await TestClient.start({ folders: [{ path: root }] });
      assert.ok(client.init.capabilities.hoverProvider);
      assert.ok(client.init.capabilities.codeActionProvider);
      const code = await client.shutdown();
      assert.equal(code, 0);
      removeWorkspace(root);
    });

    it('the standalone entry (bin/secret-hygiene-language-server.js --stdio) serves other editors', async function () {
      const root = makeWorkspace({ '.env': 'BROKEN LINE\n' });
      const client = await TestClient.start({ folders: [{ path: root }], entry: SERVER_BIN });
      await client.waitForDiagnostics(fileUri(join(root, '.env')), has('parse-error'));
      assert.equal(await client.shutdown(), 0);
      assert.deepEqual(client.protocolErrors, []);
      removeWorkspace(root);
    });

    it('speaks node-ipc when forked the way VS Code starts it', async function () {
      const root = makeWorkspace({ '.env': 'BROKEN LINE\n' });
      const client = await TestClient.start({ folders: [{ path: root }], transport: 'node-ipc' });
      await client.waitForDiagnostics(fileUri(join(root, '.env')), has('parse-error'));
      assert.equal(await client.shutdown(), 0);
      removeWorkspace(root);
    });

    it('works for a client without workspace folders, configuration or watchers (rootUri only)', async function () {
      const root = makeWorkspace({ '.env': 'BROKEN LINE\n' });
      const client = await TestClient.start({ folders: [{ path: root }], capabilities: {} });
      await client.waitForDiagnostics(fileUri(join(root, '.env')), has('parse-error'));
      assert.equal(client.registrations.length, 0);
      await client.shutdown();
      removeWorkspace(root);
    });
  });
});
