import type { Rule } from '../rule';

/** One value under keys of different purposes, in several environments, or copied into an example file */
export const reusedSecretRule: Rule = {
  meta: {
    id: 'reused-secret',
    defaultSeverity: 'warning',
    description: 'One value under keys of different purposes, in several environments, or copied into an example file',
    docs: '#reused-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'workspace',
  },
  check() {
    // TODO
  },
};
