import { cadenceDays } from '../config';
import { journalAgeDays, type JournalRotation } from '../journal-index';
import type { Rule } from '../rule';

/**
 * The last recorded rotation is older than the cadence (seed 003: 90 days for signing secrets, 180
 * for database passwords; config `cadence` per key glob). Reads the journal; a secret the journal
 * has never recorded gets nothing, since its age is unknown.
 */
export const rotationOverdueRule: Rule = {
  meta: {
    id: 'rotation-overdue',
    defaultSeverity: 'warning',
    description: 'The last recorded rotation is older than the cadence',
    docs: '#rotation-overdue',
    fix: 'Rotate the secret',
    scope: 'workspace',
  },
  check(ctx) {
    if (ctx.isExample) return;
    const journal = ctx.workspace.journal();
    if (journal.rotations.length === 0) return;
    const now = ctx.workspace.now();
    // Slots holding older values are not rotated themselves: only the key in use is.
    const olderSlots = new Set<string>();
    const baseOf = new Map<string, string>();
    for (const f of ctx.families.values()) {
      for (const k of f.previous) olderSlots.add(k);
      baseOf.set(f.current, f.base);
    }
    const seen = new Set<string>();
    for (const s of ctx.secrets) {
      if (s.fromUrl || olderSlots.has(s.key) || seen.has(s.key)) continue;
      seen.add(s.key);
      const base = baseOf.get(s.key) ?? s.key;
      const last: JournalRotation | undefined = journal.lastRotation(base) ?? journal.lastRotation(s.key);
      if (!last) continue;
      const age = journalAgeDays(last.date, now);
      if (age === undefined) continue;
      const cadence = cadenceDays(ctx.config, base, s.klass.purpose);
      if (age <= cadence) continue;
      ctx.report({
        start: s.entry.keyStart,
        end: s.entry.keyEnd,
        key: s.key,
        message: `${base} was last rotated ${age} days ago (${last.date}); the cadence is ${cadence} days, so the rotation is ${age - cadence} day${age - cadence === 1 ? '' : 's'} overdue`,
        related: [
          {
            path: ctx.config.journal,
            range: { start: { line: last.line, character: 0 }, end: { line: last.line, character: last.heading.length } },
            message: `last rotation of ${base} in the journal`,
          },
        ],
        data: { base, lastRotation: last.date, ageDays: age, cadenceDays: cadence, journalLine: last.line },
      });
    }
  },
};
