import { createHmac, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { classifyKeyName } from '../core/classify';
import { cadenceDays, type ProjectConfig, type SlotScheme } from '../core/config';
import { stableFingerprint } from '../core/generate';
import { parseJournal, type JournalIndex } from '../core/journal-index';
import { addDays, insertJournalEntry, isoDate, renderIcs, renderJournalEntry, templateProblems, type JournalEntryInput, type RotationTrigger } from '../core/journal';
import { parseSource } from '../core/parse';
import { findSlotFamilies } from '../core/slots';
import { decodeBytes, encodeText } from '../core/text';
import { ConcurrentChangeError, readSnapshotOrAbsent, writeFileAtomic } from '../node/atomic-write';
import { loadProjectConfig, resolvesInside } from '../node/workspace';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseArgs, UsageError, type CliIO } from './io';

export const journalUsage = `Usage: secret-hygiene journal KEY [--trigger scheduled|emergency] [--reason TEXT] [--step ID]
                              [--file .env] [--scheme S] [--files a,b] [--date YYYY-MM-DD] [--ics] [--dry-run]

Adds a rotation entry at the top of the runbook journal (config "journal", default
docs/security/HARDENING-LOG.md; created if missing) under today's date, headed
"### <step> — KEY rotation [done <date>]", for rotations made outside this tool (a secret
manager, a CI job). Fingerprints only, never values.

  --trigger T      scheduled (default) or emergency
  --reason TEXT    why: the leak vector of an emergency, or a note
  --step ID        runbook step for the heading, e.g. A2.5
  --file F         read KEY's current value from F to record its fingerprint and scheme
  --scheme S       previous, versioned, numbered, authjs, list or immediate
  --files a,b      files the rotation touched (default: --file)
  --date D         the rotation's date (default today)
  --ics            also write a calendar reminder (.ics) for the next scheduled rotation
  --dry-run        print the entry instead of writing it

Exit codes: 0 written, 1 write failed, 2 bad usage.`;

/** A per-run keyed fingerprint, for values too guessable for the stable one. */
export function runFingerprinter(): (value: string) => string {
  const key = randomBytes(32);
  const keyed = (v: string) => 'fp:' + createHmac('sha256', key).update(v, 'utf8').digest('hex').slice(0, 10);
  return (v: string) => stableFingerprint(v, keyed);
}

/** Workspace-relative, forward-slash path for output. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

/** Reads the journal's index (empty when there is no journal). */
export async function readJournalIndex(cwd: string, config: ProjectConfig): Promise<{ index?: JournalIndex; path: string }> {
  const abs = path.resolve(cwd, config.journal);
  try {
    // Regular files only: a journal linked to /dev/zero would be read until memory runs out.
    if (!(await fsp.stat(abs)).isFile()) return { path: abs };
    const bytes = await fsp.readFile(abs);
    const d = decodeBytes(bytes, config.maxFileBytes);
    if (!d.ok) return { path: abs };
    return { index: parseJournal(d.text), path: abs };
  } catch {
    return { path: abs };
  }
}

export interface JournalWriteRequest {
  cwd: string;
  config: ProjectConfig;
  entry: Omit<JournalEntryInput, 'cadenceDays' | 'overlapDays'> & { cadenceDays?: number };
  ics: boolean;
  dryRun: boolean;
  io: CliIO;
}

/**
 * Renders and writes a journal entry (and optionally the .ics reminder). Returns false after
 * printing why when the journal could not be written.
 */
