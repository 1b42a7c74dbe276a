import type { SlotScheme } from './config';
import type { TextEdit } from './types';

/**
 * The runbook journal (seed 004): an entry per rotation at the top of `docs/security/HARDENING-LOG.md`
 * under today's date, headed `### <step> — <KEY> rotation [done <YYYY-MM-DD>]` so later runbooks
 * (and journal-index.ts) can grep for it. Entries record fingerprints, never values. Pure: the
 * callers read and write the file.
 */

export type RotationTrigger = 'scheduled' | 'emergency';

export interface JournalEntryInput {
  key: string;
  /** The day of the rotation, YYYY-MM-DD. */
  date: string;
  /** Runbook step, e.g. `A2.5`. */
  step?: string;
  trigger: RotationTrigger;
  /** Why: the leak vector for an emergency, the cadence for a scheduled rotation. */
  reason?: string;
  oldFingerprint?: string;
  newFingerprint?: string;
  scheme?: SlotScheme;
  /** Workspace-relative files the rotation touched. */
  files?: string[];
  /** Days until the next scheduled rotation (config cadence). */
  cadenceDays: number;
  /** The overlap window (session TTL) before the rotation may be completed. */
  overlapDays: number;
  /** The slot holding the old value, for the checklist. */
  previousKey?: string;
  /** Filled in when known; otherwise placeholders the operator completes. */
  restartedAt?: string;
  smokeTest?: string;
  impactWindow?: string;
}

/** YYYY-MM-DD of a date, in UTC. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A YYYY-MM-DD date plus some days. */
export function addDays(date: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError('date must be YYYY-MM-DD');
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * 86_400_000;
  return isoDate(new Date(t));
}

/** The heading text without its `###`: `A2.5 — JWT_SECRET rotation [done 2026-05-01]`. */
export function journalHeading(input: Pick<JournalEntryInput, 'step' | 'key' | 'date'>): string {
  const step = oneLine(input.step ?? '');
  return `${step ? step + ' — ' : ''}${input.key} rotation [done ${input.date}]`;
}

/** The default entry; a project overrides it with `journalTemplate` (same placeholders). */
export const DEFAULT_JOURNAL_TEMPLATE = `### {{heading}}

- **Trigger:** {{trigger}}
- **Fingerprints (old → new):** {{oldFingerprint}} → {{newFingerprint}} (values are never recorded)
- **Scheme:** {{schemeNote}}
- **Files touched:** {{files}}
- **Restart/deploy:** {{restart}}
- **Smoke test:** {{smokeTest}}
- **User-impact window:** {{impactWindow}}
- **Next scheduled rotation:** {{nextRotation}} ({{cadenceDays}}-day cadence)

Post-rotation checklist:

{{checklist}}
`;

/** Every placeholder a template may use. */
export const JOURNAL_PLACEHOLDERS = [
  'heading', 'step', 'key', 'date', 'trigger', 'triggerKind', 'reason', 'oldFingerprint', 'newFingerprint', 'scheme', 'schemeNote',
  'files', 'restart', 'smokeTest', 'impactWindow', 'overlapDays', 'completeAfter', 'completeCommand', 'cadenceDays',
  'nextRotation', 'checklist',
] as const;
export type JournalPlaceholder = (typeof JOURNAL_PLACEHOLDERS)[number];

