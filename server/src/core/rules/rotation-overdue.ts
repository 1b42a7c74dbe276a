import type { Rule } from '../rule';

/** The last recorded rotation is older than the cadence */
export const rotationOverdueRule: Rule = {
  meta: {
    id: 'rotation-overdue',
    defaultSeverity: 'warning',
    description: 'The last recorded rotation is older than the cadence',
    docs: '#rotation-overdue',
    fix: 'Rotate the secret',
    scope: 'workspace',
  },
  check() {
    // TODO
  },
};
