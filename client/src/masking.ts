import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { grammarHiddenSpans, isMaskedFile, maskSpans, type MaskScope, type MaskSpan } from './maskRanges';

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
  /**
   * The grammar hides secret values itself (transparent token colour, from the first frame); these
   * show again what masking does not cover, in a string-like and a comment-like colour.
   */
  private readonly revealValue = vscode.window.createTextEditorDecorationType({
    color: new vscode.ThemeColor('debugTokenExpression.string'),
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly revealComment = vscode.window.createTextEditorDecorationType({
    color: new vscode.ThemeColor('descriptionForeground'),
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  /** Set by the toggle command for this window; undefined follows the setting. */
  private override: boolean | undefined;
  /** Ranges per document (uri + version), computed when the document opens. */
  private readonly cache = new Map<string, { version: number; ranges: vscode.Range[]; spans: MaskSpan[]; hidden: { start: number; end: number; comment: boolean }[] }>();
  /** Lines the user revealed, per editor document; dropped when the cursor leaves them. */
  private readonly revealed = new Map<string, Set<number>>();
  /** What each visible editor currently shows masked (for the e2e hook). */
  private readonly applied = new Map<vscode.TextEditor, vscode.Range[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.decoration,
      this.revealValue,
      this.revealComment,
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

  private prepare(doc: vscode.TextDocument): { ranges: vscode.Range[]; spans: MaskSpan[]; hidden: { start: number; end: number; comment: boolean }[] } {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit;
    let spans: MaskSpan[] = [];
    let hidden: { start: number; end: number; comment: boolean }[] = [];
    if (isMaskedFile(doc.fileName, doc.languageId)) {
      const text = doc.getText();
      spans = maskSpans(text, doc.fileName, this.settingFor(doc).scope);
      // Only documents in the dotenv language get the grammar, and with it the hidden values.
      if (doc.languageId === 'dotenv') hidden = grammarHiddenSpans(text);
    }
    const entry = { version: doc.version, ranges: spans.map((s) => new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end))), spans, hidden };
    this.cache.set(key, entry);
    return entry;
  }

  private applyAll(): void {
    this.cache.clear();
    for (const e of vscode.window.visibleTextEditors) this.apply(e);
  }

  private apply(editor: vscode.TextEditor): void {
    const doc = editor.document;
    if (!isMaskedFile(doc.fileName, doc.languageId) && doc.languageId !== 'dotenv') {
      if (this.applied.has(editor)) for (const d of [this.decoration, this.revealValue, this.revealComment]) editor.setDecorations(d, []);
      this.applied.delete(editor);
      return;
    }
    const prepared = this.prepare(doc);
    const enabled = this.enabledFor(doc);
    const revealed = this.revealed.get(doc.uri.toString());
    const onRevealedLine = (r: vscode.Range) => !!revealed && [...revealed].some((l) => l >= r.start.line && l <= r.end.line);
    const active: MaskSpan[] = [];
    const ranges: vscode.Range[] = [];
    if (enabled) {
      prepared.ranges.forEach((r, i) => {
        if (onRevealedLine(r)) return;
        ranges.push(r);
        active.push(prepared.spans[i]);
      });
    }
    // Everything the grammar hid that no active mask covers is shown again.
    const values: vscode.Range[] = [];
    const comments: vscode.Range[] = [];
    for (const h of prepared.hidden) {
      for (const part of subtract(h, active)) {
        const range = new vscode.Range(doc.positionAt(part.start), doc.positionAt(part.end));
        (h.comment ? comments : values).push(range);
      }
    }
    editor.setDecorations(this.decoration, ranges);
    editor.setDecorations(this.revealValue, values);
    editor.setDecorations(this.revealComment, comments);
    if (enabled) this.applied.set(editor, ranges);
    else this.applied.delete(editor);
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

  /** Loads the dotenv grammar before the first .env opens, so its first frame is tokenized too. */
  static warmUpGrammar(): void {
    void vscode.workspace.openTextDocument({ language: 'dotenv', content: '' }).then(
      () => undefined,
      () => undefined,
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The parts of `span` that none of `masks` covers. */
function subtract(span: MaskSpan, masks: readonly MaskSpan[]): MaskSpan[] {
  let parts: MaskSpan[] = [{ start: span.start, end: span.end }];
  for (const m of masks) {
    if (m.end <= span.start || m.start >= span.end) continue;
    const next: MaskSpan[] = [];
    for (const p of parts) {
      if (m.end <= p.start || m.start >= p.end) {
        next.push(p);
        continue;
      }
      if (m.start > p.start) next.push({ start: p.start, end: m.start });
      if (m.end < p.end) next.push({ start: m.end, end: p.end });
    }
    parts = next;
  }
  return parts.filter((p) => p.end > p.start);
}
