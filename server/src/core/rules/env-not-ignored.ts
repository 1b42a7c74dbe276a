import type { Rule } from '../rule';

/** An .env file with real values that .gitignore does not ignore */
export const envNotIgnoredRule: Rule = {
  meta: {
    id: 'env-not-ignored',
    defaultSeverity: 'warning',
    description: 'An .env file with real values that .gitignore does not ignore',
    docs: '#env-not-ignored',
    fix: 'Add to .gitignore',
    scope: 'workspace',
  },
  check() {
    // TODO
  },
};
