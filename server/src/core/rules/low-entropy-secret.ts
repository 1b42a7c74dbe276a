import type { Rule } from '../rule';

/** Long enough, yet guessable: the entropy estimate is under the minimum */
export const lowEntropySecretRule: Rule = {
  meta: {
    id: 'low-entropy-secret',
    defaultSeverity: 'warning',
    description: 'Long enough, yet guessable: the entropy estimate is under the minimum',
    docs: '#low-entropy-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
