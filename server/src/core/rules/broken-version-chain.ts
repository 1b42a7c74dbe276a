import type { Rule } from '../rule';

/** X_VERSION=N with a missing older slot, a slot newer than N, or a non-integer version */
export const brokenVersionChainRule: Rule = {
  meta: {
    id: 'broken-version-chain',
    defaultSeverity: 'error',
    description: 'X_VERSION=N with a missing older slot, a slot newer than N, or a non-integer version',
    docs: '#broken-version-chain',
    fix: 'Add the missing slots',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
