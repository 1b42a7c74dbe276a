/**
 * Leak audit of the language server (issue 7). The bundled server runs on a workspace where every
 * secret is a fresh random canary (see buildCanaryWorkspace) with tracing at its most verbose
 * (`$/setTrace verbose`; the server has no log-level setting of its own: everything it logs goes to
 * window/logMessage, which is captured, as is its stderr). Every output path is exercised:
 * diagnostics (messages, data, relatedInformation), hovers on every key, value and commented line,
 * code lenses, code actions (titles, commands, and their edits), codeAction/resolve, the custom
 * requests (rotation targets, plan rotation and completion, generate, journal entry), the server-side
 * commands (rotate with its prompts, chmod, documentation), progress, status, and failing handlers.
 *
 * No canary, nor any 8-character slice of one, may appear anywhere, with one deliberate exception:
 * a rotation's edit moves the old current value into its previous slot, which is asserted exactly.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodeAction, CodeLens, Diagnostic, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { parseSource } from '../../server/src/core/parse';
import { LineIndex } from '../../server/src/core/text';
import { TestClient, fileUri } from './harness';
import { assertNoCanary, buildCanaryWorkspace, findCanary, removeTree, tempDir, type Canary, type CanaryWorkspace } from '../unit/hardening-support';

const FILES = ['.env', '.env.production', '.env.example', 'docker-compose.yml', 'src/main/resources/application.yml', 'k8s/app-secret.yaml', 'appsettings.json', 'application.properties'];

/** All new texts of a WorkspaceEdit with the range each replaces. */
function editsOf(edit: WorkspaceEdit | undefined): { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] {
  const out: { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[] = [];
  if (!edit) return out;
  for (const ch of edit.documentChanges ?? []) {
    if ('kind' in ch) continue;
    for (const e of (ch as TextDocumentEdit).edits as TextEdit[]) out.push({ uri: (ch as TextDocumentEdit).textDocument.uri, range: e.range, newText: e.newText });
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) for (const e of edits) out.push({ uri, range: e.range, newText: e.newText });
  return out;
}

describe('hardening: leak audit of every language-server output path (bundled server, verbose trace)', function () {
  this.timeout(240_000);
  let root: string;
  let ws: CanaryWorkspace;
  let client: TestClient;
  /** Every response the server sent, minus rotation edits (checked on their own). */
  const responses: { where: string; text: string }[] = [];
  const record = (where: string, value: unknown) => responses.push({ where, text: JSON.stringify(value) ?? 'undefined' });
  const uri = (rel: string) => fileUri(join(root, rel));
  const no = (text: string, where: string) => assertNoCanary(text, ws.canaries, where);

  /**
   * A rotation's edits: the old current value (`oldValue`, holding canary `old`) may appear only as
   * the new text of the previous slot, or in the inserted `KEY_PREVIOUS=old` line; nothing else may
   * hold any canary.
   */
  function assertRotationEdits(edit: WorkspaceEdit | undefined, oldValue: string, old: Canary | undefined, previousKey: string | undefined, where: string): number {
    let moves = 0;
    for (const e of editsOf(edit)) {
      const hit = findCanary(e.newText, ws.canaries);
      if (!hit) continue;
      assert.ok(old && previousKey, `${where}: an edit holds canary ${hit.label} but the rotation keeps no previous slot`);
      assert.equal(hit.label.split('#')[0], old!.label, `${where}: the canary in the edit is the old current value`);
      let t = e.newText.replace(/^(\r?\n)+|(\r?\n)+$/g, '').replace(/^export /, '');
      if (t.startsWith(previousKey + '=')) {
        t = t.slice(previousKey!.length + 1);
        if (t.length >= 2 && `"'\``.includes(t[0]) && t[t.length - 1] === t[0]) t = t.slice(1, -1);
      }
      assert.ok(t.replace(/\r\n/g, '\n') === oldValue.replace(/\r\n/g, '\n'), `${where}: canary ${hit.label} appears in an edit other than the move of the old value into ${previousKey}`);
      moves++;
    }
    return moves;
  }

  before(async function () {
    root = tempDir('sh-leaks-lsp-');
    ws = buildCanaryWorkspace(root);
    chmodSync(join(root, '.env'), 0o644);
    client = await TestClient.start({
      folders: [{ path: root }],
      messageChoice: (_message, actions) => actions.find((a) => a === 'Rotate immediately') ?? actions.find((a) => a === 'Rotate anyway'),
    });
    await client.conn.sendNotification('$/setTrace', { value: 'verbose' });
    for (const rel of ['.env', '.env.production', '.env.example', 'appsettings.json', 'docker-compose.yml', 'k8s/app-secret.yaml', 'src/main/resources/application.yml']) {
      await client.waitForDiagnostics(uri(rel), (d) => d.length > 0, `diagnostics of ${rel}`);
    }
  });
  after(async function () {
    if (client) await client.shutdown();
    removeTree(root);
  });

  it('diagnostics cover the canaries (the audit is not vacuous) and hold none: messages, data, related information', function () {
    const codes = new Set<string>();
    for (const rel of FILES) for (const d of client.diagnostics.get(uri(rel))?.diagnostics ?? []) codes.add(String(d.code));
    for (const rule of ['weak-secret', 'short-secret', 'reused-secret', 'committed-credential', 'client-exposed-secret', 'broken-version-chain', 'rotation-overdue', 'stale-previous-slot', 'parse-error', 'env-not-ignored', 'env-file-permissions']) {
      assert.ok(codes.has(rule), `${rule} published`);
    }
    for (const rel of FILES) no(JSON.stringify(client.diagnostics.get(uri(rel)) ?? {}), `diagnostics of ${rel}`);
  });

  it('hovers on every key, value and commented line; code lenses of every file', async function () {
    let hovers = 0;
    for (const rel of FILES) {
      const text = readFileSync(join(root, rel), 'utf8');
      const src = parseSource(rel, text);
      const lines = new LineIndex(text);
      const positions = [
        ...src.entries.flatMap((e) => [lines.positionAt(e.keyStart), lines.positionAt(Math.max(e.keyStart, e.keyEnd - 1)), lines.positionAt(e.valueStart), lines.positionAt(Math.max(e.valueStart, e.valueEnd - 1))]),
        ...src.commented.map((c) => lines.positionAt(c.valueStart)),
        ...Array.from({ length: lines.lineCount }, (_, line) => ({ line, character: 0 })),
      ];
      for (const position of positions) {
        const h = await client.request('textDocument/hover', { textDocument: { uri: uri(rel) }, position });
        if (h) hovers++;
        record(`hover ${rel} ${position.line}:${position.character}`, h);
      }
      record(`codeLens ${rel}`, await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: uri(rel) } }));
    }
    assert.ok(hovers > 20, `hovers were shown (${hovers})`);
    for (const r of responses) no(r.text, r.where);
  });

  it('code actions for every diagnostic and every entry, resolved: titles, commands and edits hold no canary', async function () {
    let actionsSeen = 0;
    for (const rel of FILES) {
      const diags: Diagnostic[] = client.diagnostics.get(uri(rel))?.diagnostics ?? [];
      for (const diag of diags) {
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range: diag.range, context: { diagnostics: [diag] } });
        for (const a of actions) {
          actionsSeen++;
          const resolved = a.data ? await client.request<CodeAction>('codeAction/resolve', a) : a;
          // Quick fixes never move an old value: replacements are fresh, slots are empty.
          record(`codeAction ${rel} ${diag.code} "${a.title}"`, resolved);
        }
      }
      const text = readFileSync(join(root, rel), 'utf8');
      const lines = new LineIndex(text);
      for (let line = 0; line < lines.lineCount; line++) {
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        record(`refactor ${rel}:${line}`, await client.request('textDocument/codeAction', { textDocument: { uri: uri(rel) }, range, context: { diagnostics: [], only: ['refactor'] } }));
      }
    }
    assert.ok(actionsSeen > 30, `code actions were offered (${actionsSeen})`);
    for (const r of responses) no(r.text, r.where);
  });

  it('custom requests: rotation targets, plan rotation (the old value moves into the previous slot only), completion, generate, journal entry', async function () {
    let planned = 0;
    for (const rel of FILES) {
      const targets = await client.request<{ targets: { key: string; line: number }[] }>('secretHygiene/rotationTargets', { uri: uri(rel), position: { line: 1, character: 2 } });
      record(`rotationTargets ${rel}`, targets);
      const src = parseSource(rel, readFileSync(join(root, rel), 'utf8'));
      for (const t of targets.targets) {
        for (const createSlot of [undefined, 'previous'] as const) {
          const plan = await client.request<{ ok: boolean; edit?: WorkspaceEdit; previousKey?: string; reason?: string }>('secretHygiene/planRotation', { uri: uri(rel), key: t.key, version: null, createSlot });
          record(`planRotation ${rel} ${t.key}`, { ...plan, edit: undefined });
          if (!plan.ok) continue;
          planned++;
          const oldValue = src.entries.find((e) => e.key === t.key)?.value ?? '';
          const old = ws.canaries.find((c) => c.secret.some((s) => oldValue.includes(s)));
          assertRotationEdits(plan.edit, oldValue, old, plan.previousKey, `planRotation ${rel} ${t.key}`);
        }
        const done = await client.request<{ ok: boolean; edit?: WorkspaceEdit }>('secretHygiene/planCompletion', { uri: uri(rel), key: t.key, version: null });
        record(`planCompletion ${rel} ${t.key} (edit included: a completion writes no old value)`, done);
      }
      for (const e of src.entries.slice(0, 12)) {
        const lines = new LineIndex(src.text);
        record(`generate ${rel} ${e.key}`, await client.request('secretHygiene/generate', { uri: uri(rel), version: null, position: lines.positionAt(e.valueStart) }));
      }
    }
    assert.ok(planned >= 5, `rotations were planned (${planned})`);
    const journal = await client.request('secretHygiene/journalEntry', {
      uri: uri('.env'),
      key: 'JWT_SECRET',
      trigger: 'emergency',
      reason: 'seen in a screen share',
      step: 'A2.5',
      oldFingerprint: 'fp:aaaa',
      newFingerprint: 'fp:bbbb',
      scheme: 'previous',
      previousKey: 'JWT_SECRET_PREVIOUS',
      files: ['.env'],
    });
    record('journalEntry', journal);
    for (const r of responses) no(r.text, r.where);
  });

  it('server-side commands: rotate with its prompts and workspace/applyEdit, chmod 600, documentation', async function () {
    const before = client.applied.length;
    const r1 = await client.request('workspace/executeCommand', { command: 'secretHygiene.server.rotate', arguments: [{ uri: uri('.env'), key: 'JWT_SECRET' }] });
    const r2 = await client.request('workspace/executeCommand', { command: 'secretHygiene.server.rotate', arguments: [{ uri: uri('.env'), key: 'SESSION_SECRET' }] });
    record('executeCommand rotate', [r1, r2]);
    assert.equal(client.applied.length, before + 2, 'both rotations were applied through workspace/applyEdit');
    const moved = assertRotationEdits(client.applied[before], ws.c.jwt.value, ws.c.jwt, 'JWT_SECRET_PREVIOUS', 'rotate JWT_SECRET (applyEdit)');
    assert.equal(moved, 1, 'the JWT_SECRET rotation moved the old value exactly once (the exception is real, and single)');
    assertRotationEdits(client.applied[before + 1], ws.c.session.value, ws.c.session, 'SESSION_SECRET_PREVIOUS', 'rotate SESSION_SECRET (applyEdit)');
    record('chmod', await client.request('workspace/executeCommand', { command: 'secretHygiene.server.restrictPermissions', arguments: [{ uri: uri('.env') }] }));
    record('docs', await client.request('workspace/executeCommand', { command: 'secretHygiene.server.showDocumentation', arguments: [{ url: 'https://github.com/secret-hygiene/secret-hygiene/blob/main/README.md#weak-secret' }] }));
    record('unknown command', await client.request('workspace/executeCommand', { command: 'secretHygiene.server.nope', arguments: [{ key: ws.c.jwt.value }] }));
    for (const r of responses) no(r.text, r.where);
  });

  it('open documents, edits, settings changes, file events and failing handlers: logs and errors hold no canary', async function () {
    const env = uri('.env');
    const text = readFileSync(join(root, '.env'), 'utf8');
    await client.open(env, text);
    await client.waitForVersion(env, 1);
    // An edit that breaks lines around the canaries: parse errors must describe them without quoting them.
    const broken = text.replace(/^(export )?JWT_SECRET=/m, 'JWT SECRET = "').replace('SESSION_SECRET=', 'SESSION_SECRET= #');
    const v2 = await client.change(env, broken);
    await client.waitForVersion(env, v2);
    const v3 = await client.change(env, text + `\nNEW_SECRET="${ws.c.configJunk.value}\n`);
    await client.waitForVersion(env, v3);
    await client.setSettings({ '*': { rules: { 'weak-secret': 'hint' }, minBytes: 64, secretKeys: ['*_JUNK'] } });
    await client.nextDiagnostics(env);
    await client.fileEvents([{ path: join(root, '.env.production'), type: 2 }, { path: join(root, 'k8s/app-secret.yaml'), type: 2 }]);
    // Handlers given garbage fail inside the server: the failure is logged by name and stack only.
    const garbage = [
      ['textDocument/codeAction', { textDocument: { uri: env }, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, context: { diagnostics: [{ code: 'weak-secret', source: 'secret-hygiene', message: ws.c.jwt.value, range: null }] } }],
      ['codeAction/resolve', { title: 'x', data: { fix: 'replace-secret', uri: env, version: null, key: 'JWT_SECRET', line: 'x' } }],
      ['secretHygiene/planRotation', { uri: env, key: { toString: null }, version: null }],
      ['secretHygiene/generate', { uri: env, version: null, position: null }],
      ['secretHygiene/journalEntry', { uri: env, key: 'JWT_SECRET', files: 42 }],
      ['textDocument/hover', { textDocument: { uri: env }, position: { line: -1, character: -1 } }],
    ] as const;
    for (const [method, params] of garbage) record(`garbage ${method}`, await client.request(method, params).catch((e: Error) => ({ error: e.message })));
    await client.close(env);
    await client.waitForDiagnostics(env, (_d, p) => p.version === undefined);
    for (const r of responses) no(r.text, r.where);
  });

  it('everything the server sent: notifications, logs, messages, prompts, progress, stderr', function () {
    assert.ok(client.logs.length > 0, 'the server logged (indexing, skips, chmod)');
    no(client.wire.join('\n'), 'notifications and prompts on the wire');
    no(client.logs.join('\n'), 'window/logMessage');
    no(client.messages.join('\n'), 'window/showMessage and showMessageRequest');
    no(JSON.stringify(client.progress), '$/progress');
    no(client.stderr.join(''), 'stderr');
    assert.deepEqual(client.protocolErrors, [], 'no protocol error');
    assert.equal(client.exitCode, undefined, 'the server is still running');
  });
});
