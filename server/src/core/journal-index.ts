/** What the engine reads from the runbook journal: when each key was last rotated. */
export interface JournalRotation {
  key: string;
  /** YYYY-MM-DD */
  date: string;
  /** Zero-based line of the heading in the journal. */
  line: number;
  heading: string;
}

export interface JournalIndex {
  rotations: readonly JournalRotation[];
  lastRotation(key: string): JournalRotation | undefined;
}

/** Headings of the seed 004 format: `### A2.5 — JWT_SECRET rotation [done 2026-05-01]`. */
const HEADING = /^#{2,4}\s+(?:(.+?)\s+[—–-]+\s+)?([A-Za-z_][\w.-]*)\s+rotation\b.*?\[done\s+(\d{4}-\d{2}-\d{2})\]/;

export function parseJournal(text: string): JournalIndex {
  const rotations: JournalRotation[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = HEADING.exec(lines[i]);
    if (m) rotations.push({ key: m[2], date: m[3], line: i, heading: lines[i].trim() });
  }
  return indexRotations(rotations);
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
