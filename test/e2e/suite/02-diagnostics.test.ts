// Diagnostics for every rule family on the fixture workspace, as VS Code holds them (the Problems
// panel reads the same store): cross-file findings in files that were never opened, the diagnostic
// shape (rule id, docs link, source, related places), re-checks on edit and on-disk change.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  assertNoValue,
  lineOfKey,
  openEditor,
  ours,
  readText,
  ruleId,
  secretValuesIn,
  summarize,
  waitForDiagnostics,
  waitForDocument,
  waitForNoRule,
  waitForRule,
  wsUri,
} from './helpers';

interface Expected {
  file: string;
  rule: string;
  /** The key whose line carries the finding; none for file-level findings (line 1). */
  key?: string;
  why: string;
}

/** One finding per rule family the fixture workspace was written to trigger. */
const EXPECTED: Expected[] = [
  { file: '.env', rule: 'weak-secret', key: 'JWT_SECRET', why: 'JWT_SECRET=changeme is a placeholder' },
  { file: 'legacy/.env', rule: 'short-secret', key: 'LEGACY_JWT_SECRET', why: '8 bytes where HS256 needs 32' },
  { file: 'legacy/.env', rule: 'low-entropy-secret', key: 'LEGACY_REFRESH_SECRET', why: 'a passphrase of dictionary words' },
  { file: '.env.development', rule: 'reused-secret', key: 'SESSION_SECRET', why: 'the production SESSION_SECRET, in a file that is not open' },
  { file: '.env.production', rule: 'reused-secret', key: 'SESSION_SECRET', why: 'the other half of the reuse, not open either' },
  { file: '.env.production', rule: 'missing-previous-slot', key: 'JWT_SECRET', why: '.env has JWT_SECRET_PREVIOUS, .env.production does not' },
  { file: '.env.production', rule: 'broken-version-chain', key: 'WALLET_ENCRYPTION_KEY_VERSION', why: 'version 2 without WALLET_ENCRYPTION_KEY_V1' },
  { file: 'legacy/.env', rule: 'previous-equals-current', key: 'SIGNING_KEY_PREVIOUS', why: 'the slot holds the current value' },
  { file: '.env', rule: 'client-exposed-secret', key: 'NEXT_PUBLIC_API_SECRET', why: 'a secret under NEXT_PUBLIC_ ships to the browser' },
  { file: '.env.example', rule: 'committed-credential', key: 'API_SIGNING_SECRET', why: 'a real-looking value in an example file' },
  { file: '.env.production', rule: 'env-not-ignored', why: '.gitignore ignores .env but not .env.production' },
  { file: '.env', rule: 'env-file-permissions', why: 'the fixture copy is mode 0644' },
  { file: 'legacy/.env', rule: 'rotation-overdue', key: 'SIGNING_KEY', why: 'the journal says 2020-01-15, the cadence is 90 days' },
  { file: 'legacy/.env', rule: 'stale-previous-slot', key: 'SIGNING_KEY_PREVIOUS', why: 'the overlap window after the 2020 rotation has passed' },
  { file: '.env', rule: 'parse-error', key: 'LOG_LEVEL', why: '"LOG_LEVEL = debug" reads differently in shells and docker' },
];

const ENV_FILES = ['.env', '.env.development', '.env.production', '.env.example', 'legacy/.env', 'rotation/.env'];
let texts: Record<string, string> = {};
let values: string[] = [];

