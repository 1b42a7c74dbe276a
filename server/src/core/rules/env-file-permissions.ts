import type { Rule } from '../rule';

/** An .env file readable by group or others */
export const envFilePermissionsRule: Rule = {
  meta: {
    id: 'env-file-permissions',
    defaultSeverity: 'warning',
    description: 'An .env file readable by group or others',
    docs: '#env-file-permissions',
    fix: 'Restrict to owner (chmod 600)',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