/** The value of every placeholder for one entry. */
export function journalFields(input: JournalEntryInput): Record<JournalPlaceholder, string> {
  const reason = oneLine(input.reason ?? '');
  const next = addDays(input.date, input.cadenceDays);
  const completeAfter = addDays(input.date, input.overlapDays);
  const completeCommand = `secret-hygiene rotate --complete ${input.key}`;
  const scheme = input.scheme ?? 'immediate';
  const trigger =
    input.trigger === 'emergency'
      ? `emergency — ${reason || '<leak vector: fill in>'}`
      : `scheduled — ${reason || `${input.cadenceDays}-day cadence`}`;
  const schemeNote = schemeDescription(scheme, input.key, input.previousKey);
  const immediate = scheme === 'immediate';
  const checklist: string[] = ['- [ ] Deploy, then record the restart timestamp and the smoke-test response above'];
  if (immediate) {
    checklist.push('- [ ] Send the user notice: everyone was logged out (seed 004 templates; do not say "rotation", "compromise" or "JWT")');
  } else if (scheme === 'versioned') {
    checklist.push(`- [ ] Re-encrypt the records still under older key versions and verify none is left (seed 000, steps 5-6)`);
    checklist.push(`- [ ] Then retire versions older than latest-1: \`${completeCommand}\``);
  } else {
    checklist.push(`- [ ] After the overlap window (${input.overlapDays} days, on or after ${completeAfter}), remove the previous slot: \`${completeCommand}\``);
  }
  checklist.push(`- [ ] Update the calendar reminder: next scheduled rotation on ${next}`);
  return {
    heading: journalHeading(input),
    step: oneLine(input.step ?? ''),
    key: input.key,
    date: input.date,
    trigger,
    triggerKind: input.trigger,
    reason,
    oldFingerprint: oneLine(input.oldFingerprint ?? '<unknown>'),
    newFingerprint: oneLine(input.newFingerprint ?? '<unknown>'),
    scheme,
    schemeNote,
    files: input.files && input.files.length > 0 ? input.files.map((f) => '`' + oneLine(f) + '`').join(', ') : '<fill in>',
    restart: oneLine(input.restartedAt ?? '') || '<YYYY-MM-DD HH:MM TZ: fill in>',
    smokeTest: oneLine(input.smokeTest ?? '') || '<response: fill in>',
    impactWindow:
      oneLine(input.impactWindow ?? '') ||
      (immediate ? '<from – to: every user had to log in again; fill in>' : '<none expected (old tokens stay valid during the overlap); fill in>'),
    overlapDays: String(input.overlapDays),
    completeAfter,
    completeCommand,
    cadenceDays: String(input.cadenceDays),
    nextRotation: next,
    checklist: checklist.join('\n'),
  };
}

function schemeDescription(scheme: SlotScheme, key: string, previousKey?: string): string {
  switch (scheme) {
    case 'immediate':
      return 'immediate (no previous slot: every session was invalidated)';
    case 'previous':
      return `previous (${previousKey ?? key + '_PREVIOUS'} holds the old value until the rotation is completed)`;
    case 'versioned':
      return `versioned (${previousKey ?? 'the new version slot'} holds the old value; \`${key}_VERSION\` was raised)`;
    case 'numbered':
      return `numbered (${previousKey ?? key + '_0'} holds the old value)`;
    case 'authjs':
      return `authjs (${previousKey ?? key} keeps the old value; the highest AUTH_SECRET_n signs)`;
    case 'list':
      return `list (the old key stays second in ${key} until the rotation is completed)`;
  }
}

/** Collapses a value to one line so a field cannot break the Markdown structure. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;

/** Unknown placeholders and a missing heading in a project template, as messages. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  const known = new Set<string>(JOURNAL_PLACEHOLDERS);
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!known.has(m[1])) problems.push(`unknown placeholder {{${m[1]}}} (known: ${JOURNAL_PLACEHOLDERS.join(', ')})`);
  }
  if (!/\{\{\s*heading\s*\}\}/.test(template)) problems.push('the template has no {{heading}}: the engine finds past rotations by that heading');
  return problems;
}

/**
 * Renders one entry with the default template or a project's (`{{placeholder}}` substitution, one
 * pass, unknown placeholders left as written). Ends with a single newline; lines use `\n`.
 */
export function renderJournalEntry(input: JournalEntryInput, template: string = DEFAULT_JOURNAL_TEMPLATE): string {
  const fields = journalFields(input);
  const text = template.replace(/\r\n?/g, '\n').replace(PLACEHOLDER, (whole, name: string) => (name in fields ? fields[name as JournalPlaceholder] : whole));
  return text.replace(/\s+$/, '') + '\n';
}

export const JOURNAL_PREAMBLE = `# Hardening log

Runbook journal, newest first. One entry per secret rotation, headed
\`### <step> — <KEY> rotation [done <YYYY-MM-DD>]\`. Fingerprints only, never values.
`;

export interface JournalInsertion {
  /** The journal's new text. */
  text: string;
  /** The same change as one edit on the old text (an insertion). */
  edit: TextEdit;
  /** The journal did not exist (or was empty) and gets a preamble. */
  created: boolean;
}

const DATE_HEADING = /^##\s+(\d{4}-\d{2}-\d{2})\b/;

/**
 * Puts an entry at the top of the journal under today's `## YYYY-MM-DD` section: into that section
 * when it exists, else in a new section above the newest date. Nothing else in the file changes;
 * the file's own line ending is used.
 */
