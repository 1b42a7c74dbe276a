import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { wordComposition } from './placeholders';
import { distinctChars } from './text';
import { fastDictionaryMatchers } from './zxcvbn-matchers';

/** How a secret's text encodes its key material. */
export type ValueEncoding = 'hex' | 'base64' | 'base64url' | 'text';

export interface Strength {
  /** Characters of the value. */
  length: number;
  encoding: ValueEncoding;
  /** Bytes of key material: decoded bytes for hex/base64, UTF-8 bytes for text. */
  bytes: number;
  /** An estimate of the guessing entropy in bits (never more than 8 per byte); zxcvbn estimates are made on first read. */
  readonly entropyBits: number;
  /** How the estimate was made, for hovers. */
  estimator: 'charset' | 'zxcvbn';
  /** Looks like the output of a random generator (hex/base64 of mixed characters, not a word list). */
  randomLooking: boolean;
}

const HEX = /^[0-9a-fA-F]+$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** Detects the encoding from the value's alphabet; hex wins over base64 when both fit. */
export function detectEncoding(value: string): ValueEncoding {
  if (value.length >= 16 && value.length % 2 === 0 && HEX.test(value)) return 'hex';
  if (value.length >= 16 && B64.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && (value.length % 4 === 0 || !value.includes('='))) {
    return /[+/]/.test(value) || value.endsWith('=') ? 'base64' : hasDigitsAndCases(value) ? 'base64' : 'text';
  }
  if (value.length >= 16 && B64URL.test(value) && /[-_]/.test(value) && hasDigitsAndCases(value) && !/[-_]{2}/.test(value)) return 'base64url';
  return 'text';
}

function hasDigitsAndCases(v: string): boolean {
  return /[0-9]/.test(v) && /[A-Z]/.test(v) && /[a-z]/.test(v);
}

export function decodedByteLength(value: string, encoding: ValueEncoding): number {
  switch (encoding) {
    case 'hex':
      return value.length / 2;
    case 'base64':
    case 'base64url': {
      const body = value.replace(/=+$/, '');
      return Math.floor((body.length * 6) / 8);
    }
    default:
      return Buffer.byteLength(value, 'utf8');
  }
}

/** Shannon entropy of the character distribution, in bits per character. */
function charEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * The zxcvbn the estimates use. `fastMatchers` (the default) swaps in the dictionary matchers of
 * zxcvbn-matchers.ts, which find the same matches sooner; false gives the package's own (tests
 * compare the two).
 */
export function createZxcvbn(fastMatchers = true): ZxcvbnFactory {
  // Few l33t substitutions: leetspeak of common passwords is caught by the dictionary check in
  // placeholders.ts, and each substitution re-runs the dictionary matcher.
  const options = { dictionary: { ...zxcvbnCommon.dictionary }, graphs: zxcvbnCommon.adjacencyGraphs, l33tMaxSubstitutions: 16 };
  const matchers = fastMatchers ? fastDictionaryMatchers() : undefined;
  return matchers ? new ZxcvbnFactory(options, matchers as unknown as ConstructorParameters<typeof ZxcvbnFactory>[1]) : new ZxcvbnFactory(options);
}

let zxcvbn: ZxcvbnFactory | undefined;
function getZxcvbn(): ZxcvbnFactory {
  zxcvbn ??= createZxcvbn();
  return zxcvbn;
}

/**
 * zxcvbn's matching is quadratic in the length (about 3 ms at 16 characters, 40 ms at 64); it is
 * meant for short human-made text. Longer values use the charset and passphrase estimates.
 */
const ZXCVBN_MAX = 32;

/** Bits per word of a passphrase: log2 of the 7,776-word diceware list, the generous case. */
const BITS_PER_WORD = Math.log2(7776);

/**
 * Estimates a value's strength. Random-looking encodings are estimated from their alphabet and how
 * many distinct symbols they use (bounded by the key material they decode to); human-made text goes
 * through zxcvbn, which knows dictionaries, keyboard walks, dates and repeats, and values made of
 * words are counted as passphrases (a word is worth about 13 bits however long it is).
 */
