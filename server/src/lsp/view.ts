import type { Position } from 'vscode-languageserver';
import { isExampleFile } from '../core/classify';
import type { SecretValue } from '../core/rule';
import type { SlotFamily } from '../core/slots';
import { LineIndex, dominantEol } from '../core/text';
import type { EnvEntry, ParsedSource } from '../core/types';
import type { FolderState } from './folder';
import type { SecretHygieneServer } from './main';

/** One file as the server sees it now: parsed source, positions, and the open document's version. */
export interface FileView {
  folder: FolderState;
  rel: string;
  uri: string;
  source: ParsedSource;
  lines: LineIndex;
  /** The open document's version, or null for a file that is not open. */
  version: number | null;
  eol: '\n' | '\r\n';
}

export async function viewOf(server: SecretHygieneServer, uri: string): Promise<FileView | undefined> {
  const r = server.resolve(uri);
  if (!r) return undefined;
  await r.folder.ready;
  server.ensureCurrent(r.folder, r.rel);
  const source = r.folder.analyzer.source(r.rel);
  const lines = r.folder.analyzer.lines(r.rel);
  if (!source || !lines) return undefined;
  const doc = server.documentOf(r.folder, r.rel);
  return {
    folder: r.folder,
    rel: r.rel,
    uri: server.uriOf(r.folder, r.rel),
    source,
    lines,
    version: doc ? doc.version : null,
    eol: dominantEol(source.text),
  };
}

/** Zero-based line of an entry's last character (values may span lines). */
export function entryEndLine(lines: LineIndex, e: EnvEntry): number {
  const end = Math.max(e.keyEnd, e.valueEnd + (e.quote === 'none' ? 0 : 1));
  return lines.positionAt(end).line;
}

/** The entry written at a position (its key, its value, or anywhere on its lines). */
export function entryAt(view: FileView, pos: Position): EnvEntry | undefined {
  let found: EnvEntry | undefined;
  for (const e of view.source.entries) {
    const first = view.lines.positionAt(e.keyStart).line;
    if (pos.line < first || pos.line > entryEndLine(view.lines, e)) continue;
    found = e;
  }
  return found;
}

export function secretOf(view: FileView, entry: EnvEntry): SecretValue | undefined {
  return view.folder.analyzer.secretsOf(view.rel).find((s) => s.entry === entry);
}

/** The slot family a key belongs to (as current, previous, version key or versioned slot). */
export function familyOf(view: FileView, key: string): SlotFamily | undefined {
  for (const f of view.folder.analyzer.familiesOf(view.rel).values()) {
    if (f.base === key || f.current === key || f.previous.includes(key) || f.versionKey === key) return f;
  }
  return undefined;
}

/** Whole days between a YYYY-MM-DD date and now (UTC). */
export function daysSince(date: string, now: Date): number | undefined {
  const t = Date.parse(date + 'T00:00:00Z');
  if (Number.isNaN(t)) return undefined;
  return Math.floor((now.getTime() - t) / 86_400_000);
}

/** Is this entry the current value of a secret that can be rotated (not a previous slot)? */
export function isRotatable(view: FileView, entry: EnvEntry): boolean {
  // Example files are shared with every installer: they document keys, they are not rotated.
  if (entry.readOnly || isExampleFile(view.rel)) return false;
  const secret = secretOf(view, entry);
  const klass = secret?.klass ?? view.folder.analyzer.classify(entry.key);
  if (!klass?.secret || klass.origin !== 'self-chosen') return false;
  if (secret?.fromUrl) return false;
  // A private key is half of a key pair: a random string is no replacement (the planner refuses too).
  if (klass.purpose === 'private-key' || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(entry.value)) return false;
  const fam = familyOf(view, entry.key);
  if (fam && fam.current !== entry.key) return false;
  return true;
}
