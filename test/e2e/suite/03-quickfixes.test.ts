// Each quick fix, taken from VS Code's code-action provider chain (what the light bulb shows),
// applied, the file checked after, and one undo restoring it. No assertion message prints a value.
import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import {
  applyCodeAction,
  assertNoValue,
  assertSameText,
  codeActionsAt,
  findAction,
  keysOf,
  lineOfKey,
  openEditor,
  ours,
  rawValueOf,
  readText,
  restore,
  ruleId,
  secretValuesIn,
  snapshot,
  undoIn,
  waitForDiagnostics,
  waitForDocument,
  waitForNoRule,
  waitForRule,
  wsUri,
} from './helpers';

let saved: Map<string, Uint8Array>;
let values: string[];

/** Opens `file`, waits for `rule` on the line of `key` and returns the actions offered for it. */
async function fixesFor(file: string, rule: string, key?: string) {
  const editor = await openEditor(file);
  const line = key ? lineOfKey(editor.document.getText(), key) : 0;
  const diag = await waitForRule(editor.document.uri, rule, line);
  const actions = await codeActionsAt(editor.document.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
  for (const a of actions) assertNoValue(a.title, values, `the title of a ${rule} action`);
  return { editor, doc: editor.document, line, diag, actions };
}

/** Applies `action`, waits for the document to change, checks with `after`, undoes and checks the text is back. */
async function applyCheckUndo(editor: vscode.TextEditor, action: vscode.CodeAction, after: (text: string) => Promise<void> | void) {
  const doc = editor.document;
  const before = doc.getText();
  await applyCodeAction(action);
  await waitForDocument(doc, (d) => d.getText() !== before, `"${action.title}" to change ${vscode.workspace.asRelativePath(doc.uri)}`);
  await after(doc.getText());
  await undoIn(editor);
  await waitForDocument(doc, (d) => d.getText() === before, `one undo to restore ${vscode.workspace.asRelativePath(doc.uri)}`);
  assertSameText(doc.getText(), before, 'the text after one undo');
}

describe('quick fixes', () => {
  before(async () => {
    saved = await snapshot();
    values = secretValuesIn(...[...saved.values()].map((b) => new TextDecoder().decode(b)));
  });
  afterEach(async () => {
    await restore(saved);
  });

  it('weak-secret: "Replace JWT_SECRET with a new 32-byte secret" puts 32 random bytes in place; one undo restores', async () => {
    const { editor, doc, line, actions } = await fixesFor('.env', 'weak-secret', 'JWT_SECRET');
    const fix = findAction(actions, /^Replace JWT_SECRET with a new 32-byte secret$/, 'weak-secret');
    assert.equal(fix.isPreferred, true, 'the replacement is the preferred fix');
    const old = rawValueOf(doc.getText(), 'JWT_SECRET');
    const keysBefore = keysOf(doc.getText());
    await applyCheckUndo(editor, fix, async (text) => {
      const value = rawValueOf(text, 'JWT_SECRET');
      assert.notEqual(value, old, 'the value did not change');
      const bytes = /^[0-9a-f]+$/i.test(value) ? value.length / 2 : Buffer.from(value, 'base64').length;
      assert.ok(bytes >= 32, `the new value holds ${bytes} bytes`);
      assert.deepEqual(keysOf(text), keysBefore, 'keys changed');
      await waitForNoRule(doc.uri, 'weak-secret', line);
    });
    await waitForRule(doc.uri, 'weak-secret', line);
  });

  it('reused-secret: replacing SESSION_SECRET in .env.production clears the finding in both files', async () => {
    const { editor, doc, actions } = await fixesFor('.env.production', 'reused-secret', 'SESSION_SECRET');
    const fix = findAction(actions, /^Replace SESSION_SECRET with a new 32-byte secret$/, 'reused-secret');
    const devUri = wsUri('.env.development');
    const devLine = lineOfKey(await readText(devUri), 'SESSION_SECRET');
    await applyCheckUndo(editor, fix, async (text) => {
      const fresh = rawValueOf(text, 'SESSION_SECRET');
      assert.ok(fresh !== rawValueOf(await readText(devUri), 'SESSION_SECRET'), 'the value is still the one in .env.development');
      assert.ok(/^[0-9a-f]{64}$/.test(fresh), 'hex did not stay hex');
      await waitForNoRule(doc.uri, 'reused-secret');
      // The other file, never opened, is re-checked too: its finding named this file.
      await waitForNoRule(devUri, 'reused-secret', devLine);
    });
    await waitForRule(devUri, 'reused-secret', devLine);
  });

  it('short-secret: "Replace LEGACY_JWT_SECRET with a new 32-byte secret" keeps hex as hex', async () => {
    const { editor, doc, line, actions } = await fixesFor('legacy/.env', 'short-secret', 'LEGACY_JWT_SECRET');
    const fix = findAction(actions, /^Replace LEGACY_JWT_SECRET with a new 32-byte secret$/, 'short-secret');
    await applyCheckUndo(editor, fix, async (text) => {
      assert.ok(/^[0-9a-f]{64}$/.test(rawValueOf(text, 'LEGACY_JWT_SECRET')), 'the new value is not 32 bytes of hex');
      await waitForNoRule(doc.uri, 'short-secret', line);
    });
  });

  it('stale-previous-slot: offers "Complete the rotation of SIGNING_KEY"', async () => {
    const stale = await fixesFor('legacy/.env', 'stale-previous-slot', 'SIGNING_KEY_PREVIOUS');
    const complete = findAction(stale.actions, /^Complete the rotation of SIGNING_KEY$/, 'stale-previous-slot');
    assert.equal(complete.command?.command, 'secretHygiene.completeRotation');
  });

  it('previous-equals-current: offers "Rotate SIGNING_KEY" (the rotation that never happened)', async () => {
    const same = await fixesFor('legacy/.env', 'previous-equals-current', 'SIGNING_KEY_PREVIOUS');
    const rotate = findAction(same.actions, /^Rotate SIGNING_KEY\b/, 'previous-equals-current');
    assert.equal(rotate.command?.command, 'secretHygiene.rotateSecret');
  });

  it('client-exposed-secret: "Rename to server-only API_SECRET" renames the key and keeps the value', async () => {
    const { editor, doc, actions } = await fixesFor('.env', 'client-exposed-secret', 'NEXT_PUBLIC_API_SECRET');
    const fix = findAction(actions, /^Rename to server-only API_SECRET$/, 'client-exposed-secret');
    const old = rawValueOf(doc.getText(), 'NEXT_PUBLIC_API_SECRET');
    await applyCheckUndo(editor, fix, async (text) => {
      assert.ok(!keysOf(text).includes('NEXT_PUBLIC_API_SECRET'), 'the browser-exposed key is still there');
      assert.ok(rawValueOf(text, 'API_SECRET') === old, 'API_SECRET does not hold the value the old key had');
      await waitForNoRule(doc.uri, 'client-exposed-secret');
    });
  });

  it('parse-error: "Disable parse-error for this line" adds the suppression comment and silences the line', async () => {
    const { editor, doc, line, actions } = await fixesFor('.env', 'parse-error', 'LOG_LEVEL');
    const fix = findAction(actions, /^Disable parse-error for this line$/, 'parse-error');
    await applyCheckUndo(editor, fix, async (text) => {
      const lines = text.split('\n');
      assert.equal(lines[line].trim(), '# secret-hygiene-disable-next-line parse-error');
      await waitForNoRule(doc.uri, 'parse-error', line + 1);
      await waitForNoRule(doc.uri, 'parse-error', line);
    });
    await waitForRule(doc.uri, 'parse-error', line);
  });

  it('missing-previous-slot: "Add JWT_SECRET_PREVIOUS slot" adds an empty slot under the key', async () => {
    const { editor, doc, line, actions } = await fixesFor('.env.production', 'missing-previous-slot', 'JWT_SECRET');
    const fix = findAction(actions, /^Add JWT_SECRET_PREVIOUS slot/, 'missing-previous-slot');
    await applyCheckUndo(editor, fix, async (text) => {
      assert.equal(lineOfKey(text, 'JWT_SECRET_PREVIOUS'), line + 1, 'the slot is not right under JWT_SECRET');
      assert.equal(rawValueOf(text, 'JWT_SECRET_PREVIOUS'), '', 'the new slot is not empty');
      await waitForNoRule(doc.uri, 'missing-previous-slot', line);
    });
  });

  it('broken-version-chain: "Add WALLET_ENCRYPTION_KEY_V1 as empty placeholder" completes the chain', async () => {
    const { editor, doc, actions } = await fixesFor('.env.production', 'broken-version-chain', 'WALLET_ENCRYPTION_KEY_VERSION');
    const fix = findAction(actions, /^Add WALLET_ENCRYPTION_KEY_V1 as empty placeholder$/, 'broken-version-chain');
    await applyCheckUndo(editor, fix, async (text) => {
      const at = lineOfKey(text, 'WALLET_ENCRYPTION_KEY_V1');
      assert.equal(rawValueOf(text, 'WALLET_ENCRYPTION_KEY_V1'), '');
      assert.match(text.split('\n')[at - 1], /^# .*WALLET_ENCRYPTION_KEY_V1/, 'no explaining comment above the placeholder');
      // The slot now exists (empty, to be filled in): no finding may still say it is missing.
      await waitForDiagnostics(
        doc.uri,
        (ds) => !ds.some((d) => ruleId(d) === 'broken-version-chain' && /\bno WALLET_ENCRYPTION_KEY_V1\b/.test(d.message)),
        'no broken-version-chain finding that still calls WALLET_ENCRYPTION_KEY_V1 missing',
      );
    });
  });

  it('env-not-ignored: "Add ".env.production" to .gitignore" edits .gitignore; saved, the finding goes', async () => {
    const gitignore = await openEditor('.gitignore');
    const { actions } = await fixesFor('.env.production', 'env-not-ignored');
    const fix = findAction(actions, /^Add "\.env\.production" to \.gitignore$/, 'env-not-ignored');
    await applyCheckUndo(gitignore, fix, async (text) => {
      assert.ok(text.split(/\r?\n/).includes('.env.production'), '.gitignore has no ".env.production" line');
      await gitignore.document.save();
      await waitForNoRule(wsUri('.env.production'), 'env-not-ignored');
    });
    await gitignore.document.save();
    await waitForRule(wsUri('.env.production'), 'env-not-ignored', 0);
  });

  it('env-file-permissions: "Restrict .env to its owner (chmod 600)" changes the mode on disk', async function () {
    if (process.platform === 'win32') this.skip();
    const { doc, actions } = await fixesFor('.env', 'env-file-permissions');
    const fix = findAction(actions, /^Restrict \.env to its owner \(chmod 600\)/, 'env-file-permissions');
    await applyCodeAction(fix);
    await waitForNoRule(doc.uri, 'env-file-permissions');
    assert.equal((statSync(doc.uri.fsPath).mode & 0o777).toString(8), '600');
  });

  it('every finding offers "Disable <rule> for this line" and "Show documentation"; nothing is offered as fixAll', async () => {
    for (const f of ['.env', '.env.production', 'legacy/.env']) {
      const uri = wsUri(f);
      await openEditor(f);
      const diags = ours(uri);
      assert.ok(diags.length > 0, `${f} has no findings`);
      for (const d of diags) {
        const actions = await codeActionsAt(uri, d.range, vscode.CodeActionKind.QuickFix.value);
        const rule = ruleId(d);
        findAction(actions, new RegExp(`^Show documentation for ${rule}$`), `${f} ${rule}@${d.range.start.line + 1}`);
        findAction(actions, new RegExp(`^Disable ${rule} for this line$`), `${f} ${rule}@${d.range.start.line + 1}`);
      }
      const fixAll = await codeActionsAt(uri, new vscode.Range(0, 0, 0, 0), 'source.fixAll');
      assert.deepEqual(fixAll.filter((a) => a.kind?.value.includes('secretHygiene')).map((a) => a.title), []);
    }
  });
});
