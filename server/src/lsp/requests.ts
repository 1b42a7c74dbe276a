import { isExampleFile } from '../core/classify';
import { cadenceDays } from '../core/config';
import { generateSecret, stableFingerprint } from '../core/generate';
import { insertJournalEntry, isoDate, journalHeading, renderJournalEntry, templateProblems } from '../core/journal';
import { defaultSlotScheme, planCompletion, planRotation } from '../core/rotation';
import { preferredPreviousSuffix } from '../core/slots';
import { LineIndex } from '../core/text';
import { readRegularText, resolvesInside } from '../node/workspace';
import type {
  GenerateParams,
  GenerateResult,
  JournalEntryParams,
  JournalEntryResult,
  PlanCompletionParams,
  PlanRotationParams,
  PlannedCompletion,
  PlannedRotation,
  Refused,
  RotationTargetsParams,
  RotationTargetsResult,
} from '../protocol';
import { toLspEdits, workspaceEdit } from './edits';
import type { SecretHygieneServer } from './main';
import { replacementFor } from './secrets';
import { entryAt, familyOf, isRotatable, secretOf, viewOf, type FileView } from './view';

function refused(reason: string, code?: Refused['code']): Refused {
  return code ? { ok: false, reason, code } : { ok: false, reason };
}

const NOT_READ = 'Secret Hygiene does not read this file (it is not an env or config file of a workspace folder)';

/** The client's document version must be the one the server analyzed, or the plan could land on other text. */
function versionMismatch(view: FileView, version: number | null): Refused | undefined {
  if (version !== null && view.version !== null && version !== view.version) {
    return refused('The document changed while the edit was being planned; nothing was changed. Try again.', 'changed');
  }
  return undefined;
}

/** Keyed, per-run fingerprint for guessable values; a stable hash prefix for strong ones (matches the CLI). */
function fingerprinter(view: FileView): (value: string) => string {
  const a = view.folder.analyzer;
  return (value) => stableFingerprint(value, (v) => a.fingerprint(v));
}

async function freshView(server: SecretHygieneServer, uri: string): Promise<FileView | undefined> {
  const r = server.resolve(uri);
  if (!r) return undefined;
  await server.freshen(r.folder, r.rel);
  return viewOf(server, uri);
}

export async function handleRotationTargets(server: SecretHygieneServer, p: RotationTargetsParams): Promise<RotationTargetsResult> {
  const view = await viewOf(server, p.uri);
  if (!view) return { targets: [] };
  const analyzer = view.folder.analyzer;
  const targets: RotationTargetsResult['targets'] = [];
  const seen = new Set<string>();
  for (const entry of view.source.entries) {
    if (seen.has(entry.key) || !isRotatable(view, entry)) continue;
    seen.add(entry.key);
    const fam = familyOf(view, entry.key);
    const secret = secretOf(view, entry);
    let detail = 'empty';
    if (secret) {
      const s = analyzer.strength(secret.value);
      detail = `${s.bytes} bytes · ${s.encoding}`;
    }
    targets.push({ key: entry.key, line: entry.line, scheme: fam?.scheme ?? 'immediate', previous: fam?.previous ?? [], detail });
  }
  let atCursor: string | undefined;
  if (p.position) {
    const e = entryAt(view, p.position);
    if (e) {
      if (seen.has(e.key)) atCursor = e.key;
      else {
        const fam = familyOf(view, e.key);
        if (fam && seen.has(fam.current)) atCursor = fam.current;
      }
    }
  }
  return { targets, atCursor };
}

