import { classifyKeyName } from './classify';
import { keyGlob, type SlotScheme } from './config';

/**
 * Rotation slot schemes, as the seeds use them:
 * - previous:  `X` current, `X_PREVIOUS` (or `_PREV`, `_OLD`) accepted during the overlap (seed 000, JWT).
 *              Laravel's `APP_KEY` + `APP_PREVIOUS_KEYS` and Django's `SECRET_KEY` + `SECRET_KEY_FALLBACKS`
 *              are this scheme too, with a comma-separated list in the previous slot (`previousIsList`).
 * - versioned: `X` current, `X_VERSION=n`, `X_V1..X_V{n-1}` kept for decryption (seed 000, wallet key).
 * - numbered:  `X_1` current, `X_0` previous (seed 002, NestJS).
 * - authjs:    `AUTH_SECRET` plus `AUTH_SECRET_1..3`; the numbered slots are the newer ones and the
 *              highest number signs (Auth.js `unshift`s them, so `AUTH_SECRET_3` comes first).
 * - list:      `X=new,old` comma-separated keys, the first one current.
 * - immediate: no slot at all; rotating invalidates every session (seeds 003, 004).
 */
export interface SlotFamily {
  base: string;
  scheme: SlotScheme;
  /** The key that holds the value in use now. For `list`, the key whose value holds the list. */
  current: string;
  /** Keys holding older values still accepted, newest first. */
  previous: string[];
  /** versioned: the `X_VERSION` key and the `X_V{n}` slots by number. */
  versionKey?: string;
  versions?: Map<number, string>;
  /** numbered/authjs: slots by number (authjs: every `AUTH_SECRET_n`, also the ones Auth.js ignores). */
  numbered?: Map<number, string>;
  /** list: how many keys the list holds. */
  listLength?: number;
  /** previous: the previous slot holds a comma-separated list (Laravel, Django), not one value. */
  previousIsList?: boolean;
}

export const PREVIOUS_SUFFIXES = ['_PREVIOUS', '_PREV', '_OLD'];

/** Framework slots whose value is a list of older keys: `APP_PREVIOUS_KEYS` (Laravel 11), `SECRET_KEY_FALLBACKS` (Django 4.1). */
const LIST_PREVIOUS = [
  { re: /^(.+)_PREVIOUS_KEYS$/i, base: (m: RegExpExecArray) => `${m[1]}_KEY` },
  { re: /^(.+)_FALLBACKS$/i, base: (m: RegExpExecArray) => m[1] },
];

export type SlotBase = { base: string; kind: 'previous' | 'version' | 'versionKey' | 'number'; n?: number };

/** The base of a slot key: `JWT_SECRET_PREVIOUS` -> `JWT_SECRET`, `X_V2` -> `X`, `X_1` -> `X`. */
export function slotBase(key: string): SlotBase | undefined {
  const n = key.length;
  if (n < 3) return slotBaseSlow(key);
  const c = key.charCodeAt(n - 1) | 0x20; // lower-cases ASCII letters
  // Every suffix ends in s (_PREVIOUS_KEYS, _FALLBACKS, _PREVIOUS), v (_PREV), d (_OLD), n (_VERSION)
  // or a digit; an ASCII last character that is none of these ends no slot key.
  if (c !== 0x73 && c !== 0x76 && c !== 0x64 && c !== 0x6e && !(c >= 0x30 && c <= 0x39)) {
    return key.charCodeAt(n - 1) < 0x80 ? undefined : slotBaseSlow(key);
  }
  return isPlainKey(key) ? slotBaseAscii(key) : slotBaseSlow(key);
}

/**
 * ASCII without line breaks: `toUpperCase` keeps the length and maps only a-z, `/i` folds only
 * ASCII letters, and `.` matches every character, so the suffix tests below are exact.
 */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80 || c === 10 || c === 13) return false;
  }
  return true;
}

/** `key` ends in the upper-case ASCII `suffix`, ignoring ASCII case. */
function endsWithCI(key: string, suffix: string): boolean {
  const off = key.length - suffix.length;
  if (off < 0) return false;
  for (let i = 0; i < suffix.length; i++) {
    let c = key.charCodeAt(off + i);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== suffix.charCodeAt(i)) return false;
  }
  return true;
}

