import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { isMaskedFile, maskSpans, type MaskScope } from './maskRanges';

/**
 * Masks secret values in .env editors with decorations (screen-share safety). The ranges are
 * computed synchronously from the document text, cached when a document opens, and applied as
 * soon as an editor becomes visible. Toggling is an in-memory override: it never writes settings.
 */
export class MaskController implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    // The glyphs become invisible and take no width; a fixed-width mask is drawn in their place.
    opacity: '0',
    color: 'transparent',
    letterSpacing: '-1ch',
    before: { contentText: '••••••••', color: new vscode.ThemeColor('editorCodeLens.foreground') },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** Set by the toggle command for this window; undefined follows the setting. */
  private override: boolean | undefined;
  /** Ranges per document (uri + version), computed when the document opens. */
  private readonly cache = new Map<string, { version: number; ranges: vscode.Range[] }>();
  /** Lines the user revealed, per editor document; dropped when the cursor leaves them. */
  private readonly revealed = new Map<string, Set<number>>();
  /** What each visible editor currently shows masked (for the e2e hook). */
  private readonly applied = new Map<vscode.TextEditor, vscode.Range[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.decoration,
      vscode.workspace.onDidOpenTextDocument((doc) => this.prepare(doc)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.apply(e))),
      vscode.window.onDidChangeActiveTextEditor((e) => e && this.apply(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        this.cache.delete(e.document.uri.toString());
        for (const ed of vscode.window.visibleTextEditors) if (ed.document === e.document) this.apply(ed);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cache.delete(doc.uri.toString());
        this.revealed.delete(doc.uri.toString());
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.selectionChanged(e)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`${SETTINGS_SECTION}.mask`)) return;
        // An explicit settings change wins over the window's toggle.
        this.override = undefined;
        this.applyAll();
      }),
    );
    for (const doc of vscode.workspace.textDocuments) this.prepare(doc);
    this.applyAll();
  }

  private settingFor(doc: vscode.TextDocument): { enable: boolean; scope: MaskScope } {
    const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, doc.uri);
    return { enable: cfg.get<boolean>('mask.enable', false), scope: cfg.get<string>('mask.scope', 'secrets') === 'all' ? 'all' : 'secrets' };
  }

  enabledFor(doc: vscode.TextDocument): boolean {
    return this.override ?? this.settingFor(doc).enable;
  }

  /** Flips masking for this window without touching settings.json. Returns the new state. */
  toggle(): boolean {
    const active = vscode.window.activeTextEditor?.document;
    const now = active ? this.enabledFor(active) : (this.override ?? false);
    this.override = !now;
    this.revealed.clear();
    this.applyAll();
    return this.override;
  }

  /** Shows the values on the cursor lines of the editor until the cursor leaves them. */
  revealCursorLines(editor: vscode.TextEditor): void {
    const key = editor.document.uri.toString();
    const set = this.revealed.get(key) ?? new Set<number>();
    for (const s of editor.selections) for (let l = s.start.line; l <= s.end.line; l++) set.add(l);
    this.revealed.set(key, set);
    this.apply(editor);
  }

  private selectionChanged(e: vscode.TextEditorSelectionChangeEvent): void {
    const key = e.textEditor.document.uri.toString();
    const set = this.revealed.get(key);
    if (!set || set.size === 0) return;
    const cursorLines = new Set<number>();
    for (const s of e.selections) for (let l = s.start.line; l <= s.end.line; l++) cursorLines.add(l);
    let changed = false;
    for (const l of [...set]) {
      if (!cursorLines.has(l)) {
        set.delete(l);
        changed = true;
      }
    }
    if (changed) this.apply(e.textEditor);
  }

  private prepare(doc: vscode.TextDocument): vscode.Range[] {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.ranges;
    let ranges: vscode.Range[] = [];
    if (isMaskedFile(doc.fileName, doc.languageId)) {
      const text = doc.getText();
      ranges = maskSpans(text, doc.fileName, this.settingFor(doc).scope).map((s) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end)));
    }
    this.cache.set(key, { version: doc.version, ranges });
    return ranges;
  }

  private applyAll(): void {
    this.cache.clear();
    for (const e of vscode.window.visibleTextEditors) this.apply(e);
  }

  private apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (!this.enabledFor(doc) || !isMaskedFile(doc.fileName, doc.languageId)) {
      if (this.applied.has(editor)) editor.setDecorations(this.decoration, []);
      this.applied.delete(editor);
      return;
    }
    const revealed = this.revealed.get(doc.uri.toString());
    let ranges = this.prepare(doc);
    if (revealed && revealed.size > 0) ranges = ranges.filter((r) => ![...revealed].some((l) => l >= r.start.line && l <= r.end.line));
    editor.setDecorations(this.decoration, ranges);
    this.applied.set(editor, ranges);
  }

  /** Test hook: the masked ranges of the visible editors of a document (positions only, never text). */
  maskedRanges(uri?: string): { line: number; start: number; endLine: number; end: number }[] {
    for (const [editor, ranges] of this.applied) {
      if (!vscode.window.visibleTextEditors.includes(editor)) {
        this.applied.delete(editor);
        continue;
      }
      if (uri && editor.document.uri.toString() !== uri) continue;
      if (!uri && editor !== vscode.window.activeTextEditor) continue;
      return ranges.map((r) => ({ line: r.start.line, start: r.start.character, endLine: r.end.line, end: r.end.character }));
    }
    return [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
