import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { Commands, ServerCommands, type RotateArgs } from '../protocol';
import type { SecretHygieneServer } from './main';
import { daysSince, familyOf, isRotatable, viewOf } from './view';

/** "Rotate secret · rotated N days ago" above every rotatable secret (setting `codeLens.enable`). */
export async function codeLenses(server: SecretHygieneServer, params: CodeLensParams): Promise<CodeLens[]> {
  const view = await viewOf(server, params.textDocument.uri);
  if (!view || !view.folder.settings.enable || !view.folder.settings.codeLens.enable) return [];
  const analyzer = view.folder.analyzer;
  const out: CodeLens[] = [];
  const seen = new Set<string>();
  for (const entry of view.source.entries) {
    if (seen.has(entry.key) || !isRotatable(view, entry)) continue;
    seen.add(entry.key);
    const base = familyOf(view, entry.key)?.base ?? entry.key;
    const last = analyzer.journal().lastRotation(entry.key) ?? analyzer.journal().lastRotation(base);
    const days = last ? daysSince(last.date, analyzer.now()) : undefined;
    const age = days === undefined ? 'no rotation on record' : days <= 0 ? 'rotated today' : `rotated ${days} day${days === 1 ? '' : 's'} ago`;
    const args: RotateArgs = { uri: view.uri, key: entry.key };
    const start = view.lines.positionAt(entry.keyStart);
    out.push({
      range: { start, end: view.lines.positionAt(entry.keyEnd) },
      command: {
        title: `Rotate secret · ${age}`,
        command: server.features.vscode ? Commands.rotateSecret : ServerCommands.rotate,
        arguments: [args],
      },
    });
  }
  return out;
}