/** `slotBase` of a plain key (see isPlainKey): the same answers as slotBaseSlow, without regexes. */
function slotBaseAscii(key: string): SlotBase | undefined {
  const len = key.length;
  // /^(.+)_PREVIOUS_KEYS$/i, /^(.+)_FALLBACKS$/i
  if (len > 14 && endsWithCI(key, '_PREVIOUS_KEYS')) return { base: `${key.slice(0, len - 14)}_KEY`, kind: 'previous' };
  if (len > 10 && endsWithCI(key, '_FALLBACKS')) return { base: key.slice(0, len - 10), kind: 'previous' };
  for (const suffix of PREVIOUS_SUFFIXES) {
    if (len > suffix.length && endsWithCI(key, suffix)) return { base: key.slice(0, -suffix.length), kind: 'previous' };
  }
  if (len > 8 && endsWithCI(key, '_VERSION')) return { base: key.slice(0, -8), kind: 'versionKey' };
  // /^(.+)_[Vv](\d+)$/ and /^(.+)_(\d+)$/: the digits are the whole trailing run of digits.
  let d = len;
  while (d > 0 && key.charCodeAt(d - 1) >= 48 && key.charCodeAt(d - 1) <= 57) d--;
  if (d === len) return undefined;
  const before = d > 0 ? key.charCodeAt(d - 1) : -1;
  if ((before === 86 || before === 118) && d >= 3 && key.charCodeAt(d - 2) === 95) {
    return { base: key.slice(0, d - 2), kind: 'version', n: Number(key.slice(d)) };
  }
  if (before === 95 && d >= 2) return { base: key.slice(0, d - 1), kind: 'number', n: Number(key.slice(d)) };
  return undefined;
}

