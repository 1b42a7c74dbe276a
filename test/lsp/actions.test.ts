import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CodeAction, CodeLens, Diagnostic, Hover, MarkupContent, WorkspaceEdit } from 'vscode-languageserver-types';
import { TestClient, applyWorkspaceEdit, fileUri, makeWorkspace, removeWorkspace } from './harness';

const has = (code: string) => (d: Diagnostic[]) => d.some((x) => x.code === code);
const none = (code: string) => (d: Diagnostic[]) => !d.some((x) => x.code === code);

// Fixture values: inputs only; assertions never print them.
const HEX_OLD = '3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8';
const EXPOSED = 'Zk3n8Qw2Lp5Rv9Tx1Mb4Hc7Yd0Fg6JsAq8Wn2Er5Ty7Ui';
const WALLET = '9c4e1a7f3b8d2e6a0f5c9b3d7e1a4f8c2b6e0d9a3f7c1e5b8d2a6f0c4e9b3d71';
const WALLET_V1 = '5e8b2d6f0a4c9e3b7d1f5a9c3e7b1d5f9a3c7e1b5d9f3a7c1e5b9d3f7a1c5e9b';

function actionsFor(client: TestClient, uri: string, diag: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
}

async function fixFor(client: TestClient, uri: string, code: string, title: RegExp): Promise<{ action: CodeAction; diag: Diagnostic }> {
  const d = await client.waitForDiagnostics(uri, has(code));
  const diag = d.find((x) => x.code === code)!;
  const actions = await actionsFor(client, uri, diag);
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action, `no action ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
  return { action: action!, diag };
}

/** The parts of a response that are not the edit: where no value may appear. */
function withoutEdit(r: object): string {
  return JSON.stringify({ ...r, edit: undefined });
}

describe('language server: quick fixes, rotation, journal, lenses', function () {
  let root: string;
  let client: TestClient;
  const env = () => fileUri(join(root, '.env'));
  const texts: Record<string, string> = {
    '.env':
      'JWT_SECRET="changeme"\r\n' +
      `APP_SECRET=${HEX_OLD}\r\n` +
      'APP_SECRET_PREVIOUS=\r\n' +
      `export NEXT_PUBLIC_SESSION_SECRET=${EXPOSED}\r\n` +
      `WALLET_KEY=${WALLET}\r\n` +
      'WALLET_KEY_VERSION=3\r\n' +
      `WALLET_KEY_V1=${WALLET_V1}\r\n`,
    '.env.production': `NEXT_PUBLIC_SESSION_SECRET=${EXPOSED}\n`,
    '.gitignore': '.env\n.env.production\n',
  };

  before(async function () {
    root = makeWorkspace(texts);
    client = await TestClient.start({ folders: [{ path: root }], initializationOptions: { client: 'vscode' } });
  });
  after(async function () {
    await client.shutdown();
    removeWorkspace(root);
  });

  it('weak-secret: the replacement keeps the quotes and the CRLF line ending', async function () {
    const { action } = await fixFor(client, env(), 'weak-secret', /^Replace JWT_SECRET with a new 32-byte secret$/);
    const resolved = await client.request<CodeAction>('codeAction/resolve', action);
    const out = applyWorkspaceEdit(resolved.edit!, { [env()]: texts['.env'] })[env()];
    const lines = out.split('\r\n');
    assert.match(lines[0], /^JWT_SECRET="[A-Za-z0-9_-]{43}"$/);
    assert.equal(lines.slice(1).join('\r\n'), texts['.env'].split('\r\n').slice(1).join('\r\n'), 'nothing else changed');
  });

  it('"Disable <rule> for this line" uses the file\'s CRLF', async function () {
    const { action } = await fixFor(client, env(), 'weak-secret', /^Disable weak-secret for this line$/);
    const out = applyWorkspaceEdit(action.edit!, { [env()]: texts['.env'] })[env()];
    assert.equal(out, '# secret-hygiene-disable-next-line weak-secret\r\n' + texts['.env']);
  });

  it('missing-previous-slot: adds an empty JWT_SECRET_PREVIOUS right after the key', async function () {
    const { action } = await fixFor(client, env(), 'missing-previous-slot', /^Add JWT_SECRET_PREVIOUS slot/);
    const out = applyWorkspaceEdit(action.edit!, { [env()]: texts['.env'] })[env()];
    assert.equal(out, texts['.env'].replace('"changeme"\r\n', '"changeme"\r\nJWT_SECRET_PREVIOUS=\r\n'));
  });

  it('broken-version-chain: adds the missing slot as an empty placeholder with a comment', async function () {
    const { action } = await fixFor(client, env(), 'broken-version-chain', /^Add WALLET_KEY_V2 as empty placeholder$/);
    const out = applyWorkspaceEdit(action.edit!, { [env()]: texts['.env'] })[env()];
    const lines = out.split('\r\n');
    const at = lines.findIndex((l) => l.startsWith('WALLET_KEY_V1='));
    assert.match(lines[at + 1], /^# WALLET_KEY_V2: placeholder/);
    assert.equal(lines[at + 2], 'WALLET_KEY_V2=');
    assert.equal(lines.length, texts['.env'].split('\r\n').length + 2);
  });

  it('client-exposed-secret: renames to the server-only key in every env file when no code reads it', async function () {
    const { action } = await fixFor(client, env(), 'client-exposed-secret', /^Rename to server-only SESSION_SECRET in 2 files$/);
    const out = applyWorkspaceEdit(action.edit!, { [env()]: texts['.env'] });
    assert.ok(out[env()].includes(`export SESSION_SECRET=${EXPOSED}\r\n`), 'renamed in .env, export kept');
    assert.equal(out[fileUri(join(root, '.env.production'))], `SESSION_SECRET=${EXPOSED}\n`);
  });

  it('client-exposed-secret: only a docs link when code reads the old name', async function () {
    const other = makeWorkspace({ '.env': `VITE_APP_SECRET=${EXPOSED}\n`, 'src/api.ts': 'export const s = import.meta.env.VITE_APP_SECRET;\n', '.gitignore': '.env\n' });
    const c = await TestClient.start({ folders: [{ path: other }] });
    try {
      const uri = fileUri(join(other, '.env'));
      const { action } = await fixFor(c, uri, 'client-exposed-secret', /VITE_APP_SECRET is read by src\/api\.ts/);
      assert.equal(action.edit, undefined);
      assert.equal(action.command?.command, 'secretHygiene.server.showDocumentation');
    } finally {
      await c.shutdown();
      removeWorkspace(other);
    }
  });

  it('hover names the other files holding the same value, by name only', async function () {
    const h = await client.request<Hover>('textDocument/hover', { textDocument: { uri: env() }, position: { line: 3, character: 12 } });
    const text = (h.contents as MarkupContent).value;
    assert.match(text, /Same value in:.*\.env\.production/);
    assert.ok(!text.includes(EXPOSED), 'no value in the hover');
  });

  it('rotation (previous scheme): one edit, the old value moves to the slot, the response carries no value', async function () {
    const plan = await client.request<{ ok: true; edit: WorkspaceEdit; scheme: string; summary: string[]; oldFingerprint: string; newFingerprint: string; confirm?: string; slotOptions?: unknown[] }>(
      'secretHygiene/planRotation',
      { uri: env(), version: null, key: 'APP_SECRET' },
    );
    assert.equal(plan.ok, true, JSON.stringify(plan));
    assert.equal(plan.scheme, 'previous');
    assert.equal(plan.confirm, undefined);
    assert.equal(plan.slotOptions, undefined);
    assert.ok(plan.edit.documentChanges?.length === 1, 'one document edit');
    const out = applyWorkspaceEdit(plan.edit, { [env()]: texts['.env'] })[env()];
    const value = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(out.replace(/\r/g, ''))![1];
    assert.ok(value('APP_SECRET_PREVIOUS') === HEX_OLD, 'the old value sits in the previous slot');
    assert.match(value('APP_SECRET'), /^[0-9a-f]{64}$/, 'hex stays hex, 32 bytes');
    assert.ok(value('APP_SECRET') !== HEX_OLD);
    assert.ok(!withoutEdit(plan).includes(HEX_OLD) && !withoutEdit(plan).includes(value('APP_SECRET')), 'no value outside the edit');
    assert.match(plan.oldFingerprint, /\S/);
    assert.notEqual(plan.oldFingerprint, plan.newFingerprint);
  });

  it('rotation without a slot: offers to create one, and an immediate plan asks for confirmation', async function () {
    const plan = await client.request<{ ok: true; scheme: string; confirm?: string; slotOptions?: { scheme: string; label: string }[] }>('secretHygiene/planRotation', {
      uri: env(),
      version: null,
      key: 'JWT_SECRET',
    });
    assert.equal(plan.ok, true, JSON.stringify(plan));
    assert.equal(plan.scheme, 'immediate');
    assert.ok(plan.confirm, 'an immediate rotation must be confirmed');
    assert.deepEqual(plan.slotOptions?.map((o) => o.scheme), ['previous']);
    const withSlot = await client.request<{ ok: true; edit: WorkspaceEdit; scheme: string; confirm?: string }>('secretHygiene/planRotation', {
      uri: env(),
      version: null,
      key: 'JWT_SECRET',
      createSlot: 'previous',
    });
    assert.equal(withSlot.ok, true);
    assert.equal(withSlot.confirm, undefined);
    const out = applyWorkspaceEdit(withSlot.edit, { [env()]: texts['.env'] })[env()];
    assert.match(out, /^JWT_SECRET_PREVIOUS="changeme"\r$/m);
  });

  it('rotation targets and completion after a rotation', async function () {
    const rotated = await client.request<{ ok: true; edit: WorkspaceEdit }>('secretHygiene/planRotation', { uri: env(), version: null, key: 'APP_SECRET' });
    const text = applyWorkspaceEdit(rotated.edit, { [env()]: texts['.env'] })[env()];
    await client.open(env(), text);
    const done = await client.request<{ ok: boolean; edit: WorkspaceEdit; warnings: string[]; reason?: string }>('secretHygiene/planCompletion', { uri: env(), version: 1, key: 'APP_SECRET' });
    assert.equal(done.ok, true, done.reason);
    assert.ok(done.warnings.length > 0, 'warns that the journal has no record of the rotation');
    const out = applyWorkspaceEdit(done.edit, { [env()]: text })[env()];
    assert.match(out, /^APP_SECRET_PREVIOUS=\r$/m);
    assert.ok(!JSON.stringify({ ...done, edit: undefined }).includes(HEX_OLD));
    await client.close(env());
  });

  it('journal entry: created at docs/security/HARDENING-LOG.md with fingerprints, never a value', async function () {
    const r = await client.request<{ ok: true; edit: WorkspaceEdit; journalUri: string; range: { start: { line: number } } }>('secretHygiene/journalEntry', {
      uri: env(),
      key: 'APP_SECRET',
      trigger: 'emergency',
      reason: 'visible in a screen-share',
      oldFingerprint: 'fp:aaaa',
      newFingerprint: 'fp:bbbb',
      scheme: 'previous',
      files: ['.env'],
    });
    assert.equal(r.ok, true, (r as unknown as { reason: string }).reason);
    assert.equal(r.journalUri, fileUri(join(root, 'docs/security/HARDENING-LOG.md')));
    const creates = (r.edit.documentChanges ?? []).filter((c) => 'kind' in c && c.kind === 'create');
    assert.equal(creates.length, 1, 'the journal is created');
    const out = applyWorkspaceEdit(r.edit)[r.journalUri];
    assert.match(out, /### APP_SECRET rotation \[done \d{4}-\d{2}-\d{2}\]/);
    assert.match(out, /fp:aaaa → fp:bbbb/);
    assert.match(out, /visible in a screen-share/);
    assert.equal(out.split('\n')[r.range.start.line].startsWith('### APP_SECRET rotation'), true);
    for (const v of [HEX_OLD, EXPOSED, WALLET]) assert.ok(!out.includes(v), 'no value in the journal');
  });

  it('code lens: "Rotate secret" above rotatable secrets, with the journal age; off by setting', async function () {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: env() } });
    const byLine = new Map(lenses.map((l) => [l.range.start.line, l]));
    assert.ok(byLine.get(1)?.command?.title.startsWith('Rotate secret · '), `a lens above APP_SECRET: ${JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title]))}`);
    assert.equal(byLine.get(2), undefined, 'no lens above the previous slot');
    assert.equal(byLine.get(1)!.command!.command, 'secretHygiene.rotateSecret');
    // The server asks for a code-lens refresh once it has applied new settings.
    const applied = client.nextCodeLensRefresh();
    await client.setSettings({ '*': { codeLens: { enable: false } } });
    await applied;
    const after = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: env() } });
    assert.deepEqual(after, []);
    const back = client.nextCodeLensRefresh();
    await client.setSettings({});
    await back;
  });

  it('secretHygiene.enable=false clears the findings of every file, open or not', async function () {
    const prod = fileUri(join(root, '.env.production'));
    await client.waitForDiagnostics(prod, has('client-exposed-secret'));
    await client.setSettings({ '*': { enable: false } });
    await client.waitForDiagnostics(prod, (d) => d.length === 0, 'cleared .env.production');
    await client.waitForDiagnostics(env(), (d) => d.length === 0, 'cleared .env');
    await client.setSettings({});
    await client.waitForDiagnostics(prod, has('client-exposed-secret'));
  });

  it('no value ever reached the client outside edits', function () {
    const wire = client.wire.filter((w) => w !== 'applyEdit').join('\n');
    for (const v of [HEX_OLD, EXPOSED, WALLET, WALLET_V1]) assert.ok(!wire.includes(v), 'a value reached the client');
  });
});

describe('language server: rotation offered from findings on previous slots', function () {
  it('previous-equals-current on X_PREVIOUS offers "Rotate X"', async function () {
    const root = makeWorkspace({ '.env': `SIGNING_KEY=${HEX_OLD}\nSIGNING_KEY_PREVIOUS=${HEX_OLD}\n`, '.gitignore': '.env\n' });
    const client = await TestClient.start({ folders: [{ path: root }], initializationOptions: { client: 'vscode' } });
    try {
      const uri = fileUri(join(root, '.env'));
      const { action } = await fixFor(client, uri, 'previous-equals-current', /^Rotate SIGNING_KEY\b/);
      assert.deepEqual(action.command?.arguments, [{ uri, key: 'SIGNING_KEY' }]);
    } finally {
      await client.shutdown();
      removeWorkspace(root);
    }
  });
});

describe('language server for other editors (no VS Code client)', function () {
  it('"Rotate secret" runs in the server: confirms with showMessageRequest, applies with workspace/applyEdit', async function () {
    const root = makeWorkspace({ '.env': `SESSION_SECRET=${EXPOSED}\n`, '.gitignore': '.env\n' });
    const asked: string[] = [];
    const client = await TestClient.start({
      folders: [{ path: root }],
      messageChoice: (message, actions) => {
        asked.push(message);
        if (actions.includes('Rotate immediately')) return 'Rotate immediately';
        return actions.includes('Rotate anyway') ? 'Rotate anyway' : undefined;
      },
    });
    try {
      const uri = fileUri(join(root, '.env'));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } },
        context: { diagnostics: [] },
      });
      const rotate = actions.find((a) => a.title.startsWith('Rotate SESSION_SECRET'));
      assert.equal(rotate?.command?.command, 'secretHygiene.server.rotate');
      const r = await client.request<{ ok: boolean }>('workspace/executeCommand', rotate!.command);
      assert.equal(r.ok, true);
      assert.match(asked[0], /no previous slot/, 'asked about a slot first');
      assert.match(asked[1], /invalidat|log in|sessions/i, 'then confirmed the immediate rotation');
      assert.match(asked[2] ?? '', /^Rotated SESSION_SECRET/, 'then said what it did');
      assert.equal(client.applied.length, 1);
      const out = applyWorkspaceEdit(client.applied[0], { [uri]: `SESSION_SECRET=${EXPOSED}\n` })[uri];
      assert.match(out, /^SESSION_SECRET=[A-Za-z0-9+/=_-]{43,}\n$/);
      assert.ok(!out.includes(EXPOSED));
      for (const m of [...asked, ...client.messages]) assert.ok(!m.includes(EXPOSED), 'no value in a message');
    } finally {
      await client.shutdown();
      removeWorkspace(root);
    }
  });
});