export async function writeJournalEntry(req: JournalWriteRequest): Promise<boolean> {
  const { cwd, config, io } = req;
  const purpose = classifyKeyName(req.entry.key)?.purpose ?? 'signing';
  const input: JournalEntryInput = {
    ...req.entry,
    cadenceDays: req.entry.cadenceDays ?? cadenceDays(config, req.entry.key, purpose),
    overlapDays: config.overlapDays,
  };
  let template: string | undefined;
  if (config.journalTemplate) {
    const tplPath = path.resolve(cwd, config.journalTemplate);
    try {
      if (!(await resolvesInside(cwd, tplPath))) throw Object.assign(new Error('outside'), { code: 'it resolves outside the workspace' });
      if (!(await fsp.stat(tplPath)).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
      const d = decodeBytes(await fsp.readFile(tplPath), config.maxFileBytes);
      if (!d.ok) throw new Error(d.reason);
      template = d.text;
      for (const p of templateProblems(template)) io.stderr(`warning: journal template ${config.journalTemplate}: ${p}\n`);
    } catch (e) {
      io.stderr(`warning: cannot read the journal template ${config.journalTemplate} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); using the default template\n`);
      template = undefined;
    }
  }
  const entry = renderJournalEntry(input, template);
  const journalAbs = path.resolve(cwd, config.journal);
  const shownJournal = displayPath(cwd, journalAbs);
  if (req.dryRun) {
    io.stdout(`Journal entry for ${shownJournal} (dry run, not written):\n\n${entry}\n`);
    return true;
  }
  if (!(await resolvesInside(cwd, journalAbs))) {
    io.stderr(`secret-hygiene: the journal ${shownJournal} resolves outside the workspace (a linked folder or file); it was not written\n`);
    return false;
  }
  try {
    const snap = await readSnapshotOrAbsent(journalAbs);
    let old: string | undefined;
    let encoding: 'utf8' | 'utf16le' | 'utf16be' = 'utf8';
    let bom = false;
    if (snap.exists) {
      const d = decodeBytes(snap.bytes, config.maxFileBytes);
      if (!d.ok) {
        io.stderr(`secret-hygiene: cannot add to the journal ${shownJournal}: ${d.reason}\n`);
        return false;
      }
      old = d.text;
      encoding = d.encoding;
      bom = d.bom;
    } else {
      await fsp.mkdir(path.dirname(journalAbs), { recursive: true });
    }
    const ins = insertJournalEntry(old, entry, input.date);
    await writeFileAtomic(snap, encodeText(ins.text, encoding, bom), { beforeCommit: io.beforeWrite });
    io.stdout(`${ins.created ? 'Created' : 'Updated'} the journal ${shownJournal}: ### ${input.step ? input.step + ' — ' : ''}${input.key} rotation [done ${input.date}]\n`);
  } catch (e) {
    const why = e instanceof ConcurrentChangeError ? e.message : `${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.name : 'error')}`;
    io.stderr(`secret-hygiene: the journal ${shownJournal} was not written: ${why}\n`);
    return false;
  }
  if (req.ics) {
    const next = addDays(input.date, input.cadenceDays);
    const icsAbs = path.join(path.dirname(journalAbs), `${input.key.replace(/[^A-Za-z0-9_.-]/g, '-')}-next-rotation.ics`);
    try {
      if (!(await resolvesInside(cwd, icsAbs))) throw Object.assign(new Error('outside'), { code: 'it resolves outside the workspace' });
      const snap = await readSnapshotOrAbsent(icsAbs);
      await writeFileAtomic(snap, Buffer.from(renderIcs({ key: input.key, date: next, now: io.now() }), 'utf8'), { beforeCommit: io.beforeWrite });
      io.stdout(`Wrote the reminder ${displayPath(cwd, icsAbs)}: next scheduled rotation of ${input.key} on ${next}\n`);
    } catch (e) {
      io.stderr(`secret-hygiene: the reminder ${displayPath(cwd, icsAbs)} was not written: ${e instanceof ConcurrentChangeError ? e.message : ((e as NodeJS.ErrnoException).code ?? 'error')}\n`);
      return false;
    }
  }
  return true;
}

export function parseTrigger(v: string | boolean | string[] | undefined): RotationTrigger {
  if (v === undefined) return 'scheduled';
  if (v === 'scheduled' || v === 'emergency') return v;
  throw new UsageError('--trigger must be scheduled or emergency');
}

export function parseDate(v: string | boolean | string[] | undefined, now: Date): string {
  if (v === undefined) return isoDate(now);
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) || isoDate(new Date(v + 'T00:00:00Z')) !== v) {
    throw new UsageError('--date must be a date as YYYY-MM-DD');
  }
  return v;
}

