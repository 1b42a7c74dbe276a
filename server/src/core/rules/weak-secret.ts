import type { Rule } from '../rule';

/** Placeholder, default, dictionary or pattern value for a secret the project chooses itself */
export const weakSecretRule: Rule = {
  meta: {
    id: 'weak-secret',
    defaultSeverity: 'error',
    description: 'Placeholder, default, dictionary or pattern value for a secret the project chooses itself',
    docs: '#weak-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