export function insertJournalEntry(journal: string | undefined, entry: string, date: string): JournalInsertion {
  const old = journal ?? '';
  const eol = /\r\n/.test(old) ? '\r\n' : '\n';
  const body = entry.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n').join(eol) + eol;
  if (old.trim() === '') {
    const preamble = JOURNAL_PREAMBLE.split('\n').join(eol);
    const text = `${preamble}${eol}## ${date}${eol}${eol}${body}`;
    return { text, edit: { start: 0, end: old.length, newText: text }, created: true };
  }
  const lines = splitLines(old);
  let today = -1;
  let firstDate = -1;
  let firstEntry = -1;
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].text;
    if (/^\s*(```|~~~)/.test(t)) fence = !fence;
    if (fence) continue;
    const m = DATE_HEADING.exec(t);
    if (m) {
      if (firstDate === -1) firstDate = i;
      if (m[1] === date && today === -1) today = i;
    } else if (firstEntry === -1 && /^###\s/.test(t)) firstEntry = i;
  }
  let at: number;
  let newText: string;
  if (today !== -1) {
    // Under today's heading, above today's earlier entries; one blank line either side.
    let i = today + 1;
    while (i < lines.length && lines[i].text.trim() === '') i++;
    const blankAfterHeading = i > today + 1;
    if (i < lines.length) {
      at = lines[i].start;
      newText = (blankAfterHeading ? '' : eol) + body + eol;
    } else {
      at = old.length;
      const endsWithBreak = /[\r\n]$/.test(old);
      newText = (endsWithBreak ? '' : eol) + (blankAfterHeading ? '' : eol) + body;
    }
  } else {
    const before = firstDate !== -1 ? firstDate : firstEntry;
    const section = `## ${date}${eol}${eol}${body}`;
    if (before !== -1) {
      at = lines[before].start;
      newText = section + eol;
    } else {
      at = old.length;
      const tail = /(\r?\n){2}$/.test(old) ? '' : /\r?\n$/.test(old) ? eol : eol + eol;
      newText = tail + section;
    }
  }
  const text = old.slice(0, at) + newText + old.slice(at);
  return { text, edit: { start: at, end: at, newText }, created: false };
}

function splitLines(text: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  const re = /\r\n|\r|\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    out.push({ text: text.slice(start, m.index), start });
    start = m.index + m[0].length;
  }
  if (start < text.length) out.push({ text: text.slice(start), start });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Calendar reminder (RFC 5545)

export interface IcsInput {
  key: string;
  /** The day of the next rotation, YYYY-MM-DD (an all-day event). */
  date: string;
  /** DTSTAMP: when the reminder was made. */
  now: Date;
  /** Extra description lines (no values!). */
  description?: string;
  /** Days before the date for the alarm (default 2). */
  alarmDaysBefore?: number;
}

/** Escapes TEXT values (RFC 5545 §3.3.11). */
function icsText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // continuation lines start with a space
    if (bytes + n > limit) {
      parts.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function icsStamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * A calendar reminder for the next scheduled rotation: one all-day VEVENT with an alarm, CRLF line
 * endings and folding per RFC 5545. The UID is derived from the key and the date, so importing a
 * re-made reminder updates the event instead of duplicating it.
 */
export function renderIcs(input: IcsInput): string {
  const day = input.date.replace(/-/g, '');
  const nextDay = addDays(input.date, 1).replace(/-/g, '');
  const uidKey = input.key.replace(/[^A-Za-z0-9_.-]/g, '-');
  const description = [
    `Scheduled rotation of ${input.key} is due.`,
    `Run: secret-hygiene rotate ${input.key} --journal --trigger scheduled`,
    ...(input.description ? [input.description] : []),
  ].join('\n');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Secret Hygiene//Rotation reminder//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${uidKey}-rotation-${day}@secret-hygiene`,
    `DTSTAMP:${icsStamp(input.now)}`,
    `DTSTART;VALUE=DATE:${day}`,
    `DTEND;VALUE=DATE:${nextDay}`,
    `SUMMARY:${icsText(`Rotate ${input.key}`)}`,
    `DESCRIPTION:${icsText(description)}`,
    'TRANSP:TRANSPARENT',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `DESCRIPTION:${icsText(`Rotate ${input.key}`)}`,
    `TRIGGER:-P${Math.max(0, Math.floor(input.alarmDaysBefore ?? 2))}D`,
    'END:VALARM',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldIcsLine).join('\r\n') + '\r\n';
}
