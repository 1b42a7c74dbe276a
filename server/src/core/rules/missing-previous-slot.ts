import type { Rule } from '../rule';

/** Signing secret without a slot for the previous key, where the project verifies with two keys */
export const missingPreviousSlotRule: Rule = {
  meta: {
    id: 'missing-previous-slot',
    defaultSeverity: 'info',
    description: 'Signing secret without a slot for the previous key, where the project verifies with two keys',
    docs: '#missing-previous-slot',
    fix: 'Add the previous slot',
    scope: 'workspace',
  },
  check() {
    // TODO
  },
};
