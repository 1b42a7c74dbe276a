import type { Rule } from '../rule';

/** Random-looking secret with less key material than the algorithm needs (32 bytes; 48/64 for HS384/HS512) */
export const shortSecretRule: Rule = {
  meta: {
    id: 'short-secret',
    defaultSeverity: 'warning',
    description: 'Random-looking secret with less key material than the algorithm needs (32 bytes; 48/64 for HS384/HS512)',
    docs: '#short-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
