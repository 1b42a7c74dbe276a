import type { Rule } from '../rule';

/** Secret under a prefix that ships to the browser (NEXT_PUBLIC_, VITE_, ...) */
export const clientExposedSecretRule: Rule = {
  meta: {
    id: 'client-exposed-secret',
    defaultSeverity: 'error',
    description: 'Secret under a prefix that ships to the browser (NEXT_PUBLIC_, VITE_, ...)',
    docs: '#client-exposed-secret',
    fix: 'Rename to a server-only key',
    scope: 'file',
  },
  check() {
    // TODO
  },
};