export async function handlePlanRotation(server: SecretHygieneServer, p: PlanRotationParams): Promise<PlannedRotation | Refused> {
  const view = await freshView(server, p.uri);
  if (!view) return refused(NOT_READ, 'not-read');
  const mismatch = versionMismatch(view, p.version);
  if (mismatch) return mismatch;
  if (view.source.unreadable) return refused(`This file cannot be read as text (${view.source.unreadable})`);
  const { folder } = view;
  const analyzer = folder.analyzer;
  const plan = planRotation({
    source: view.source,
    key: p.key,
    scheme: p.scheme,
    createSlot: p.createSlot,
    minBytes: folder.config.minBytes,
    fingerprint: fingerprinter(view),
    eol: view.eol,
    schemes: folder.config.schemes,
    workspaceKeys: analyzer.allKeys(),
  });
  if (!plan.ok) return refused(plan.reason);
  const edit = workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, plan.edits) }]);
  let slotOptions: PlannedRotation['slotOptions'];
  if (plan.scheme === 'immediate' && !p.createSlot && !p.scheme) {
    const scheme = defaultSlotScheme(p.key);
    const suffix = preferredPreviousSuffix(analyzer.allKeys());
    slotOptions = [
      scheme === 'authjs'
        ? { scheme, label: `Add ${p.key}_1 with the new value; Auth.js keeps accepting the old ${p.key} (zero downtime)` }
        : { scheme, label: `Add ${p.key}${suffix} with the old value (zero downtime, if your app verifies with both keys)` },
    ];
  }
  const siblings: PlannedRotation['siblings'] = [];
  for (const other of analyzer.paths()) {
    if (other === view.rel || isExampleFile(other)) continue;
    const src = analyzer.source(other);
    if (src?.format !== 'dotenv' || !src.entries.some((e) => e.key === p.key)) continue;
    siblings.push({ uri: server.uriOf(folder, other), path: other });
  }
  return {
    ok: true,
    uri: view.uri,
    key: p.key,
    scheme: plan.scheme,
    edit,
    summary: plan.summary,
    warnings: plan.warnings,
    confirm: plan.confirm,
    oldFingerprint: plan.oldFingerprint,
    newFingerprint: plan.newFingerprint,
    slotOptions,
    siblings,
    path: view.rel,
    previousKey: plan.previousKey,
    base: plan.base ?? familyOf(view, p.key)?.base ?? p.key,
  };
}

export async function handlePlanCompletion(server: SecretHygieneServer, p: PlanCompletionParams): Promise<PlannedCompletion | Refused> {
  const view = await freshView(server, p.uri);
  if (!view) return refused(NOT_READ, 'not-read');
  const mismatch = versionMismatch(view, p.version);
  if (mismatch) return mismatch;
  if (view.source.unreadable) return refused(`This file cannot be read as text (${view.source.unreadable})`);
  const { folder } = view;
  const analyzer = folder.analyzer;
  const plan = planCompletion({
    source: view.source,
    key: p.key,
    fingerprint: fingerprinter(view),
    eol: view.eol,
    schemes: folder.config.schemes,
    journal: analyzer.journal(),
    now: analyzer.now(),
    overlapDays: folder.config.overlapDays,
  });
  if (!plan.ok) return refused(plan.reason);
  return {
    ok: true,
    uri: view.uri,
    key: p.key,
    scheme: plan.scheme,
    edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, plan.edits) }]),
    summary: plan.summary,
    warnings: plan.warnings,
    confirm: plan.confirm,
  };
}

