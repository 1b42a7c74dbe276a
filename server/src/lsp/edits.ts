import type { CreateFile, TextDocumentEdit, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { LineIndex } from '../core/text';
import type { TextEdit } from '../core/types';
import type { ClientFeatures } from './main';

/** One file's engine edits (decoded-text offsets) as LSP text edits. */
export function toLspEdits(lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: lines.range(e.start, e.end), newText: e.newText }));
}

export interface FileEdits {
  uri: string;
  /** The open document's version (the client refuses the edit when it changed); null when not open. */
  version: number | null;
  edits: LspTextEdit[];
  /** Create the file first (it does not exist yet). */
  create?: boolean;
}

/**
 * A WorkspaceEdit the client applies as one edit (one undo): versioned `documentChanges` when the
 * client supports them, else plain `changes`.
 */
export function workspaceEdit(features: ClientFeatures, files: readonly FileEdits[]): WorkspaceEdit {
  if (features.documentChanges) {
    const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
    for (const f of files) {
      if (f.create) documentChanges.push({ kind: 'create', uri: f.uri, options: { ignoreIfExists: true } });
      documentChanges.push({ textDocument: { uri: f.uri, version: f.version }, edits: f.edits });
    }
    return { documentChanges };
  }
  const changes: Record<string, LspTextEdit[]> = {};
  for (const f of files) changes[f.uri] = [...(changes[f.uri] ?? []), ...f.edits];
  return { changes };
}
