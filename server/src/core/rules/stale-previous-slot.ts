import { isMarker } from '../classify';
import { journalAgeDays } from '../journal-index';
import type { Rule } from '../rule';
import type { EnvEntry } from '../types';

/**
 * A previous slot still holds the old value after the overlap window (config `overlapDays`, the
 * longest session/token lifetime) has passed since the journal's last rotation of its base: the old
 * secret still verifies tokens for no reason. Versioned families keep latest-1 as the recovery floor
 * (seed 004), so only older versions are stale there.
 */
export const stalePreviousSlotRule: Rule = {
  meta: {
    id: 'stale-previous-slot',
    defaultSeverity: 'info',
    description: 'A previous slot outlives the overlap window after its rotation',
    docs: '#stale-previous-slot',
    fix: 'Complete the rotation',
    scope: 'workspace',
  },
  check(ctx) {
    if (ctx.isExample) return;
    const journal = ctx.workspace.journal();
    if (journal.rotations.length === 0) return;
    const now = ctx.workspace.now();
    const overlap = ctx.config.overlapDays;
    const byKey = new Map<string, EnvEntry>();
    for (const e of ctx.source.entries) byKey.set(e.key, e);
    for (const f of ctx.families.values()) {
      if (f.scheme === 'immediate' || f.scheme === 'list') continue;
      const last = journal.lastRotation(f.base) ?? journal.lastRotation(f.current);
      if (!last) continue;
      const age = journalAgeDays(last.date, now);
      if (age === undefined || age <= overlap) continue;
      // previous is newest first; for versioned, the newest (latest-1) stays.
      const stale = f.scheme === 'versioned' ? f.previous.slice(1) : f.previous;
      for (const key of stale) {
        const e = byKey.get(key);
        if (!e || e.value.trim() === '' || isMarker(e.value) || e.reference) continue;
        ctx.report({
          start: e.keyStart,
          end: e.keyEnd,
          key,
          message: `${key} still holds an old value of ${f.base}, rotated ${age} days ago (${last.date}); the overlap window of ${overlap} days has passed, so complete the rotation`,
          related: [
            {
              path: ctx.config.journal,
              range: { start: { line: last.line, character: 0 }, end: { line: last.line, character: last.heading.length } },
              message: `rotation of ${f.base} in the journal`,
            },
          ],
          data: { base: f.base, scheme: f.scheme, lastRotation: last.date, ageDays: age, overlapDays: overlap },
        });
      }
    }
  },
};
