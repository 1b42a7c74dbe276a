import type { SeveritySetting } from './types';
import { DEFAULT_MAX_FILE_BYTES } from './text';

/** Rotation slot schemes (see README "Rotation schemes"). */
export type SlotScheme = 'previous' | 'versioned' | 'numbered' | 'authjs' | 'list' | 'immediate';

/**
 * The project configuration: `.secret-hygiene.json` at a workspace root, read by the CLI and the
 * language server alike; editor settings are merged over it.
 */
export interface ProjectConfig {
  /** Severity per rule id; "off" disables a rule. */
  rules: Record<string, SeveritySetting>;
  /** Extra globs of files to read, beside the defaults. */
  include: string[];
  /** Globs of files and folders to skip. */
  exclude: string[];
  /** Minimum bytes of key material for signing and encryption secrets. */
  minBytes: number;
  /** Extra key-name globs that are secrets (`*_SIGNATURE`), case-insensitive. */
  secretKeys: string[];
  /** Key-name globs that are never secrets. */
  ignoreKeys: string[];
  /** Scheme per key name (glob), overriding detection. */
  schemes: Record<string, SlotScheme>;
  /** Rotation cadence in days per key-name glob; first match wins, then the defaults. */
  cadence: { keys: string; days: number }[];
  /** The overlap window after a rotation (the longest session/token lifetime), in days. */
  overlapDays: number;
  /** The runbook journal, workspace-relative. */
  journal: string;
  /** A project template for journal entries, workspace-relative. */
  journalTemplate?: string;
  maxFileBytes: number;
}

export const DEFAULT_CONFIG: ProjectConfig = {
  rules: {},
  include: [],
  exclude: [],
  minBytes: 32,
  secretKeys: [],
  ignoreKeys: [],
  schemes: {},
  cadence: [],
  overlapDays: 7,
  journal: 'docs/security/HARDENING-LOG.md',
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
};

export const CONFIG_FILE_NAMES = ['.secret-hygiene.json', '.secret-hygienerc.json'];

export interface ConfigProblem {
  message: string;
}

/** `*` wildcards allowed in one segment of an include/exclude glob (see resolveConfig). */
export const MAX_STARS_PER_SEGMENT = 2;

/**
 * Validates a parsed config object and merges it over the defaults. Unknown keys and wrong types
 * are reported, never thrown, so a typo cannot stop the checks.
 */
export function resolveConfig(raw: unknown, problems: ConfigProblem[] = [], base: ProjectConfig = DEFAULT_CONFIG): ProjectConfig {
  const out: ProjectConfig = { ...base, rules: { ...base.rules }, schemes: { ...base.schemes } };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ message: 'the configuration must be a JSON object' });
    return out;
  }
  const obj = raw as Record<string, unknown>;
  const strings = (name: string): string[] | undefined => {
    const v = obj[name];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    problems.push({ message: `"${name}" must be an array of strings` });
    return undefined;
  };
  for (const [name, value] of Object.entries(obj)) {
    switch (name) {
      case '$schema':
        break;
      case 'rules':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [id, sev] of Object.entries(value as Record<string, unknown>)) {
            if (sev === 'error' || sev === 'warning' || sev === 'info' || sev === 'hint' || sev === 'off') out.rules[id] = sev;
            else problems.push({ message: `rules.${id} must be one of "error", "warning", "info", "hint", "off"` });
          }
        } else problems.push({ message: '"rules" must be an object of rule id to severity' });
        break;
      case 'include':
      case 'exclude':
      case 'secretKeys':
      case 'ignoreKeys': {
        let v = strings(name);
        if (v && (name === 'include' || name === 'exclude')) {
          // File globs become backtracking regular expressions: `*a*a*a*b` takes seconds per long file name.
          const slow = v.filter((g) => g.split('/').some((seg) => seg !== '**' && (seg.match(/\*/g) ?? []).length > MAX_STARS_PER_SEGMENT));
          for (const g of slow) problems.push({ message: `"${name}" glob "${g}" has more than ${MAX_STARS_PER_SEGMENT} "*" in one path segment and is ignored (such globs can take minutes to match)` });
          v = v.filter((g) => !slow.includes(g));
        }
        if (v) out[name] = [...base[name], ...v];
        break;
      }
      case 'minBytes':
      case 'overlapDays':
      case 'maxFileBytes':
        if (typeof value === 'number' && Number.isFinite(value) && value > 0) out[name] = value;
        else problems.push({ message: `"${name}" must be a positive number` });
        break;
      case 'journal':
      case 'journalTemplate':
        if (typeof value !== 'string' || value === '') problems.push({ message: `"${name}" must be a path` });
        // The CLI writes the journal and reads the template: a committed config must not point them
        // at ~/.bashrc or ~/.ssh (an absolute path, a drive, or ".." climbing out of the workspace).
        else if (/^([\\/]|[A-Za-z]:)/.test(value) || value.split(/[\\/]/).includes('..')) problems.push({ message: `"${name}" must be a path inside the workspace (relative, without "..")` });
        else out[name] = value;
        break;
      case 'schemes':
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [key, scheme] of Object.entries(value as Record<string, unknown>)) {
            if (typeof scheme === 'string' && ['previous', 'versioned', 'numbered', 'authjs', 'list', 'immediate'].includes(scheme)) {
              out.schemes[key] = scheme as SlotScheme;
            } else problems.push({ message: `schemes.${key} must be one of previous, versioned, numbered, authjs, list, immediate` });
          }
        } else problems.push({ message: '"schemes" must be an object of key name to scheme' });
        break;
      case 'cadence':
        if (Array.isArray(value) && value.every((c) => c && typeof c.keys === 'string' && typeof c.days === 'number' && c.days > 0)) {
          out.cadence = [...(value as ProjectConfig['cadence']), ...base.cadence];
        } else problems.push({ message: '"cadence" must be an array of { "keys": "<glob>", "days": <number> }' });
        break;
      default:
        problems.push({ message: `unknown setting "${name}"` });
    }
  }
  return out;
}

/**
 * Case-insensitive glob on key names: `*` matches any run, `?` one character. Matched without a
 * regular expression: globs come from the workspace's config, and `^.*a.*a.*a...$` backtracks
 * polynomially (a committed `*a*a*a*a*a*a*a*a*b` hung the CLI on a long key). This is O(key x glob).
 */
export function keyGlob(pattern: string): { test(key: string): boolean } {
  const p = pattern.toLowerCase();
  return {
    test(key: string): boolean {
      const s = key.toLowerCase();
      let pi = 0;
      let si = 0;
      let star = -1;
      let mark = 0;
      while (si < s.length) {
        if (pi < p.length && (p[pi] === '?' || (p[pi] === s[si] && p[pi] !== '*'))) {
          pi++;
          si++;
        } else if (pi < p.length && p[pi] === '*') {
          star = pi++;
          mark = si;
        } else if (star !== -1) {
          pi = star + 1;
          si = ++mark;
        } else return false;
      }
      while (pi < p.length && p[pi] === '*') pi++;
      return pi === p.length;
    },
  };
}

export function matchesAnyKeyGlob(key: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => keyGlob(p).test(key));
}

/** Default cadences (seed 003): 90 days for signing secrets, 180 for database passwords. */
export function cadenceDays(config: ProjectConfig, key: string, purpose: string): number {
  for (const c of config.cadence) if (keyGlob(c.keys).test(key)) return c.days;
  return purpose === 'password' ? 180 : 90;
}
