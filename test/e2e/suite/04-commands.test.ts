// The command flows as a user runs them: Generate, Rotate (every slot scheme; one undo restores
// the file byte for byte), Complete rotation, the journal entry. Prompts are answered by the
// scripted stand-ins of prompts.ts; everything they showed is checked for secret values.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  assertNoValue,
  assertSameBytes,
  lineOfKey,
  openEditor,
  rawValueOf,
  restore,
  secretValuesIn,
  snapshot,
  undoIn,
  waitForDocument,
  waitForNoRule,
  wsUri,
} from './helpers';
import { Prompts } from './prompts';

const ROTATE = 'secretHygiene.rotateSecret';
const COMPLETE = 'secretHygiene.completeRotation';
const GENERATE = 'secretHygiene.generateSecret';
const JOURNAL = 'docs/security/HARDENING-LOG.md';

let saved: Map<string, Uint8Array>;
let values: string[];
let prompts: Prompts;

function bytesOf(value: string): number {
  return /^[0-9a-f]+$/i.test(value) ? value.length / 2 : Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64').length;
}

/** Nothing the extension showed may contain a fixture value or any of `extra` (new values). */
function assertPromptsClean(extra: string[] = []): void {
  for (const c of prompts.calls) assertNoValue(c.text, [...values, ...extra], `a ${c.kind} prompt`);
  assert.deepEqual(prompts.errors().map((c) => c.text.split('\n')[0]), [], 'error messages were shown');
}

/**
 * Rotates `key` in rotation/.env through the command, checks the result with `check`, then one
 * undo must give back the original bytes.
 */
async function rotateAndUndo(key: string, check: (before: string, after: string) => void | Promise<void>, arrange?: () => void) {
  const editor = await openEditor('rotation/.env');
  const doc = editor.document;
  const disk = await vscode.workspace.fs.readFile(doc.uri);
  const before = doc.getText();
  arrange?.();
  await vscode.commands.executeCommand(ROTATE, { uri: doc.uri.toString(), key });
  await waitForDocument(doc, (d) => d.getText() !== before, `the rotation of ${key} to edit rotation/.env`);
  const after = doc.getText();
  await check(before, after);
  const newValues = after.split('\n').filter((l) => !before.split('\n').includes(l)).map((l) => l.slice(l.indexOf('=') + 1).trim());
  assertPromptsClean(newValues.flatMap((v) => v.split(',')).filter((v) => v.length >= 16));
  await undoIn(editor);
  await waitForDocument(doc, (d) => d.getText() === before, `one undo to restore rotation/.env after rotating ${key}`);
  assertSameBytes(new TextEncoder().encode(doc.getText()), disk, `rotation/.env after one undo of the ${key} rotation`);
}

