import type { SlotScheme } from './config';

/**
 * Rotation slot schemes, as the seeds use them:
 * - previous:  `X` current, `X_PREVIOUS` (or `_PREV`, `_OLD`) accepted during the overlap (seed 000, JWT).
 * - versioned: `X` current, `X_VERSION=n`, `X_V1..X_V{n-1}` kept for decryption (seed 000, wallet key).
 * - numbered:  `X_1` current, `X_0` previous (seed 002, NestJS).
 * - authjs:    `AUTH_SECRET` plus `AUTH_SECRET_1..3`; the numbered slots are the newer ones and the
 *              highest number signs (Auth.js reads them newest first).
 * - list:      `X=new,old` comma-separated keys, the first one current.
 * - immediate: no slot at all; rotating invalidates every session (seeds 003, 004).
 */
export interface SlotFamily {
  base: string;
  scheme: SlotScheme;
  /** The key that holds the value in use now. */
  current: string;
  /** Keys holding older values still accepted, newest first. */
  previous: string[];
  /** versioned: the `X_VERSION` key and the `X_V{n}` slots by number. */
  versionKey?: string;
  versions?: Map<number, string>;
  /** numbered/authjs: slots by number. */
  numbered?: Map<number, string>;
}

export const PREVIOUS_SUFFIXES = ['_PREVIOUS', '_PREV', '_OLD'];

/** The base of a slot key: `JWT_SECRET_PREVIOUS` -> `JWT_SECRET`, `X_V2` -> `X`, `X_1` -> `X`. */
export function slotBase(key: string): { base: string; kind: 'previous' | 'version' | 'versionKey' | 'number'; n?: number } | undefined {
  const upper = key.toUpperCase();
  for (const suffix of PREVIOUS_SUFFIXES) {
    if (upper.endsWith(suffix) && key.length > suffix.length) return { base: key.slice(0, -suffix.length), kind: 'previous' };
  }
  if (upper.endsWith('_VERSION') && key.length > 8) return { base: key.slice(0, -8), kind: 'versionKey' };
  let m = /^(.+)_[Vv](\d+)$/.exec(key);
  if (m) return { base: m[1], kind: 'version', n: Number(m[2]) };
  m = /^(.+)_(\d+)$/.exec(key);
  if (m) return { base: m[1], kind: 'number', n: Number(m[2]) };
  return undefined;
}

/**
 * Groups a file's (or an environment's) keys into slot families. Only keys that form a scheme
 * are grouped; a lone `JWT_SECRET` is a family with scheme "immediate".
 */
export function findSlotFamilies(keys: Iterable<string>, overrides: Record<string, SlotScheme> = {}): Map<string, SlotFamily> {
  const all = new Set(keys);
  const families = new Map<string, SlotFamily>();
  const family = (base: string): SlotFamily => {
    let f = families.get(base);
    if (!f) {
      f = { base, scheme: 'immediate', current: base, previous: [] };
      families.set(base, f);
    }
    return f;
  };
  for (const key of all) {
    const s = slotBase(key);
    if (!s) continue;
    const baseExists = all.has(s.base);
    if (s.kind === 'previous' && baseExists) {
      const f = family(s.base);
      f.scheme = 'previous';
      f.previous.push(key);
    } else if (s.kind === 'versionKey' && baseExists) {
      const f = family(s.base);
      f.scheme = 'versioned';
      f.versionKey = key;
      f.versions ??= new Map();
    } else if (s.kind === 'version' && (baseExists || all.has(`${s.base}_VERSION`))) {
      const f = family(s.base);
      if (f.scheme !== 'previous') f.scheme = 'versioned';
      f.versions ??= new Map();
      f.versions.set(s.n!, key);
    } else if (s.kind === 'number') {
      const f = family(s.base);
      f.numbered ??= new Map();
      f.numbered.set(s.n!, key);
    }
  }
  for (const f of families.values()) {
    if (f.numbered && f.scheme === 'immediate') {
      const isAuthJs = /^AUTH_SECRET$/i.test(f.base) && all.has(f.base);
      if (isAuthJs) {
        f.scheme = 'authjs';
        const ns = [...f.numbered.keys()].sort((a, b) => b - a);
        f.current = f.numbered.get(ns[0])!;
        f.previous = [...ns.slice(1).map((n) => f.numbered!.get(n)!), f.base];
      } else if (f.numbered.size >= 1 && !all.has(f.base)) {
        // X_1 current, X_0 previous (seed 002); a lone X_1 without X_0 is still this scheme.
        const ns = [...f.numbered.keys()].sort((a, b) => b - a);
        f.scheme = 'numbered';
        f.current = f.numbered.get(ns[0])!;
        f.previous = ns.slice(1).map((n) => f.numbered!.get(n)!);
      } else {
        families.delete(f.base);
        continue;
      }
    }
    if (f.versions) {
      f.previous = [...f.versions.entries()].sort((a, b) => b[0] - a[0]).map(([, k]) => k);
    }
  }
  for (const [pattern, scheme] of Object.entries(overrides)) {
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    for (const key of all) {
      if (re.test(key)) {
        const f = family(key);
        f.scheme = scheme;
      }
    }
  }
  return families;
}

/** The previous-slot suffix the project already uses, else `_PREVIOUS`. */
export function preferredPreviousSuffix(allKeys: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const k of allKeys) {
    for (const s of PREVIOUS_SUFFIXES) if (k.toUpperCase().endsWith(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best = '_PREVIOUS';
  let n = 0;
  for (const [s, c] of counts) if (c > n) [best, n] = [s, c];
  return best;
}