export function estimateStrength(value: string): Strength {
  // Laravel's `APP_KEY=base64:...`: the key is what follows the scheme.
  const body = /^base64:[A-Za-z0-9+/]{16,}={0,2}$/.test(value) ? value.slice(7) : value;
  let encoding = detectEncoding(body);
  if (body !== value && encoding === 'text') encoding = 'base64';
  const bytes = decodedByteLength(body, encoding);
  const distinct = distinctChars(body);
  const randomLooking = encoding !== 'text' ? distinct >= Math.min(10, body.length / 2) && !hasLongRun(body, 6) : looksRandomText(body);
  const words = wordComposition(value);
  const wordBits = words && words.allWords && words.words.length >= 2 ? words.words.length * BITS_PER_WORD + words.digitChars * Math.log2(10) : Infinity;
  if (randomLooking && wordBits === Infinity) {
    const symbols = encoding === 'hex' ? body : body.replace(/=+$/, '');
    const alphabet = encoding === 'hex' ? 16 : encoding === 'text' ? alphabetSize(body) : 64;
    const bits = Math.min(symbols.length * Math.log2(effectiveAlphabet(symbols.length, distinctChars(symbols), alphabet)), bytes * 8);
    return { length: value.length, encoding, bytes, entropyBits: Math.round(bits), estimator: 'charset', randomLooking: true };
  }
  const perChar = charEntropy(value);
  const alphabetBits = encoding === 'hex' ? 4 : encoding === 'text' ? Math.log2(Math.max(2, alphabetSize(value))) : 6;
  // Per-character entropy of a short string underestimates its alphabet; use the smaller of the
  // alphabet bound and a distribution bound that allows for small-sample effects.
  const charsetBits = Math.min(value.length * Math.min(alphabetBits, perChar + 1), bytes * 8, wordBits);
  if (value.length <= ZXCVBN_MAX) {
    // zxcvbn costs milliseconds; most callers want only the shape (a weak value's encoding, a
    // key's bytes), so the estimate is made the first time someone reads it.
    const out = { length: value.length, encoding, bytes, estimator: 'zxcvbn', randomLooking: false } as Strength;
    Object.defineProperty(out, 'entropyBits', {
      enumerable: true,
      configurable: true,
      get() {
        const r = getZxcvbn().check(value);
        const bits = Math.round(Math.min(r.guessesLog10 * Math.log2(10), charsetBits));
        Object.defineProperty(out, 'entropyBits', { value: bits, enumerable: true, writable: false, configurable: false });
        return bits;
      },
    });
    return out;
  }
  return { length: value.length, encoding, bytes, entropyBits: Math.round(charsetBits), estimator: 'charset', randomLooking: false };
}

/**
 * The alphabet a random draw of `n` symbols showing `distinct` different ones most plausibly came
 * from: the expected number of distinct symbols in n draws from A is A(1-(1-1/A)^n), which grows
 * with A. Two symbols of slack absorb sampling noise, so genuine random keys get their full alphabet.
 */
function effectiveAlphabet(n: number, distinct: number, alphabet: number): number {
  const target = Math.min(distinct + 2, n);
  const expected = (a: number) => a * (1 - Math.pow(1 - 1 / a, n));
  if (expected(alphabet) <= target) return alphabet;
  let lo = Math.max(2, distinct);
  let hi = alphabet;
  for (let i = 0; i < 40 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

function alphabetSize(v: string): number {
  let n = 0;
  if (/[a-z]/.test(v)) n += 26;
  if (/[A-Z]/.test(v)) n += 26;
  if (/[0-9]/.test(v)) n += 10;
  if (/[^A-Za-z0-9]/.test(v)) n += 33;
  return n;
}

/** A run of `n` identical characters (random 64-char hex has a run of 4 one time in 70; of 6, one in 18,000). */
function hasLongRun(v: string, n: number): boolean {
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    run = v.charCodeAt(i) === v.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= n) return true;
  }
  return false;
}

/** Mixed letters, digits and symbols with no word structure: what a password generator makes. */
function looksRandomText(v: string): boolean {
  if (v.length < 12) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length;
  if (classes < 3) return false;
  // Runs of 4+ letters look like words; generators rarely produce many of them.
  const wordish = (v.match(/[A-Za-z]{5,}/g) ?? []).join('').length;
  return wordish / v.length < 0.4 && charEntropy(v) > 3.2;
}