describe('commands', () => {
  before(async () => {
    saved = await snapshot();
    values = secretValuesIn(...[...saved.values()].map((b) => new TextDecoder().decode(b)));
  });
  beforeEach(() => {
    prompts = new Prompts();
  });
  afterEach(async () => {
    prompts.dispose();
    await restore(saved);
  });

  it('Generate secret: "New secret here" replaces the value under the cursor with 32 random bytes', async () => {
    const editor = await openEditor('.env');
    const doc = editor.document;
    const line = lineOfKey(doc.getText(), 'JWT_SECRET');
    const before = doc.getText();
    editor.selection = new vscode.Selection(line, doc.lineAt(line).text.length, line, doc.lineAt(line).text.length);
    prompts.quickPick.push(Prompts.pick(/New secret here/));
    await vscode.commands.executeCommand(GENERATE);
    await waitForDocument(doc, (d) => d.getText() !== before, 'Generate to edit .env');
    const value = rawValueOf(doc.getText(), 'JWT_SECRET');
    assert.ok(bytesOf(value) >= 32, `the generated value holds ${bytesOf(value)} bytes`);
    assert.equal(doc.lineCount, before.split('\n').length, 'Generate changed the number of lines');
    await waitForNoRule(doc.uri, 'weak-secret', line);
    assertPromptsClean([value]);
    await undoIn(editor);
    await waitForDocument(doc, (d) => d.getText() === before, 'one undo to restore .env');
  });

  it('Rotate, previous scheme: API_JWT_SECRET_PREVIOUS takes the old value, API_JWT_SECRET a new one', async () => {
    await rotateAndUndo('API_JWT_SECRET', (before, after) => {
      const old = rawValueOf(before, 'API_JWT_SECRET');
      assert.ok(rawValueOf(after, 'API_JWT_SECRET_PREVIOUS') === old, 'API_JWT_SECRET_PREVIOUS does not hold the old value');
      const fresh = rawValueOf(after, 'API_JWT_SECRET');
      assert.ok(fresh !== old && bytesOf(fresh) === 32, `API_JWT_SECRET is not a new 32-byte value (${bytesOf(fresh)} bytes)`);
      assert.ok(/^[0-9a-f]{64}$/.test(fresh), 'the new value is not hex like the old one');
    });
  });

  it('Rotate, versioned scheme: VAULT_KEY_V2 keeps the old key, VAULT_KEY_VERSION becomes 3', async () => {
    await rotateAndUndo('VAULT_KEY', (before, after) => {
      const old = rawValueOf(before, 'VAULT_KEY');
      assert.ok(rawValueOf(after, 'VAULT_KEY_V2') === old, 'VAULT_KEY_V2 does not hold the old value');
      assert.ok(rawValueOf(after, 'VAULT_KEY_V1') === rawValueOf(before, 'VAULT_KEY_V1'), 'VAULT_KEY_V1 changed');
      assert.equal(rawValueOf(after, 'VAULT_KEY_VERSION'), '3');
      assert.ok(rawValueOf(after, 'VAULT_KEY') !== old, 'VAULT_KEY did not change');
    });
  });

  it('Rotate, numbered scheme: COOKIE_SECRET_0 takes the old COOKIE_SECRET_1', async () => {
    await rotateAndUndo('COOKIE_SECRET_1', (before, after) => {
      const old = rawValueOf(before, 'COOKIE_SECRET_1');
      assert.ok(rawValueOf(after, 'COOKIE_SECRET_0') === old, 'COOKIE_SECRET_0 does not hold the old COOKIE_SECRET_1');
      assert.ok(rawValueOf(after, 'COOKIE_SECRET_1') !== old, 'COOKIE_SECRET_1 did not change');
    });
  });

  it('Rotate, Auth.js scheme: AUTH_SECRET_2 is added with a new value, the older slots stay', async () => {
    await rotateAndUndo('AUTH_SECRET', (before, after) => {
      assert.ok(rawValueOf(after, 'AUTH_SECRET') === rawValueOf(before, 'AUTH_SECRET'), 'AUTH_SECRET changed');
      assert.ok(rawValueOf(after, 'AUTH_SECRET_1') === rawValueOf(before, 'AUTH_SECRET_1'), 'AUTH_SECRET_1 changed');
      assert.equal(lineOfKey(after, 'AUTH_SECRET_2'), lineOfKey(before, 'AUTH_SECRET_1') + 1, 'AUTH_SECRET_2 is not right after AUTH_SECRET_1');
      assert.ok(bytesOf(rawValueOf(after, 'AUTH_SECRET_2')) >= 32, 'AUTH_SECRET_2 is not a 32-byte value');
    });
  });

  it('Rotate, list scheme: WEBHOOK_SIGNING_KEYS becomes "new,old" and drops the oldest key', async () => {
    await rotateAndUndo('WEBHOOK_SIGNING_KEYS', (before, after) => {
      const [first] = rawValueOf(before, 'WEBHOOK_SIGNING_KEYS').split(',');
      const items = rawValueOf(after, 'WEBHOOK_SIGNING_KEYS').split(',');
      assert.equal(items.length, 2, `the list holds ${items.length} keys`);
      assert.ok(items[1] === first, 'the old first key is not second');
      assert.ok(items[0] !== first && bytesOf(items[0]) === 32, 'the first key is not a new 32-byte value');
    });
  });

  it('Rotate, no slot (immediate): asks, warns modally, then replaces CSRF_SECRET in place', async () => {
    await rotateAndUndo(
      'CSRF_SECRET',
      (before, after) => {
        assert.ok(rawValueOf(after, 'CSRF_SECRET') !== rawValueOf(before, 'CSRF_SECRET'), 'CSRF_SECRET did not change');
        assert.equal(after.split('\n').length, before.split('\n').length, 'an immediate rotation added lines');
        const warning = prompts.calls.find((c) => c.kind === 'warning' && c.modal);
        assert.ok(warning, 'no modal warning before an immediate rotation');
        assert.match(warning.text, /log in again|stops working/);
      },
      () => {
        prompts.quickPick.push(Prompts.pick(/Rotate immediately/));
        prompts.messages.push(Prompts.press('Rotate anyway'));
      },
    );
  });

  it('Rotate offers to create a previous slot for a key without one, and creates it', async () => {
    await rotateAndUndo(
      'CSRF_SECRET',
      (before, after) => {
        const old = rawValueOf(before, 'CSRF_SECRET');
        assert.ok(rawValueOf(after, 'CSRF_SECRET_PREVIOUS') === old, 'CSRF_SECRET_PREVIOUS does not hold the old value');
        assert.ok(rawValueOf(after, 'CSRF_SECRET') !== old, 'CSRF_SECRET did not change');
        assert.ok(!prompts.calls.some((c) => c.modal), 'a rotation with an overlap slot asked for a modal confirmation');
      },
      () => prompts.quickPick.push(Prompts.pick(/^\$\(add\) Add CSRF_SECRET_PREVIOUS with the old value/)),
    );
  });

  it('Rotate, then "Add rotation journal entry": the journal records key, reason and fingerprints, never a value', async () => {
    const editor = await openEditor('rotation/.env');
    const doc = editor.document;
    const before = doc.getText();
    prompts.messages.push(Prompts.press('Add rotation journal entry'));
    prompts.quickPick.push(Prompts.pick(/^Scheduled$/));
    prompts.input.push(() => 'scheduled 90-day rotation');
    await vscode.commands.executeCommand(ROTATE, { uri: doc.uri.toString(), key: 'API_JWT_SECRET' });
    const fresh = rawValueOf(doc.getText(), 'API_JWT_SECRET');
    assert.ok(fresh !== rawValueOf(before, 'API_JWT_SECRET'), 'API_JWT_SECRET was not rotated');
    const journalUri = wsUri(JOURNAL);
    const journalDoc = await waitForOpenDocument(journalUri, 'scheduled 90-day rotation');
    const text = journalDoc.getText();
    assert.match(text, /API_JWT_SECRET rotation/, 'the entry does not name the key');
    assert.ok(text.indexOf('API_JWT_SECRET') < text.indexOf('SIGNING_KEY rotation'), 'the new entry is not above the older one');
    assert.match(text, /scheduled 90-day rotation/, 'the entry does not carry the reason');
    const rotated = prompts.calls.find((c) => c.kind === 'info' && /^Rotated API_JWT_SECRET/.test(c.text));
    assert.ok(rotated, 'no "Rotated ..." message');
    const fps = /\(([^()\s]+) → ([^()\s]+)\)/.exec(rotated.text);
    assert.ok(fps, 'the message shows no fingerprints');
    assert.ok(text.includes(fps[1]) && text.includes(fps[2]), 'the journal entry lacks the fingerprints the message showed');
    assertNoValue(text, [...values, fresh], 'the journal entry');
    assertPromptsClean([fresh]);
  });

  it('Complete rotation empties API_JWT_SECRET_PREVIOUS after a rotation, after a modal confirmation', async () => {
    const editor = await openEditor('rotation/.env');
    const doc = editor.document;
    const uri = doc.uri.toString();
    let before = doc.getText();
    await vscode.commands.executeCommand(ROTATE, { uri, key: 'API_JWT_SECRET' });
    await waitForDocument(doc, (d) => d.getText() !== before, 'the rotation');
    const fresh = rawValueOf(doc.getText(), 'API_JWT_SECRET');
    before = doc.getText();
    prompts.messages.push(Prompts.press('Complete rotation'));
    await vscode.commands.executeCommand(COMPLETE, { uri, key: 'API_JWT_SECRET' });
    await waitForDocument(doc, (d) => d.getText() !== before, 'the completion to edit rotation/.env');
    const after = doc.getText();
    assert.equal(rawValueOf(after, 'API_JWT_SECRET_PREVIOUS'), '', 'API_JWT_SECRET_PREVIOUS still holds a value');
    assert.ok(rawValueOf(after, 'API_JWT_SECRET') === fresh, 'completing changed the current value');
    assert.ok(prompts.calls.some((c) => c.kind === 'warning' && c.modal && /Complete rotation/.test(c.text)), 'no modal confirmation');
    assertPromptsClean([fresh]);
  });
});

/** The journal is opened by the command; wait for VS Code to report the document. */
function waitForOpenDocument(uri: vscode.Uri, containing: string): Promise<vscode.TextDocument> {
  const find = () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.getText().includes(containing));
  const hit = find();
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) => {
    const subs = [vscode.workspace.onDidOpenTextDocument(() => check()), vscode.workspace.onDidChangeTextDocument(() => check())];
    const timer = setTimeout(() => {
      subs.forEach((s) => s.dispose());
      reject(new Error(`timed out waiting for ${vscode.workspace.asRelativePath(uri)} to open`));
    }, 20_000);
    function check() {
      const d = find();
      if (!d) return;
      clearTimeout(timer);
      subs.forEach((s) => s.dispose());
      resolve(d);
    }
  });
}
