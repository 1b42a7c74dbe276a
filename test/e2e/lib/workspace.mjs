// The fixture workspace, copied per run so tests can change files.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '../provision.mjs';

export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'workspace');

/** Rules the check mode turns off (SECRET_HYGIENE_E2E_BREAK=weak-secret,...). */
export function breakRulesFromEnv() {
  return (process.env.SECRET_HYGIENE_E2E_BREAK ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/**
 * Copies the fixture workspace to `dest`. The fixture keeps its ignore file as `gitignore` (a real
 * `.gitignore` there would hide the fixture's .env files from this repository's git); the copy gets
 * `.gitignore` and `git init`, so .gitignore decides what is ignored. With `breakRules`, those rules
 * are turned off in the copy's `.secret-hygiene.json`: the check mode the suite must fail in.
 */
export function prepareWorkspace(dest, { breakRules = breakRulesFromEnv(), env } = {}) {
  cpSync(FIXTURE, dest, { recursive: true });
  for (const p of [...walk(dest)]) {
    if (p.endsWith('/gitignore')) renameSync(p, join(dirname(p), '.gitignore'));
  }
  spawnSync('git', ['init', '-q', dest], { env, stdio: 'ignore' });
  if (breakRules.length) {
    const cfgPath = join(dest, '.secret-hygiene.json');
    const cfg = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {};
    cfg.rules = { ...(cfg.rules ?? {}), ...Object.fromEntries(breakRules.map((r) => [r, 'off'])) };
    writeFileSync(cfgPath, `${JSON.stringify(cfg, null, 2)}\n`);
    log(`check mode: rules turned off in ${dest}: ${breakRules.join(', ')} (the suite must fail)`);
  }
  return dest;
}
