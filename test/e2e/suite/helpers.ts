// Helpers for the in-host suite. Waits are on VS Code events (diagnostics changed, document
// changed) with timeouts, never fixed sleeps. Failure messages name keys, rule ids, lines and
// byte offsets, never a secret value: a file's text is not put in any assertion message.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'secret-hygiene.secret-hygiene';
export const SOURCE = 'secret-hygiene';
const DEFAULT_TIMEOUT = 20_000;

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (the fixture workspace copy)');
  return folder.uri;
}

export function wsUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}

/** The rule id of a diagnostic (`code` may be a string, a number or `{ value, target }`). */
export function ruleId(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  if (typeof c === 'object') return String(c.value);
  return String(c);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** A value-free summary of diagnostics for failure messages: `rule@line` (1-based). */
export function summarize(diags: readonly vscode.Diagnostic[]): string {
  if (diags.length === 0) return '(none)';
  return diags.map((d) => `${ruleId(d)}@${d.range.start.line + 1}`).join(', ');
}

/** Resolves once `check()` holds, re-checking on every event of `onEvent`; rejects after `timeoutMs`. */
export function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  onEvent: vscode.Event<unknown>[],
  timeoutMs = DEFAULT_TIMEOUT,
  describe?: () => string,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const subs: vscode.Disposable[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (fn: () => void) => {
      for (const s of subs) s.dispose();
      if (timer) clearTimeout(timer);
      fn();
    };
    const attempt = () => {
      let v: T | undefined | false;
      try {
        v = check();
      } catch (e) {
        done(() => reject(e));
        return true;
      }
      if (v !== undefined && v !== false) {
        done(() => resolve(v as T));
        return true;
      }
      return false;
    };
    if (attempt()) return;
    for (const ev of onEvent) subs.push(ev(() => void attempt()));
    timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `; last seen: ${describe()}` : ''}`))), timeoutMs);
  });
}

/** Waits until the diagnostics of `uri` (ours only) satisfy `pred`. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  pred: (diags: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = DEFAULT_TIMEOUT,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    `${what} in ${vscode.workspace.asRelativePath(uri)}`,
    () => {
      const d = ours(uri);
      return pred(d) ? d : undefined;
    },
    [vscode.languages.onDidChangeDiagnostics],
    timeoutMs,
    () => summarize(ours(uri)),
  );
}

/** Waits for a diagnostic of `rule` on the (0-based) line `line`, or on any line when undefined. */
export async function waitForRule(uri: vscode.Uri, rule: string, line?: number, timeoutMs?: number): Promise<vscode.Diagnostic> {
  const diags = await waitForDiagnostics(
    uri,
    (ds) => ds.some((d) => ruleId(d) === rule && (line === undefined || d.range.start.line === line)),
    `${rule}${line === undefined ? '' : ` on line ${line + 1}`}`,
    timeoutMs,
  );
  return diags.find((d) => ruleId(d) === rule && (line === undefined || d.range.start.line === line))!;
}

export function waitForNoRule(uri: vscode.Uri, rule: string, line?: number, timeoutMs?: number): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(
    uri,
    (ds) => !ds.some((d) => ruleId(d) === rule && (line === undefined || d.range.start.line === line)),
    `no ${rule}${line === undefined ? '' : ` on line ${line + 1}`}`,
    timeoutMs,
  );
}

/** The 0-based line where `KEY=` (or `KEY =`) is defined in the document's text. */
export function lineOfKey(text: string, key: string): number {
  const lines = text.split(/\r\n|\r|\n/);
  const re = new RegExp(`^\\s*(?:export\\s+)?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*[=:]`);
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `key ${key} not found in the file`);
  return i;
}

/** The value of `KEY` on its line, as raw text after `=` (for comparisons only; never print it). */
export function rawValueOf(text: string, key: string): string {
  const line = text.split(/\r\n|\r|\n/)[lineOfKey(text, key)];
  return line.slice(line.indexOf('=') + 1).trim();
}

export function keysOf(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]/.exec(l)?.[1])
    .filter((k): k is string => Boolean(k));
}

/** Asserts two texts are identical without printing either: reports the first differing offset. */
export function assertSameText(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const line = expected.slice(0, i).split('\n').length;
  assert.fail(`${what}: texts differ from offset ${i} (line ${line}); lengths ${actual.length} and ${expected.length}`);
}

export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length === expected.length && actual.every((b, i) => b === expected[i])) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  assert.fail(`${what}: bytes differ from offset ${i}; lengths ${actual.length} and ${expected.length}`);
}

export async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function writeText(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** Opens a file in an editor and returns it. */
export async function openEditor(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(wsUri(rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Waits for the next change of `doc` satisfying `pred` (or returns at once if it already holds). */
export function waitForDocument(doc: vscode.TextDocument, pred: (d: vscode.TextDocument) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT): Promise<vscode.TextDocument> {
  return waitFor(what, () => (pred(doc) ? doc : undefined), [vscode.workspace.onDidChangeTextDocument], timeoutMs);
}

/** Code actions VS Code offers at `range` (the real provider chain, as the light bulb sees it). */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  // itemResolveCount: resolve every action's edit (the server computes edits in codeAction/resolve).
  const all = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range, kind, 100)) ?? [];
  return all.filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof (a as vscode.Command).command === 'string'));
}

/** Applies a code action the way the light bulb does: its edit first, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) {
    const ok = await vscode.workspace.applyEdit(action.edit);
    assert.ok(ok, `the edit of "${action.title}" was not applied`);
  }
  if (action.command) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}

/** Values a test must never see in a message, hover or title: every value in the given texts. */
export function secretValuesIn(...texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    for (const line of t.split(/\r\n|\r|\n/)) {
      const m = /^\s*#?\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=\s*(.*)$/.exec(line);
      if (!m) continue;
      for (const v of m[1].split(',')) {
        const value = v.trim().replace(/^["'`]|["'`]$/g, '');
        if (value.length >= 8 && !/^\d+$/.test(value)) out.push(value);
      }
    }
  }
  return out;
}

