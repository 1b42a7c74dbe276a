import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver';
import { BROWSER_PREFIXES } from '../core/classify';
import { targetShape } from '../core/generate';
import { ruleById } from '../core/rules';
import { preferredPreviousSuffix } from '../core/slots';
import { dominantEol, LineIndex } from '../core/text';
import type { EnvEntry, Finding, TextEdit } from '../core/types';
import { Commands, DIAGNOSTIC_SOURCE, ServerCommands, docsUrl, type RotateArgs } from '../protocol';
import { readRegularText, resolvesInside } from '../node/workspace';
import { findCodeUsages } from './codeSearch';
import { toLspEdits, workspaceEdit, type FileEdits } from './edits';
import type { SecretHygieneServer } from './main';
import { algorithmOf, replacementFor } from './secrets';
import { entryAt, entryEndLine, familyOf, isRotatable, secretOf, viewOf, type FileView } from './view';

/** Rules whose fix is a new value in place of the old one. */
const REPLACE_RULES = new Set(['weak-secret', 'short-secret', 'low-entropy-secret', 'reused-secret']);
/** Rules whose fix is a rotation (the old value moves to the previous slot). */
const ROTATE_RULES = new Set(['previous-equals-current', 'rotation-overdue', 'committed-credential']);

/** Computed later (`codeAction/resolve`) so that no secret is generated for a menu nobody picks. */
interface ReplaceData {
  fix: 'replace-secret';
  uri: string;
  version: number | null;
  key: string;
  line: number;
}

/**
 * Quick fixes for the diagnostics in the request, recomputed from the current findings (no state is
 * kept between requests), plus "Rotate secret" on a rotatable key. No `source.fixAll`: secret changes
 * are never applied in bulk.
 */
export async function codeActions(server: SecretHygieneServer, params: CodeActionParams): Promise<CodeAction[]> {
  const view = await viewOf(server, params.textDocument.uri);
  if (!view || !view.folder.settings.enable) return [];
  const only = params.context.only;
  const wantQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
  const wantRefactor = !only || only.some((k) => CodeActionKind.RefactorRewrite.startsWith(k) || k.startsWith(CodeActionKind.RefactorRewrite));
  const out: CodeAction[] = [];
  const titles = new Set<string>();
  const add = (a: CodeAction | undefined) => {
    if (!a || titles.has(a.title)) return;
    titles.add(a.title);
    out.push(a);
  };
  const findings = view.folder.analyzer.findings(view.rel);
  let rotateOffered = false;

  if (wantQuickFix) {
    for (const diag of params.context.diagnostics) {
      if (diag.source !== DIAGNOSTIC_SOURCE || typeof diag.code !== 'string') continue;
      const rule = ruleById(diag.code);
      if (!rule) continue;
      const finding = findings.find(
        (f) => f.ruleId === diag.code && f.range.start.line === diag.range.start.line && f.range.start.character === diag.range.start.character,
      );
      if (finding) {
        for (const a of await fixesFor(server, view, finding, diag)) add(a);
        if (finding.key && (ROTATE_RULES.has(finding.ruleId) || REPLACE_RULES.has(finding.ruleId))) {
          // A finding on a previous slot (previous-equals-current) rotates the family's current key.
          const current = typeof finding.data?.current === 'string' ? finding.data.current : familyOf(view, finding.key)?.current;
          const rot = rotateAction(server, view, current ?? finding.key, diag);
          if (rot) {
            rotateOffered = true;
            add(rot);
          }
        }
        if (finding.ruleId === 'stale-previous-slot' && finding.key) add(completeAction(server, view, finding, diag));
      }
      if (finding?.data?.kind !== 'unreadable') add(disableAction(server, view, diag.code, diag));
      add({
        title: `Show documentation for ${diag.code}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diag],
        command: { title: 'Show documentation', command: ServerCommands.showDocumentation, arguments: [{ url: docsUrl(rule.meta.docs) }] },
      });
    }
  }

  if (wantRefactor && !rotateOffered) {
    const entry = entryAt(view, params.range.start);
    if (entry && isRotatable(view, entry)) {
      const rot = rotateAction(server, view, entry.key);
      if (rot) add({ ...rot, kind: CodeActionKind.RefactorRewrite });
    }
  }
  return out;
}

export async function resolveCodeAction(server: SecretHygieneServer, action: CodeAction): Promise<CodeAction | undefined> {
  const data = action.data as ReplaceData | undefined;
  if (data?.fix !== 'replace-secret') return action;
  const view = await viewOf(server, data.uri);
  if (!view) return action;
  if (data.version !== null && view.version !== null && data.version !== view.version) return action;
  const entry = entryOnLine(view, data.key, data.line);
  if (!entry) return action;
  const rep = replacementFor(view.source, entry, secretOf(view, entry), view.folder.config.minBytes);
  if (!rep) return action;
  action.edit = workspaceEdit(server.features, [
    { uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [{ start: rep.start, end: rep.end, newText: rep.newText }]) },
  ]);
  return action;
}

function entryOnLine(view: FileView, key: string, line: number): EnvEntry | undefined {
  return view.source.entries.find((e) => e.key === key && line >= e.line && line <= entryEndLine(view.lines, e));
}

async function fixesFor(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): Promise<(CodeAction | undefined)[]> {
  const data = f.data ?? {};
  if (REPLACE_RULES.has(f.ruleId) && f.key) return [replaceAction(server, view, f, diag)];
  switch (f.ruleId) {
    case 'missing-previous-slot':
      return [addSlotAction(server, view, f, diag)];
    case 'broken-version-chain':
      return [addMissingSlotsAction(server, view, f, diag)];
    case 'client-exposed-secret':
      return [await renameAction(server, view, f, diag)];
    case 'env-not-ignored':
      return [await gitignoreAction(server, view, f, diag)];
    case 'env-file-permissions':
      if (process.platform === 'win32') return [];
      return [
        {
          title: `Restrict ${view.rel} to its owner (chmod 600)${typeof data.mode === 'string' ? `, now ${data.mode}` : ''}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diag],
          isPreferred: true,
          command: { title: 'Restrict to owner (chmod 600)', command: ServerCommands.restrictPermissions, arguments: [{ uri: view.uri }] },
        },
      ];
    default:
      return [];
  }
}

