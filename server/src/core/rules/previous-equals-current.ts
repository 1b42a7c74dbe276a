import type { Rule } from '../rule';

/** The previous slot holds the current value: a rotation that never happened */
export const previousEqualsCurrentRule: Rule = {
  meta: {
    id: 'previous-equals-current',
    defaultSeverity: 'warning',
    description: 'The previous slot holds the current value: a rotation that never happened',
    docs: '#previous-equals-current',
    fix: 'Rotate the secret',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
