import type { Rule } from '../rule';

/** A previous slot outlives the overlap window after its rotation */
export const stalePreviousSlotRule: Rule = {
  meta: {
    id: 'stale-previous-slot',
    defaultSeverity: 'info',
    description: 'A previous slot outlives the overlap window after its rotation',
    docs: '#stale-previous-slot',
    fix: 'Complete the rotation',
    scope: 'workspace',
  },
  check() {
    // TODO
  },
};