// ---- replace with a new secret ----

function replaceAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): CodeAction | undefined {
  const entry = entryOnLine(view, f.key!, f.range.start.line);
  if (!entry || entry.readOnly) return undefined;
  const secret = secretOf(view, entry);
  const shape = targetShape(secret?.value ?? entry.value, { minBytes: view.folder.config.minBytes, alg: algorithmOf(view.source) });
  const action: CodeAction = {
    title: `Replace ${entry.key} with a new ${shape.bytes}-byte secret`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: f.ruleId !== 'reused-secret',
  };
  const data: ReplaceData = { fix: 'replace-secret', uri: view.uri, version: view.version, key: entry.key, line: f.range.start.line };
  if (server.features.codeActionResolveEdit) {
    action.data = data;
    return action;
  }
  const rep = replacementFor(view.source, entry, secret, view.folder.config.minBytes);
  if (!rep) return undefined;
  action.edit = workspaceEdit(server.features, [
    { uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [{ start: rep.start, end: rep.end, newText: rep.newText }]) },
  ]);
  return action;
}

// ---- slots ----

/** Inserts lines after a line, in the file's own line ending. */
function insertAfter(view: FileView, line: number, lines: string[]): TextEdit {
  const at = view.lines.lineEnd(line);
  return { start: at, end: at, newText: lines.map((l) => view.eol + l).join('') };
}

function assignment(view: FileView, like: EnvEntry | undefined, key: string): string {
  if (view.source.format === 'properties') return `${key}=`;
  return `${like?.exported ? 'export ' : ''}${key}=`;
}

function addSlotAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): CodeAction | undefined {
  if (view.source.format !== 'dotenv' || !f.key) return undefined;
  const entry = entryOnLine(view, f.key, f.range.start.line);
  if (!entry) return undefined;
  const slot = typeof f.data?.suggestedSlot === 'string' ? f.data.suggestedSlot : f.key + preferredPreviousSuffix(view.folder.analyzer.allKeys());
  if (view.source.entries.some((e) => e.key === slot)) return undefined;
  const edit = insertAfter(view, entryEndLine(view.lines, entry), [assignment(view, entry, slot)]);
  return {
    title: `Add ${slot} slot (empty until the next rotation)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [edit]) }]),
  };
}

function addMissingSlotsAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): CodeAction | undefined {
  if (view.source.format !== 'dotenv') return undefined;
  const missing = (Array.isArray(f.data?.missing) ? (f.data!.missing as string[]) : []).filter((k) => /^[\w.-]+$/.test(k));
  const base = typeof f.data?.base === 'string' ? f.data.base : f.key;
  if (missing.length === 0 || !base) return undefined;
  // Keys that exist but are empty are filled in by hand; only absent keys get placeholder lines.
  const absent = missing.filter((k) => !view.source.entries.some((e) => e.key === k));
  if (absent.length === 0) return undefined;
  const family = view.source.entries.filter((e) => e.key === base || e.key.startsWith(base + '_'));
  const last = family.length > 0 ? Math.max(...family.map((e) => entryEndLine(view.lines, e))) : f.range.end.line;
  const comment = `# ${absent.join(', ')}: placeholder${absent.length === 1 ? '' : 's'} for the missing key version${absent.length === 1 ? '' : 's'}; fill in the old key, or re-encrypt the records that use ${absent.length === 1 ? 'it' : 'them'} and remove ${absent.length === 1 ? 'this line' : 'these lines'}`;
  const like = family[0];
  const edit = insertAfter(view, last, [comment, ...absent.map((k) => assignment(view, like, k))]);
  return {
    title: `Add ${absent.join(', ')} as empty placeholder${absent.length === 1 ? '' : 's'}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [edit]) }]),
  };
}

// ---- client-exposed-secret ----

function serverOnlyName(key: string): string | undefined {
  const upper = key.toUpperCase();
  const prefix = BROWSER_PREFIXES.find((p) => upper.startsWith(p));
  if (!prefix) return undefined;
  const rest = key.slice(prefix.length);
  return /^[A-Za-z_][\w.-]*$/.test(rest) ? rest : undefined;
}

async function renameAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): Promise<CodeAction | undefined> {
  if (!f.key) return undefined;
  const newName = typeof f.data?.serverKey === 'string' && /^[A-Za-z_][\w.-]*$/.test(f.data.serverKey) ? f.data.serverKey : serverOnlyName(f.key);
  if (!newName) return undefined;
  const rule = ruleById(f.ruleId)!;
  const docs = (title: string): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    command: { title, command: ServerCommands.showDocumentation, arguments: [{ url: docsUrl(rule.meta.docs) }] },
  });
  const analyzer = view.folder.analyzer;
  if (analyzer.allKeys().has(newName)) return docs(`${newName} already exists: see how to move ${f.key} server-side`);
  if (view.folder.loose) return docs(`See how to move ${f.key} server-side`);
  const usages = await findCodeUsages(view.folder, f.key, server.trusted);
  if (usages === undefined) return docs(`See how to move ${f.key} server-side (code search skipped in an untrusted workspace)`);
  if (usages.length > 0) return docs(`${f.key} is read by ${usages[0]}${usages.length > 1 ? ` and ${usages.length - 1} more` : ''}: see how to move it server-side`);
  // Rename the key in every env/config file of the folder, as one workspace edit.
  const files: FileEdits[] = [];
  for (const p of analyzer.paths()) {
    const src = analyzer.source(p);
    const lines = analyzer.lines(p);
    if (!src || !lines || src.unreadable) continue;
    const edits = src.entries.filter((e) => e.key === f.key && !e.readOnly).map((e) => ({ start: e.keyStart, end: e.keyEnd, newText: newName }));
    if (edits.length === 0) continue;
    const doc = server.documentOf(view.folder, p);
    files.push({ uri: server.uriOf(view.folder, p), version: doc ? doc.version : null, edits: toLspEdits(lines, edits) });
  }
  if (files.length === 0) return undefined;
  return {
    title: `Rename to server-only ${newName}${files.length > 1 ? ` in ${files.length} files` : ''}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: workspaceEdit(server.features, files),
  };
}

// ---- env-not-ignored ----

async function gitignoreAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): Promise<CodeAction | undefined> {
  if (view.folder.loose) return undefined;
  const pattern = typeof f.data?.pattern === 'string' ? f.data.pattern : view.rel.slice(view.rel.lastIndexOf('/') + 1);
  if (/[\r\n]/.test(pattern)) return undefined;
  const rel = '.gitignore';
  // A .gitignore linked out of the workspace (to ~/.bashrc, say) must not receive a line.
  if (!(await resolvesInside(view.folder.root, view.folder.abs(rel)))) return undefined;
  const doc = server.documentOf(view.folder, rel);
  const disk = doc ? undefined : await readRegularText(view.folder.abs(rel));
  // A .gitignore that is there but not a regular file (a link to a device): no edit to it.
  if (disk?.exists && disk.text === undefined) return undefined;
  const text = doc ? doc.getText() : disk?.text;
  const uri = server.uriOf(view.folder, rel);
  let files: FileEdits[];
  if (text === undefined) {
    if (!server.features.createFiles || !server.features.documentChanges) return undefined;
    files = [{ uri, version: null, create: true, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: pattern + '\n' }] }];
  } else {
    const eol = dominantEol(text);
    const lines = new LineIndex(text);
    const needsBreak = text.length > 0 && !/[\r\n]$/.test(text);
    const edit: TextEdit = { start: text.length, end: text.length, newText: (needsBreak ? eol : '') + pattern + eol };
    files = [{ uri, version: doc ? doc.version : null, edits: toLspEdits(lines, [edit]) }];
  }
  return {
    title: `Add "${pattern}" to .gitignore${text === undefined ? ' (create it)' : ''}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    isPreferred: true,
    edit: workspaceEdit(server.features, files),
  };
}

// ---- suppression ----

const DIRECTIVE = /(#|\/\/|!)\s*secret-hygiene-disable-next-line\b([^\r\n]*)/;

function commentMarker(view: FileView): string | undefined {
  switch (view.source.format) {
    case 'dotenv':
    case 'yaml':
    case 'compose':
    case 'properties':
      return '#';
    case 'json':
      // Only where comments are read as comments: .NET's appsettings and .jsonc. Strict JSON would break.
      return /(^|\/)appsettings[^/]*\.json$|\.jsonc$/i.test(view.rel) ? '//' : undefined;
  }
}

function disableAction(server: SecretHygieneServer, view: FileView, ruleId: string, diag: Diagnostic): CodeAction | undefined {
  const marker = commentMarker(view);
  if (!marker) return undefined;
  const line = diag.range.start.line;
  let edit: TextEdit;
  const prev = line > 0 ? view.lines.lineText(line - 1) : '';
  const m = line > 0 ? DIRECTIVE.exec(prev) : null;
  if (m) {
    // Extend the directive already above the line (keeping its `-- reason`).
    const rulesText = m[2].split(/\s--\s|\s--$/)[0];
    const rules = rulesText.split(/[\s,]+/).filter((r) => r !== '');
    if (rules.length === 0 || rules.includes(ruleId)) return undefined;
    const at = view.lines.lineStart(line - 1) + m.index + m[0].length - m[2].length + rulesText.trimEnd().length;
    edit = { start: at, end: at, newText: ` ${ruleId}` };
  } else {
    const text = view.lines.lineText(line);
    const indent = /^[ \t]*/.exec(text)![0];
    const at = view.lines.lineStart(line);
    edit = { start: at, end: at, newText: `${indent}${marker} secret-hygiene-disable-next-line ${ruleId}${view.eol}` };
  }
  return {
    title: `Disable ${ruleId} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [edit]) }]),
  };
}

