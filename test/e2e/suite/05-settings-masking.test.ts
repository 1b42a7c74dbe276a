// Settings that apply without a reload, masking decorations (through the extension's test hook,
// which returns ranges, never text), hover and code lens.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  assertNoValue,
  lineOfKey,
  openEditor,
  pollUntilAsync,
  restore,
  secretValuesIn,
  snapshot,
  waitFor,
  waitForNoRule,
  waitForRule,
  wsUri,
} from './helpers';

const SECTION = 'secretHygiene';
const MASKED_RANGES = 'secretHygiene._test.maskedRanges';

interface MaskedRange {
  line: number;
  start: number;
  endLine: number;
  end: number;
}

let saved: Map<string, Uint8Array>;
let values: string[];

async function setSetting(name: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION, wsUri('.env')).update(name, value, vscode.ConfigurationTarget.Workspace);
}

async function maskedRanges(uri: vscode.Uri): Promise<MaskedRange[]> {
  return (await vscode.commands.executeCommand<MaskedRange[]>(MASKED_RANGES, uri.toString())) ?? [];
}

/** The [start, end) character span of KEY's value on its line. */
function valueSpan(doc: vscode.TextDocument, key: string): { line: number; start: number; end: number } {
  const line = lineOfKey(doc.getText(), key);
  const text = doc.lineAt(line).text;
  const start = text.indexOf('=') + 1;
  return { line, start, end: text.trimEnd().length };
}

function covers(ranges: MaskedRange[], span: { line: number; start: number; end: number }): boolean {
  return ranges.some((r) => r.line === span.line && r.start <= span.start && r.end >= span.end);
}

describe('settings, masking, hover, code lens', () => {
  before(async () => {
    saved = await snapshot();
    values = secretValuesIn(...[...saved.values()].map((b) => new TextDecoder().decode(b)));
  });
  afterEach(async () => {
    for (const name of ['rules', 'enable', 'mask.enable', 'codeLens.enable']) await setSetting(name, undefined);
    await restore(saved);
  });

  it('a settings change applies without a reload: secretHygiene.rules turns weak-secret off and back on', async () => {
    const uri = wsUri('.env');
    await openEditor('.env');
    const line = lineOfKey(new TextDecoder().decode(saved.get('.env')), 'JWT_SECRET');
    await waitForRule(uri, 'weak-secret', line);
    await setSetting('rules', { 'weak-secret': 'off' });
    await waitForNoRule(uri, 'weak-secret', line);
    await waitForRule(uri, 'parse-error');
    await setSetting('rules', undefined);
    await waitForRule(uri, 'weak-secret', line);
  });

  it('secretHygiene.enable=false clears every finding, including in files that are not open', async () => {
    const prod = wsUri('.env.production');
    await waitForRule(prod, 'env-not-ignored', 0);
    await setSetting('enable', false);
    await waitFor('no findings anywhere', () => (vscode.languages.getDiagnostics().every(([, ds]) => ds.every((d) => d.source !== 'secret-hygiene')) ? true : undefined), [vscode.languages.onDidChangeDiagnostics]);
    await setSetting('enable', undefined);
    await waitForRule(prod, 'env-not-ignored', 0);
  });

  it('masking: with secretHygiene.mask.enable, secret values are masked as the editor opens, comments included', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setSetting('mask.enable', true);
    const editor = await openEditor('.env');
    const doc = editor.document;
    // Read at once, with no wait: the decorations must be set by the time the editor is shown.
    const ranges = await maskedRanges(doc.uri);
    for (const key of ['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'SESSION_SECRET', 'NEXT_PUBLIC_API_SECRET']) {
      assert.ok(covers(ranges, valueSpan(doc, key)), `the value of ${key} is not masked on open`);
    }
    const commented = doc.getText().split('\n').findIndex((l) => /^#\s*OLD_SESSION_SECRET=/.test(l));
    assert.ok(
      ranges.some((r) => r.line === commented),
      'the commented-out OLD_SESSION_SECRET is not masked',
    );
    for (const key of ['APP_NAME', 'PORT']) {
      assert.ok(!ranges.some((r) => r.line === lineOfKey(doc.getText(), key)), `${key} (not a secret) is masked`);
    }
  });

  it('masking: "Reveal line" shows the cursor line only until the cursor leaves; toggling never writes settings', async () => {
    await setSetting('mask.enable', true);
    const editor = await openEditor('.env');
    const doc = editor.document;
    const span = valueSpan(doc, 'SESSION_SECRET');
    editor.selection = new vscode.Selection(span.line, 0, span.line, 0);
    await vscode.commands.executeCommand('secretHygiene.revealLine');
    assert.ok(!covers(await maskedRanges(doc.uri), span), 'the cursor line is still masked after "Reveal line"');
    const other = lineOfKey(doc.getText(), 'JWT_SECRET_PREVIOUS');
    // The extension hears the selection change on the same event, registered before this listener.
    const seen = new Promise<void>((resolve) => {
      const sub = vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === doc && e.selections[0].active.line === other) {
          sub.dispose();
          resolve();
        }
      });
    });
    editor.selection = new vscode.Selection(other, 0, other, 0);
    await seen;
    assert.ok(covers(await maskedRanges(doc.uri), span), 'the line stays revealed after the cursor left it');

    const inspectBefore = JSON.stringify(vscode.workspace.getConfiguration(SECTION, doc.uri).inspect('mask.enable'));
    await vscode.commands.executeCommand('secretHygiene.toggleMasking');
    assert.deepEqual(await maskedRanges(doc.uri), [], 'toggling off left masks');
    await vscode.commands.executeCommand('secretHygiene.toggleMasking');
    assert.ok(covers(await maskedRanges(doc.uri), span), 'toggling on did not mask again');
    assert.equal(JSON.stringify(vscode.workspace.getConfiguration(SECTION, doc.uri).inspect('mask.enable')), inspectBefore, 'toggling changed a setting');
  });

  it('hover on a secret key tells its strength and slots, never its value', async () => {
    const editor = await openEditor('rotation/.env');
    const doc = editor.document;
    const line = lineOfKey(doc.getText(), 'API_JWT_SECRET');
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 2))) ?? [];
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(text, /32[- ]byte|32 bytes/, 'the hover does not give the strength in bytes');
    assert.match(text, /API_JWT_SECRET_PREVIOUS|previous/i, 'the hover does not mention the rotation slot');
    assertNoValue(text, values, 'the hover');
  });

  it('code lens "Rotate secret" sits above rotatable secrets and goes away with secretHygiene.codeLens.enable=false', async () => {
    const doc = (await openEditor('rotation/.env')).document;
    const lenses = async () => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    const line = lineOfKey(doc.getText(), 'API_JWT_SECRET');
    const first = await lenses();
    const lens = first.find((l) => l.range.start.line === line);
    assert.ok(lens?.command, `no code lens on API_JWT_SECRET (lenses on lines ${first.map((l) => l.range.start.line + 1).join(', ') || 'none'})`);
    assert.match(lens.command.title, /^Rotate secret/);
    assert.equal(lens.command.command, 'secretHygiene.rotateSecret');
    for (const l of first) assertNoValue(l.command?.title ?? '', values, 'a code lens title');
    await setSetting('codeLens.enable', false);
    let after: vscode.CodeLens[] = first;
    await pollUntilAsync('the code lenses to go', async () => {
      after = await lenses();
      return !after.some((l) => l.command);
    });
    assert.deepEqual(after.filter((l) => l.command).map((l) => l.range.start.line + 1), [], 'code lenses remain with codeLens.enable=false');
  });
});
