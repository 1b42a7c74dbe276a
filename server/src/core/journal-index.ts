/** What the engine reads from the runbook journal: when each key was last rotated. */
export interface JournalRotation {
  key: string;
  /** YYYY-MM-DD */
  date: string;
  /** Zero-based line of the heading in the journal. */
  line: number;
  heading: string;
  /** The runbook step (`A2.5`), when the heading names one. */
  step?: string;
}

export interface JournalIndex {
  rotations: readonly JournalRotation[];
  lastRotation(key: string): JournalRotation | undefined;
}

/**
 * Headings of the seed 004 format: `### A2.5 — JWT_SECRET rotation [done 2026-05-01]`. The step is
 * optional, any dash separates it, and `[done …]` may carry text after the date.
 */
const HEADING = /^#{2,4}\s+(?:(.+?)\s+[—–-]+\s+)?([A-Za-z_][\w.-]*)\s+rotation\b.*?\[done\s+(\d{4}-\d{2}-\d{2})\b[^\]]*\]/;

export function parseJournal(text: string): JournalIndex {
  const rotations: JournalRotation[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  let fence = false;
  for (let i = 0; i < lines.length; i++) {
    // Headings inside fenced code blocks are examples, not records.
    if (/^\s*(```|~~~)/.test(lines[i])) fence = !fence;
    if (fence) continue;
    const m = HEADING.exec(lines[i]);
    if (m && isRealDate(m[3])) rotations.push({ key: m[2], date: m[3], line: i, heading: lines[i].trim(), step: m[1]?.trim() });
  }
  return indexRotations(rotations);
}

function isRealDate(date: string): boolean {
  const [y, mo, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export function indexRotations(rotations: JournalRotation[]): JournalIndex {
  const last = new Map<string, JournalRotation>();
  for (const r of rotations) {
    const prior = last.get(r.key);
    if (!prior || prior.date < r.date) last.set(r.key, r);
  }
  return { rotations, lastRotation: (key) => last.get(key) };
}

export const EMPTY_JOURNAL: JournalIndex = indexRotations([]);

/** Whole days from a journal date (UTC midnight) to `now`'s UTC date; undefined for a malformed date. */
export function journalAgeDays(date: string, now: Date): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !isRealDate(date)) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.floor((today - t) / 86_400_000);
}
