import type { Rule } from '../rule';

/**
 * `env-file-permissions`: on POSIX, a dotenv file holding secrets that group or others can read
 * (seed 003: "restrict read permissions ... chmod 600 .env"). Read bits (0o044) are the leak and get
 * the rule's severity; write or execute bits alone (someone else can change the secrets, not read
 * them) are reported at info. Example files hold no real values and are exempt.
 */
export const envFilePermissionsRule: Rule = {
  meta: {
    id: 'env-file-permissions',
    defaultSeverity: 'warning',
    description: 'An .env file readable by group or others',
    docs: '#env-file-permissions',
    fix: 'Restrict to owner (chmod 600)',
    scope: 'file',
  },
  check(ctx) {
    const { posix, mode } = ctx.meta;
    if (!posix || typeof mode !== 'number' || !Number.isInteger(mode)) return;
    if (ctx.source.format !== 'dotenv' || ctx.isExample || ctx.secrets.length === 0) return;
    const perms = mode & 0o777;
    if ((perms & 0o077) === 0) return;
    const octal = '0' + perms.toString(8).padStart(3, '0');
    const who = [perms & 0o070 ? 'group' : '', perms & 0o007 ? 'others' : ''].filter(Boolean).join(' and ');
    const readable = (perms & 0o044) !== 0;
    const what = readable ? 'readable' : (perms & 0o022) !== 0 ? 'writable' : 'accessible';
    const readers = [perms & 0o040 ? 'group' : '', perms & 0o004 ? 'others' : ''].filter(Boolean).join(' and ');
    const suggested = '0' + (perms & 0o700 | 0o600).toString(8);
    const name = ctx.source.path.slice(ctx.source.path.lastIndexOf('/') + 1);
    ctx.report({
      start: 0,
      end: ctx.lines.lineEnd(0),
      message: readable
        ? `${ctx.source.path} holds secrets and is readable by ${readers} (mode ${octal}): restrict it to its owner with chmod 600 ${name}`
        : `${ctx.source.path} holds secrets and is ${what} by ${who} (mode ${octal}): restrict it to its owner with chmod 600 ${name}`,
      severity: readable ? undefined : 'info',
      data: { mode: octal, suggestedMode: suggested, readable },
    });
  },
};
