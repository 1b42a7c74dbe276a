import type { Rule } from '../rule';

/**
 * `env-not-ignored`: a dotenv file with real values that `.gitignore` does not ignore (seed 003
 * checklist: "`.env` is in `.gitignore` and never committed"). A workspace with no `.gitignore` at
 * all is reported too. Example files are meant to be committed; so are dotenvx files whose every
 * secret is stored `encrypted:`.
 */
export const envNotIgnoredRule: Rule = {
  meta: {
    id: 'env-not-ignored',
    defaultSeverity: 'warning',
    description: 'An .env file with real values that .gitignore does not ignore',
    docs: '#env-not-ignored',
    fix: 'Add to .gitignore',
    scope: 'workspace',
  },
  check(ctx) {
    if (ctx.source.format !== 'dotenv' || ctx.isExample) return;
    const real = ctx.secrets.filter((s) => !/^encrypted:/.test(s.value));
    if (real.length === 0) return;
    const path = ctx.source.path;
    const ignored = ctx.workspace.isGitIgnored(path);
    if (ignored === true) return;
    const pattern = gitignorePattern(path);
    const n = real.length;
    const what = `${path} holds ${n} secret value${n === 1 ? '' : 's'}`;
    ctx.report({
      start: 0,
      end: ctx.lines.lineEnd(0),
      message:
        ignored === undefined
          ? `${what} and the workspace has no .gitignore: create one with the line "${pattern}" so the file is never committed`
          : `${what} and .gitignore does not ignore it: add the line "${pattern}" (if git already tracks the file, also run git rm --cached and rotate its secrets)`,
      data: { pattern, gitignore: '.gitignore', noGitignore: ignored === undefined },
    });
  },
};

/**
 * The `.gitignore` line to suggest: the file's own name, which matches it at any depth and never
 * an example file (`.env.*` would also hide `.env.example`); local overrides get Next.js's
 * `.env*.local`.
 */
export function gitignorePattern(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/^\.env(\..+)?\.local$/i.test(base)) return '.env*.local';
  return base;
}