// ---- rotation ----

function rotateAction(server: SecretHygieneServer, view: FileView, key: string, diag?: Diagnostic): CodeAction | undefined {
  const entry = view.source.entries.find((e) => e.key === key);
  if (!entry || !isRotatable(view, entry)) return undefined;
  const args: RotateArgs = { uri: view.uri, key };
  const scheme = familyOf(view, key)?.scheme ?? 'immediate';
  return {
    title: `Rotate ${key} (${scheme === 'immediate' ? 'no previous slot yet' : scheme + ' scheme'})`,
    kind: CodeActionKind.QuickFix,
    diagnostics: diag ? [diag] : undefined,
    command: { title: 'Rotate secret', command: server.features.vscode ? Commands.rotateSecret : ServerCommands.rotate, arguments: [args] },
  };
}

function completeAction(server: SecretHygieneServer, view: FileView, f: Finding, diag: Diagnostic): CodeAction | undefined {
  if (!server.features.vscode) return undefined;
  const base = typeof f.data?.base === 'string' ? f.data.base : f.key!;
  const fam = familyOf(view, base);
  const key = fam?.current ?? base;
  return {
    title: `Complete the rotation of ${key}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diag],
    command: { title: 'Complete rotation', command: Commands.completeRotation, arguments: [{ uri: view.uri, key } satisfies RotateArgs] },
  };
}