export async function handleGenerate(server: SecretHygieneServer, p: GenerateParams): Promise<GenerateResult | Refused> {
  const view = await viewOf(server, p.uri);
  if (!view) return refused(NOT_READ, 'not-read');
  const mismatch = versionMismatch(view, p.version);
  if (mismatch) return mismatch;
  const minBytes = view.folder.config.minBytes;
  const entry = entryAt(view, p.position);
  const fp = fingerprinter(view);
  if (entry) {
    const secret = secretOf(view, entry);
    const rep = replacementFor(view.source, entry, secret, minBytes, p.encoding || p.bytes ? { encoding: p.encoding ?? 'base64url', bytes: p.bytes ?? Math.max(32, minBytes) } : undefined);
    if (!rep) return refused(`The value of ${entry.key} is not literal text that can be replaced safely here`);
    const edits = toLspEdits(view.lines, [{ start: rep.start, end: rep.end, newText: rep.newText }]);
    const encoding = rep.shape.encoding === 'text' ? 'base64url' : rep.shape.encoding;
    return {
      ok: true,
      edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits }]),
      replacedKey: entry.key,
      bytes: rep.shape.bytes,
      encoding,
      newFingerprint: fp(rep.newText),
    };
  }
  const bytes = p.bytes ?? Math.max(32, minBytes);
  const encoding = p.encoding ?? 'base64url';
  const value = generateSecret({ bytes, encoding });
  const at = view.lines.offsetAt(p.position);
  return {
    ok: true,
    edit: workspaceEdit(server.features, [{ uri: view.uri, version: view.version, edits: toLspEdits(view.lines, [{ start: at, end: at, newText: value }]) }]),
    bytes,
    encoding,
    newFingerprint: fp(value),
  };
}

export async function handleJournalEntry(server: SecretHygieneServer, p: JournalEntryParams): Promise<JournalEntryResult | Refused> {
  const r = server.resolve(p.uri);
  if (!r || r.folder.loose) return refused('The journal belongs to a workspace folder; open the folder, not just the file');
  const { folder } = r;
  await folder.ready;
  const journalRel = folder.config.journal;
  if (!(await resolvesInside(folder.root, folder.abs(journalRel)))) return refused(`${journalRel} resolves outside the workspace (a linked folder or file); nothing was written`);
  const doc = server.documentOf(folder, journalRel);
  const disk = doc ? undefined : await readRegularText(folder.abs(journalRel));
  if (disk?.exists && disk.text === undefined) return refused(`${journalRel} is not a regular text file the server can read (a link to a device, a folder, or too big); nothing was written`);
  const onDisk = doc ? doc.getText() : disk?.text;
  if (onDisk === undefined && !server.features.createFiles) {
    return refused(`${journalRel} does not exist and this editor cannot create files through the language server; create it first`);
  }
  let template: string | undefined;
  if (folder.config.journalTemplate) {
    const tplAbs = folder.abs(folder.config.journalTemplate);
    template = (await resolvesInside(folder.root, tplAbs)) ? (await readRegularText(tplAbs)).text : undefined;
    if (template === undefined) server.log.warn(`Journal template ${folder.config.journalTemplate} cannot be read; using the default template`);
    else for (const problem of templateProblems(template)) server.log.warn(`Journal template ${folder.config.journalTemplate}: ${problem}`);
  }
  const analyzer = folder.analyzer;
  const date = isoDate(analyzer.now());
  const purpose = analyzer.classify(p.key)?.purpose ?? 'signing';
  const entry = renderJournalEntry(
    {
      key: p.key,
      date,
      step: p.step,
      trigger: p.trigger,
      reason: p.reason,
      oldFingerprint: p.oldFingerprint,
      newFingerprint: p.newFingerprint,
      scheme: p.scheme,
      files: p.files,
      cadenceDays: cadenceDays(folder.config, p.key, purpose),
      overlapDays: folder.config.overlapDays,
      previousKey: p.previousKey,
    },
    template,
  );
  const ins = insertJournalEntry(onDisk, entry, date);
  const oldLines = new LineIndex(onDisk ?? '');
  const uri = server.uriOf(folder, journalRel);
  const edit = workspaceEdit(server.features, [
    { uri, version: doc ? doc.version : null, edits: toLspEdits(oldLines, [ins.edit]), create: onDisk === undefined },
  ]);
  const headingAt = ins.edit.start + Math.max(0, ins.edit.newText.indexOf('### ' + journalHeading({ step: p.step, key: p.key, date })));
  const newLines = new LineIndex(ins.text);
  const pos = newLines.positionAt(headingAt);
  return { ok: true, edit, journalUri: uri, range: { start: pos, end: { line: pos.line, character: newLines.lineText(pos.line).length } } };
}