/** Asserts `text` contains none of `values`, naming only the `where` in the failure. */
export function assertNoValue(text: string, values: readonly string[], where: string): void {
  const leaked = values.findIndex((v) => text.includes(v));
  assert.ok(leaked === -1, `${where} contains a secret value (value #${leaked + 1} of the fixture)`);
}

/**
 * For states that fire no event (an extension's `isActive`): re-checks every 100 ms until `check`
 * holds, failing after `timeoutMs`. Not a sleep standing in for an event: it ends as soon as the state holds.
 */
export async function pollUntil(what: string, check: () => boolean, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Files the tests may change; `snapshot()` before, `restore()` after, so tests stay independent. */
export const FIXTURE_FILES = [
  '.env',
  '.env.development',
  '.env.production',
  '.env.example',
  '.gitignore',
  '.secret-hygiene.json',
  'docs/security/HARDENING-LOG.md',
  'legacy/.env',
  'rotation/.env',
  'src/config.js',
];

export async function snapshot(files = FIXTURE_FILES): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const f of files) out.set(f, await vscode.workspace.fs.readFile(wsUri(f)));
  return out;
}

/**
 * Puts the files back as they were: unsaved edits are reverted, changed files rewritten, and files
 * the test created (listed in `created`) deleted. Open documents are awaited until they show the
 * disk text again.
 */
export async function restore(saved: Map<string, Uint8Array>, created: string[] = []): Promise<void> {
  // Only documents of the workspace: under code-server the user's settings.json is a `file:` document
  // too, and VS Code itself edits and saves it; showing and reverting it here raced with that.
  const root = `${workspaceRoot().toString()}/`;
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty || !doc.uri.toString().startsWith(root)) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForDocument(doc, (d) => !d.isDirty, `${vscode.workspace.asRelativePath(doc.uri)} to be reverted`);
  }
  for (const [f, bytes] of saved) {
    const uri = wsUri(f);
    const now = await vscode.workspace.fs.readFile(uri);
    if (now.length === bytes.length && now.every((b, i) => b === bytes[i])) continue;
    await vscode.workspace.fs.writeFile(uri, bytes);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const text = new TextDecoder().decode(bytes);
    if (doc) await waitForDocument(doc, (d) => d.getText() === text, `${f} to reload from disk`);
  }
  for (const f of created) {
    await vscode.workspace.fs.delete(wsUri(f), { recursive: true }).then(undefined, () => undefined);
  }
}

/** Finds the action whose title matches; the failure lists the titles offered (titles carry no values). */
export function findAction(actions: readonly vscode.CodeAction[], title: RegExp, where: string): vscode.CodeAction {
  const a = actions.find((x) => title.test(x.title));
  assert.ok(a, `${where}: no action matching ${title}; offered: ${actions.map((x) => JSON.stringify(x.title)).join(', ') || 'none'}`);
  return a;
}

/** Runs `undo` in `editor` (focused first, as a user's Ctrl+Z). */
export async function undoIn(editor: vscode.TextEditor): Promise<void> {
  await vscode.window.showTextDocument(editor.document, { preview: false, viewColumn: editor.viewColumn });
  await vscode.commands.executeCommand('undo');
}

/** pollUntil for checks that ask VS Code (code lenses after a settings change): bounded, ends as soon as it holds. */
export async function pollUntilAsync(what: string, check: () => Promise<boolean>, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