const SCHEMES: SlotScheme[] = ['previous', 'versioned', 'numbered', 'authjs', 'list', 'immediate'];
export function parseScheme(v: string | boolean | string[] | undefined): SlotScheme | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (SCHEMES as string[]).includes(v)) return v as SlotScheme;
  throw new UsageError(`--scheme must be one of ${SCHEMES.join(', ')}`);
}

/** `secret-hygiene journal KEY`: records a rotation done elsewhere. */
export async function runJournal(args: string[], io: CliIO): Promise<number> {
  let flags: Record<string, string | boolean | string[]>;
  let key: string;
  let trigger: RotationTrigger;
  let date: string;
  let scheme: SlotScheme | undefined;
  try {
    const parsed = parseArgs(args, { strings: ['trigger', 'reason', 'step', 'file', 'scheme', 'files', 'date'], booleans: ['ics', 'dry-run', 'help'] });
    flags = parsed.flags;
    if (flags.help) {
      io.stdout(journalUsage + '\n');
      return EXIT_OK;
    }
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? 'which key? (secret-hygiene journal KEY)' : `one key at a time (got ${parsed.positionals.length})`);
    key = parsed.positionals[0];
    if (!/^[A-Za-z_][\w.-]*$/.test(key)) throw new UsageError('KEY must be a variable name (letters, digits, "_", ".", "-")');
    trigger = parseTrigger(flags.trigger);
    date = parseDate(flags.date, io.now());
    scheme = parseScheme(flags.scheme);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`secret-hygiene journal: ${e.message}\n\n${journalUsage}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const loaded = await loadProjectConfig(io.cwd);
  for (const p of loaded.problems) io.stderr(`warning: ${loaded.file ?? 'config'}: ${p.message}\n`);
  const config = loaded.config;
  const fingerprint = runFingerprinter();
  let newFingerprint: string | undefined;
  let previousKey: string | undefined;
  const files = typeof flags.files === 'string' ? flags.files.split(',').map((s) => s.trim()).filter((s) => s !== '') : [];
  if (typeof flags.file === 'string') {
    const abs = path.resolve(io.cwd, flags.file);
    const shown = displayPath(io.cwd, abs);
    let text: string;
    try {
      if (!(await fsp.stat(abs)).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
      const d = decodeBytes(await fsp.readFile(abs), config.maxFileBytes);
      if (!d.ok) {
        io.stderr(`secret-hygiene journal: cannot read ${shown}: ${d.reason}\n`);
        return EXIT_FINDINGS;
      }
      text = d.text;
    } catch (e) {
      io.stderr(`secret-hygiene journal: cannot read ${shown} (${(e as NodeJS.ErrnoException).code ?? 'error'})\n`);
      return EXIT_FINDINGS;
    }
    const source = parseSource(shown, text);
    const families = findSlotFamilies(source.entries.map((e) => e.key));
    const fam = families.get(key);
    const currentKey = fam?.current ?? key;
    const entries = source.entries.filter((e) => e.key === currentKey);
    if (entries.length === 0) {
      io.stderr(`secret-hygiene journal: ${currentKey} is not defined in ${shown}\n`);
      return EXIT_FINDINGS;
    }
    newFingerprint = fingerprint(entries[entries.length - 1].value);
    scheme ??= fam?.scheme;
    previousKey = fam?.previous[0];
    if (files.length === 0) files.push(shown);
  }
  const ok = await writeJournalEntry({
    cwd: io.cwd,
    config,
    io,
    ics: !!flags.ics,
    dryRun: !!flags['dry-run'],
    entry: {
      key,
      date,
      step: flags.step as string | undefined,
      trigger,
      reason: flags.reason as string | undefined,
      newFingerprint,
      scheme,
      previousKey,
      files,
    },
  });
  return ok ? EXIT_OK : EXIT_FINDINGS;
}