/** The regex form, for keys with non-ASCII characters or line breaks. */
function slotBaseSlow(key: string): SlotBase | undefined {
  const upper = key.toUpperCase();
  for (const l of LIST_PREVIOUS) {
    const m = l.re.exec(key);
    if (m) return { base: l.base(m), kind: 'previous' };
  }
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

/** Is this previous-slot key one whose value is a list of keys? */
export function isListPreviousSlot(key: string): boolean {
  if (isPlainKey(key)) return (key.length > 14 && endsWithCI(key, '_PREVIOUS_KEYS')) || (key.length > 10 && endsWithCI(key, '_FALLBACKS'));
  return LIST_PREVIOUS.some((l) => l.re.test(key));
}

export interface SlotOptions {
  /**
   * Is this key a secret? Families form only around secrets: `HOST_0`/`HOST_1` are two hosts and
   * `API_URL_OLD` a URL, not rotation slots. Defaults to the key-name classifier; the analyzer
   * passes its own (which knows the project's `secretKeys`/`ignoreKeys`).
   */
  isSecret?: (key: string) => boolean;
  /** The value of a key (last definition wins), to recognise comma-separated key lists. */
  valueOfKey?: (key: string) => string | undefined;
}

/** Keys shorter than this inside a comma-separated value are words, not keys. */
const LIST_ITEM_MIN = 16;

/** `new,old` with two or more key-like items: no whitespace, each at least 16 characters. */
export function splitKeyList(value: string): string[] | undefined {
  if (value.indexOf(',') === -1) return undefined;
  const items = value.split(',').map((s) => s.trim());
  if (items.length < 2 || items.some((s) => s.length < LIST_ITEM_MIN || /\s/.test(s))) return undefined;
  return items;
}

interface Collected {
  prev: string[];
  versionKey?: string;
  versions: Map<number, string>;
  numbered: Map<number, string>;
}

const PREVIOUS_ORDER = (key: string): number => {
  const upper = key.toUpperCase();
  const i = PREVIOUS_SUFFIXES.findIndex((s) => upper.endsWith(s));
  return i === -1 ? PREVIOUS_SUFFIXES.length : i;
};

/**
 * Groups a file's (or an environment's) keys into slot families. Only keys that form a scheme
 * are grouped (a lone `JWT_SECRET` is in no family); `overrides` (config `schemes`, key globs)
 * force a scheme, and `immediate` there marks a key as having none on purpose.
 */
export function findSlotFamilies(keys: Iterable<string>, overrides: Record<string, SlotScheme> = {}, options: SlotOptions = {}): Map<string, SlotFamily> {
  const all = new Set(keys);
  const isSecret = options.isSecret ?? ((k: string) => classifyKeyName(k)?.secret === true);
  const collected = new Map<string, Collected>();
  const get = (base: string): Collected => {
    let c = collected.get(base);
    if (!c) collected.set(base, (c = { prev: [], versions: new Map(), numbered: new Map() }));
    return c;
  };
  // The slot keys and their bases, computed once for the three passes below.
  const slots = new Map<string, SlotBase>();
  for (const key of all) {
    const s = slotBase(key);
    if (!s) continue;
    slots.set(key, s);
    if (s.kind === 'previous') get(s.base).prev.push(key);
    else if (s.kind === 'versionKey') get(s.base).versionKey = key;
    else if (s.kind === 'version') get(s.base).versions.set(s.n!, key);
    else get(s.base).numbered.set(s.n!, key);
  }

  const families = new Map<string, SlotFamily>();
  // `isSecret` is a pure test of the name (the analyzer's and the default are cached by name).
  const secret = isSecret;
  const byNumberDesc = (m: Map<number, string>, keep: (n: number) => boolean = () => true): string[] =>
    [...m.entries()].filter(([n]) => keep(n)).sort((a, b) => b[0] - a[0]).map(([, k]) => k);

  for (const [base, c] of collected) {
    if (!secret(base)) continue;
    const baseExists = all.has(base);
    const hasVersions = c.versions.size > 0;
    if (c.prev.length > 0 && baseExists) {
      const prev = [...c.prev].sort((a, b) => PREVIOUS_ORDER(a) - PREVIOUS_ORDER(b));
      const f: SlotFamily = { base, scheme: 'previous', current: base, previous: [...prev, ...byNumberDesc(c.versions)] };
      if (prev.some(isListPreviousSlot)) f.previousIsList = true;
      if (c.versionKey) f.versionKey = c.versionKey;
      if (hasVersions) f.versions = c.versions;
      families.set(base, f);
    } else if ((c.versionKey && (baseExists || hasVersions)) || (hasVersions && baseExists)) {
      // X + X_VERSION (first version, no older slot yet), X + X_V1.., or X_VERSION + X_V1.. with X
      // itself missing (broken-version-chain reports that).
      families.set(base, { base, scheme: 'versioned', current: base, previous: byNumberDesc(c.versions), versionKey: c.versionKey, versions: c.versions });
    } else if (c.numbered.size > 0 && /^AUTH_SECRET$/i.test(base)) {
      // Auth.js reads AUTH_SECRET_1..3 only, newest (highest) first, then AUTH_SECRET.
      const valid = byNumberDesc(c.numbered, (n) => n >= 1 && n <= 3);
      const current = valid[0] ?? base;
      const previous = [...valid.slice(1), ...(baseExists && valid.length > 0 ? [base] : [])];
      families.set(base, { base, scheme: 'authjs', current, previous, numbered: c.numbered });
    } else if (c.numbered.size > 0 && !baseExists && classifyKeyName(base)?.origin !== 'third-party') {
      // X_1 current, X_0 previous (seed 002); a lone X_1 without X_0 is still this scheme.
      // `OPENAI_API_KEY_1`, `_2` are a pool of provider keys, not rotation slots.
      const ns = byNumberDesc(c.numbered);
      families.set(base, { base, scheme: 'numbered', current: ns[0], previous: ns.slice(1), numbered: c.numbered });
    }
    // X together with X_1 (and no Auth.js): ambiguous, no family.
  }

  if (options.valueOfKey) {
    for (const key of all) {
      // Most values hold no comma: test that first (the tests are pure lookups, in any order).
      const value = options.valueOfKey(key);
      if (value === undefined || value.indexOf(',') === -1) continue;
      if (families.has(key)) continue;
      const sb = slots.get(key);
      if (sb !== undefined && families.has(sb.base)) continue;
      const items = splitKeyList(value);
      if (!items || !secret(key)) continue;
      families.set(key, { base: key, scheme: 'list', current: key, previous: [], listLength: items.length });
    }
  }

  for (const [pattern, scheme] of Object.entries(overrides)) {
    const re = keyGlob(pattern);
    for (const key of all) {
      if (!re.test(key)) continue;
      // A slot key matched by the glob (JWT_* also matches JWT_SECRET_PREVIOUS) belongs to its base.
      const sb = slots.get(key);
      if (sb && all.has(sb.base) && re.test(sb.base)) continue;
      const f = families.get(key);
      if (f) f.scheme = scheme;
      else families.set(key, { base: key, scheme, current: key, previous: [] });
    }
  }
  return families;
}

/** The previous-slot suffix the project already uses, else `_PREVIOUS`. */
export function preferredPreviousSuffix(allKeys: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const k of allKeys) {
    // The suffixes end in S, V or D: an ASCII last character other than these ends none of them.
    const c = k.length === 0 ? 0 : k.charCodeAt(k.length - 1);
    if (c < 0x80 && (c | 0x20) !== 0x73 && (c | 0x20) !== 0x76 && (c | 0x20) !== 0x64) continue;
    const upper = k.toUpperCase();
    for (const s of PREVIOUS_SUFFIXES) if (upper.endsWith(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best = '_PREVIOUS';
  let n = 0;
  for (const [s, c] of counts) if (c > n) [best, n] = [s, c];
  return best;
}