describe('diagnostics', () => {
  before(async () => {
    texts = {};
    for (const f of ENV_FILES) texts[f] = await readText(wsUri(f));
    values = secretValuesIn(...Object.values(texts));
    // Only .env is opened: every other file's findings come from the workspace index.
    await openEditor('.env');
  });

  for (const e of EXPECTED) {
    it(`${e.rule}: ${e.file}${e.key ? ` ${e.key}` : ''} (${e.why})`, async function () {
      if (e.rule === 'env-file-permissions' && process.platform === 'win32') this.skip();
      const uri = wsUri(e.file);
      const line = e.key ? lineOfKey(texts[e.file], e.key) : 0;
      const d = await waitForRule(uri, e.rule, line);
      assertNoValue(d.message, values, `the ${e.rule} message`);
    });
  }

  it('does not flag what is fine: .env is git-ignored, rotation/.env holds strong, distinct secrets', async () => {
    // Wait until the index has produced .env.production's findings, then look at the others.
    await waitForRule(wsUri('.env.production'), 'env-not-ignored', 0);
    for (const f of ['.env', '.env.development', 'legacy/.env', 'rotation/.env']) {
      const diags = ours(wsUri(f));
      assert.ok(!diags.some((d) => ruleId(d) === 'env-not-ignored'), `${f} is git-ignored but got: ${summarize(diags)}`);
    }
    // .env is a layer every environment loads: sharing a value with it is an override, not reuse.
    const envDiags = ours(wsUri('.env'));
    assert.ok(!envDiags.some((d) => ruleId(d) === 'reused-secret'), `.env: ${summarize(envDiags)}`);
    const rotation = ours(wsUri('rotation/.env'));
    const unexpected = rotation.filter((d) => ['weak-secret', 'short-secret', 'low-entropy-secret', 'reused-secret', 'client-exposed-secret', 'parse-error', 'broken-version-chain'].includes(ruleId(d)));
    assert.deepEqual(unexpected.map((d) => ruleId(d)), [], `rotation/.env: ${summarize(rotation)}`);
  });

  it('every diagnostic names its rule, links its documentation and shows no value', async () => {
    await waitForRule(wsUri('.env.production'), 'env-not-ignored', 0);
    let seen = 0;
    for (const f of Object.keys(texts)) {
      for (const d of ours(wsUri(f))) {
        seen++;
        const code = d.code;
        assert.ok(code && typeof code === 'object', `${f}: ${ruleId(d)} has no documentation link`);
        const target = (code as { target: vscode.Uri }).target.toString();
        assert.ok(target.endsWith(`#${ruleId(d)}`), `${f}: ${ruleId(d)} links to ${target}`);
        assertNoValue(d.message, values, `${f}: the ${ruleId(d)} message`);
        for (const r of d.relatedInformation ?? []) assertNoValue(r.message, values, `${f}: related information of ${ruleId(d)}`);
      }
    }
    assert.ok(seen >= EXPECTED.length, `only ${seen} diagnostics in the fixture`);
  });

  it('reused-secret points at every other place the value sits (file names, not values)', async () => {
    const prod = wsUri('.env.production');
    const d = await waitForRule(prod, 'reused-secret', lineOfKey(texts['.env.production'], 'SESSION_SECRET'));
    const related = d.relatedInformation ?? [];
    const dev = wsUri('.env.development').toString();
    const hit = related.find((r) => r.location.uri.toString() === dev);
    assert.ok(hit, `no related location in .env.development (related: ${related.map((r) => vscode.workspace.asRelativePath(r.location.uri)).join(', ') || 'none'})`);
    assert.equal(hit.location.range.start.line, lineOfKey(texts['.env.development'], 'SESSION_SECRET'));
  });

  it('an edit re-checks the file: fixing the parse error clears it, undo brings it back', async () => {
    const editor = await openEditor('.env');
    const doc = editor.document;
    const original = doc.getText();
    const line = lineOfKey(original, 'LOG_LEVEL');
    await waitForRule(doc.uri, 'parse-error', line);
    const ok = await editor.edit((b) => b.replace(doc.lineAt(line).range, 'LOG_LEVEL=debug'));
    assert.ok(ok, 'the edit was not applied');
    await waitForNoRule(doc.uri, 'parse-error', line);
    await vscode.commands.executeCommand('undo');
    await waitForDocument(doc, (d) => d.getText() === original, 'undo to restore .env');
    await waitForRule(doc.uri, 'parse-error', line);
  });

  it('follows files created and deleted on disk without opening them', async () => {
    const uri = wsUri('services/worker/.env');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('QUEUE_NAME = jobs\n'));
    try {
      await waitForRule(uri, 'parse-error', 0);
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..', '..'), { recursive: true });
    }
    await waitForDiagnostics(uri, (ds) => ds.length === 0, 'the deleted file to have no diagnostics');
  });
});
