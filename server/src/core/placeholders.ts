import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { parseUrlPassword, keyWords, type SecretOrigin, type SecretPurpose } from './classify';
import type { SecretValue } from './rule';
import type { Strength } from './strength';
import type { EnvEntry } from './types';
import { ObjectMemo } from './object-memo';
import { distinctChars } from './text';

/**
 * Weak values: placeholders, published defaults, dictionary words, patterns, sentences and the
 * key's own name. Everything here is a pure function of the value (and the key's name); no result
 * ever carries the value or a piece of it, only a reason and a label safe to print.
 */

export type WeakReason = 'placeholder' | 'pattern' | 'dictionary' | 'sentence' | 'key-name' | 'framework-dev-key' | 'missing';

export interface Weakness {
  reason: WeakReason;
  /** What the value is, in words that never quote it: "jwt.io's default signing key". */
  label: string;
}

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

/** Defaults of services a stack provisions itself, and words people type when asked for a value. */
const SERVICE_DEFAULTS = [
  'admin', 'administrator', 'root', 'toor', 'postgres', 'postgresql', 'mysql', 'mariadb', 'redis', 'mongo', 'mongodb', 'minio',
  'rabbitmq', 'guest', 'keycloak', 'elastic', 'kibana', 'grafana', 'sa', 'oracle', 'changeit', 'test', 'testing', 'tester', 'dev',
  'development', 'develop', 'local', 'localhost', 'prod', 'production', 'staging', 'stage', 'default', 'pass', 'passwd', 'password',
  'pwd', 'user', 'username', 'demo', 'app', 'application', 'django', 'laravel', 'rails', 'flask', 'express', 'spring', 'nest',
  'node', 'docker', 'compose', 'db', 'database', 'pgadmin', 'supabase', 'strapi', 'directus', 'payload', 'airflow', 'n8n',
  'sonar', 'sonarqube', 'nexus', 'jenkins', 'gitlab', 'secret', 'master', 'qwerty', 'letmein', 'welcome', 'login', 'service',
  'server', 'backend', 'api', 'web', 'www', 'token', 'key', 'jwt', 'session', 'auth', 'nextauth', 'cookie', 'hello', 'world',
];

/** Whole values that are placeholders, compared without case and punctuation. */
const PLACEHOLDER_EXACT = [
  'secret', 'secrets', 'supersecret', 'supersecrets', 'mysecret', 'topsecret', 'verysecret', 'secretkey', 'mysecretkey',
  'supersecretkey', 'jwtsecret', 'jwtkey', 'sessionsecret', 'cookiesecret', 'appsecret', 'yoursecret', 'yoursecretkey',
  'secretpassword', 'changeme', 'changethis', 'changethisvalue', 'changemeplease', 'pleasechangeme', 'replaceme',
  'replacethis', 'placeholder', 'example', 'sample', 'dummy', 'fake', 'todo', 'fixme', 'tbd', 'tba', 'empty', 'blank',
  'notset', 'unset', 'none', 'null', 'nil', 'undefined', 'default', 'tobemodified', 'tobechanged', 'notasecret', 'insecure',
  'unsafe', 'foobar', 'foo', 'bar', 'baz', 'qux', 'abc', 'abcd', 'asdf', 'lorem', 'loremipsum', 'hello', 'helloworld',
  's3cr3t', 'secr3t', 'sekret', 'xyz', 'value', 'yourvalue', 'somevalue', 'somesecret', 'anysecret', 'randomsecret',
  'randomstring', 'somerandomstring', 'mypassword', 'yourpassword', 'secretsecret', 'redacted', 'hidden', 'masked',
];

/** Words that make a value of words a placeholder: "your_jwt_secret", "replace-me-with-...". */
const PLACEHOLDER_MARKERS = [
  'your', 'yours', 'change', 'changeme', 'replace', 'replaceme', 'placeholder', 'example', 'sample', 'dummy', 'fake', 'todo',
  'fixme', 'insert', 'enter', 'put', 'fill', 'generate', 'generated', 'tobemodified', 'here', 'xxx', 'xxxx', 'redacted',
  'override', 'paste', 'provide', 'specify', 'update', 'modify', 'goes', 'must', 'should', 'please', 'dont', 'never',
];

/**
 * Words that make a run of words a sentence *about* the secret rather than a random passphrase:
 * function words and the vocabulary of secrets.
 */
const SPEECH = [
  'is', 'are', 'am', 'be', 'my', 'our', 'the', 'a', 'an', 'this', 'that', 'for', 'of', 'to', 'in', 'on', 'at', 'with', 'and',
  'or', 'not', 'it', 'its', 'we', 'i', 'me', 'you', 'so', 'very', 'super', 'really', 'do', 'dont', 'use', 'only', 'just',
  'secret', 'secrets', 'key', 'keys', 'jwt', 'token', 'tokens', 'password', 'pass', 'session', 'cookie', 'signing', 'sign',
  'auth', 'app', 'dev', 'prod', 'production', 'development', 'local', 'test', 'staging', 'api', 'admin', 'private', 'secure',
  'security', 'random', 'string', 'long', 'strong', 'hard', 'guess', 'value', 'safe', 'keep', 'top', 'access', 'refresh',
  'encryption', 'encrypt', 'server', 'backend', 'nextauth', 'hash', 'salt', 'least', 'characters', 'chars', 'bits', 'bytes',
];

/** Short words the diceware list lacks, so sentences like "this-is-my-key" segment fully. */
const EXTRA_WORDS = [
  'a', 'i', 'is', 'am', 'an', 'as', 'at', 'be', 'by', 'do', 'go', 'he', 'if', 'in', 'it', 'me', 'my', 'no', 'of', 'on', 'or',
  'so', 'to', 'up', 'us', 'we', 'ok', 'id', 'its', 'our', 'the', 'for', 'and', 'not', 'you', 'are', 'key', 'jwt', 'api', 'app',
  'dev', 'env', 'db', 'pg', 'prod', 'auth', 'oauth', 'token', 'tokens', 'secret', 'secrets', 'pass', 'passwd', 'password',
  'session', 'cookie', 'nextauth', 'signing', 'sign', 'hmac', 'aes', 'rsa', 'sha', 'hash', 'salt', 'pepper', 'admin', 'local',
  'localhost', 'staging', 'test', 'testing', 'development', 'production', 'encryption', 'encrypt', 'decrypt', 'string',
  'value', 'random', 'secure', 'insecure', 'unsafe', 'super', 'very', 'here', 'your', 'change', 'changeme', 'replace', 'my',
  'chars', 'characters', 'bits', 'bytes', 'bit', 'byte', 'long', 'least', 'backend', 'frontend', 'server', 'client', 'config',
  'postgres', 'mysql', 'redis', 'mongo', 'minio', 'docker', 'supabase', 'django', 'rails', 'laravel', 'flask', 'express',
  'nest', 'spring', 'access', 'refresh', 'magic', 'link', 'reset', 'wallet', 'master', 'private', 'public', 'shared', 'internal',
  'todo', 'fixme', 'dummy', 'fake', 'sample', 'example', 'placeholder', 'generate', 'generated', 'openssl', 'rand', 'hex',
  'base64', 'uuid', 'tobemodified', 'xxx', 'xxxx', 'foo', 'bar', 'baz', 'demo', 'please', 'dont', 'never', 'must', 'should',
  'with', 'from', 'into', 'onto', 'than', 'then', 'that', 'this', 'these', 'those', 'have', 'has', 'had', 'will', 'would', 'can',
  'could', 'make', 'made', 'any', 'all', 'one', 'some', 'what', 'when', 'where', 'which', 'who', 'why', 'how', 'was', 'were',
  'been', 'being', 'does', 'did', 'done', 'get', 'got', 'set', 'put', 'use', 'used', 'using', 'also', 'just', 'only', 'more',
  'most', 'much', 'many', 'such', 'own', 'same', 'other', 'another', 'each', 'every', 'both', 'few', 'new', 'old', 'our',
  'ours', 'their', 'them', 'they', 'his', 'her', 'him', 'she', 'yes', 'not', 'but', 'nor', 'yet', 'out', 'off', 'over', 'under',
  'again', 'once', 'here', 'there', 'now', 'very', 'too', 'keep', 'kept', 'safe', 'real', 'actual', 'goes', 'it', 'its',
];

/** Published values: framework defaults, README examples, documented Docker image examples. */
const PUBLISHED: { normalized: string; label: string }[] = [
  { normalized: 'keyboardcat', label: "the express-session README's example" },
  { normalized: 'shhhhh', label: "the jsonwebtoken README's example" },
  { normalized: 'your256bitsecret', label: "jwt.io's default signing key" },
  { normalized: 'your384bitsecret', label: "jwt.io's default signing key" },
  { normalized: 'your512bitsecret', label: "jwt.io's default signing key" },
  { normalized: 'supersecretjwttokenwithatleast32characterslong', label: "Supabase's self-hosting default" },
  { normalized: 'yoursupersecretjwttokenwithatleast32characterslong', label: "Supabase's self-hosting default" },
  { normalized: 'thistokenisnotsosecretchangeit', label: "Symfony's default app secret" },
  { normalized: 'mysecretpw', label: "the MySQL Docker image's documented example" },
  { normalized: 'mysecretpassword', label: "the Postgres Docker image's documented example" },
  { normalized: 'minioadmin', label: "MinIO's default credentials" },
  { normalized: 'notasecret', label: "Google's fixed passphrase for .p12 service-account keys" },
  { normalized: 'changeit', label: "Java keystores' default passphrase" },
  {
    normalized: 'donotusethisvalueinsteadcreateacomplexsecretandkeepitsafeoutsideofthesourcecode',
    label: "the NestJS documentation's example",
  },
];
/** Prefixes of generated-but-published development keys. Checked case-sensitively. */
const PUBLISHED_PREFIXES: { prefix: string; label: string }[] = [{ prefix: 'django-insecure-', label: "a development key generated by Django's startproject" }];

/** Character sequences people type as "random": digits, the alphabet, hex, keyboard rows. */
const SEQUENCES = ['0123456789', '1234567890', 'abcdefghijklmnopqrstuvwxyz', '0123456789abcdef', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', '!@#$%^&*()'];

let passwords: Set<string> | undefined;
let defaults: Set<string> | undefined;
let words: Set<string> | undefined;
let placeholderExact: Set<string> | undefined;
let placeholderMarkers: Set<string> | undefined;
let speech: Set<string> | undefined;
let published: Map<string, string> | undefined;
/** Adjacency of ASCII characters in SEQUENCES: STEP[a * 128 + b] is 2 when b follows a, 3 when it precedes it. */
const STEP = new Uint8Array(128 * 128);
for (const seq of SEQUENCES) {
  for (let i = 0; i + 1 < seq.length; i++) {
    const a = seq.charCodeAt(i);
    const b = seq.charCodeAt(i + 1);
    STEP[a * 128 + b] ||= 2;
    STEP[b * 128 + a] ||= 3;
  }
}
let maxWordLength = 0;

/** Builds the lists once, on first use (about 60k words; a few milliseconds). */
function lists(): void {
  if (passwords) return;
  const dict = zxcvbnCommon.dictionary as Record<string, string[]>;
  const pw = dict['passwords-common'] ?? [];
  const dice = dict['diceware-common'] ?? [];
  passwords = new Set(pw);
  defaults = new Set(SERVICE_DEFAULTS);
  words = new Set<string>(EXTRA_WORDS);
  for (const w of dice) if (/^[a-z]+$/.test(w)) words.add(w);
  // Alphabetic entries of the common-password list are mostly words and names.
  for (const w of pw) if (w.length >= 4 && /^[a-z]+$/.test(w)) words.add(w);
  for (const w of words) if (w.length > maxWordLength) maxWordLength = w.length;
  maxWordLength = Math.min(maxWordLength, 24);
  placeholderExact = new Set(PLACEHOLDER_EXACT);
  placeholderMarkers = new Set(PLACEHOLDER_MARKERS);
  speech = new Set(SPEECH);
  published = new Map(PUBLISHED.map((p) => [p.normalized, p.label]));
}

/** Lower case, letters and digits only: `Your_JWT-Secret` -> `yourjwtsecret`. */
export function normalizeValue(value: string): string {
  return value.toLowerCase().replace(NON_ALNUM, '');
}
const NON_ALNUM = /[^a-z0-9]+/g;

// ---------------------------------------------------------------------------------------------
// Word structure
// ---------------------------------------------------------------------------------------------

export interface WordComposition {
  /** The dictionary words found, lower case, in order. */
  words: string[];
  /** Digits between the words (years, sizes): "dev2024". */
  digitChars: number;
  /** Every letter of the value belongs to a dictionary word. */
  allWords: boolean;
}

const TOKEN = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;
const NON_ASCII_LETTER = /[^\x00-\x7f]/;
/** Values longer than this are not word-segmented (random keys are long; sentences are not). */
const MAX_SEGMENT_CHARS = 160;

/**
 * Splits a value into dictionary words: on separators, camelCase and letter/digit boundaries,
 * and, for glued runs (`mysupersecretkey`), by dynamic programming over the word list.
 */
export function wordComposition(value: string): WordComposition | undefined {
  if (value.length === 0 || value.length > MAX_SEGMENT_CHARS || NON_ASCII_LETTER.test(value)) return undefined;
  lists();
  const found: string[] = [];
  let digitChars = 0;
  let allWords = true;
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(value)) !== null) {
    const t = m[0];
    if (t.charCodeAt(0) <= 57) {
      digitChars += t.length;
      continue;
    }
    const lower = t.toLowerCase();
    if (words!.has(lower)) {
      found.push(lower);
      continue;
    }
    const seg = segment(lower);
    if (seg) found.push(...seg);
    else {
      // One stray token settles it: callers only use the words of values made entirely of words.
      allWords = false;
      break;
    }
  }
  return { words: found, digitChars, allWords: allWords && found.length > 0 };
}

/** Fewest-words segmentation of a lower-case run, or undefined when some letters fit no word. */
function segment(s: string): string[] | undefined {
  const n = s.length;
  if (n < 4) return undefined;
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === Infinity) continue;
    const max = Math.min(n, i + maxWordLength);
    for (let j = i + 1; j <= max; j++) {
      if (best[i] + 1 < best[j] && words!.has(s.slice(i, j))) {
        best[j] = best[i] + 1;
        from[j] = i;
      }
    }
  }
  if (best[n] === Infinity) return undefined;
  const out: string[] = [];
  for (let j = n; j > 0; j = from[j]) out.push(s.slice(from[j], j));
  out.reverse();
  // Random letters can often be covered by many tiny words; real phrases use longer ones.
  if (out.length > 1 && n / out.length < 3) return undefined;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

/** Repeated or sequential characters: `aaaa`, `abcabc`, `AABBCCDD`, `12345678`, `qwerty`, `a1b2c3d4`. */
export function isPatterned(value: string): boolean {
  const n = value.length;
  if (n < 4) return false;
  const lower = value.toLowerCase();
  if (hasSmallPeriod(lower)) return true;
  if (n >= 8 && n % 2 === 0 && isDoubled(lower)) return true;
  if (n >= 8 && atMostDistinct(lower, 3)) return true;
  if (sequenceCoverage(lower) >= 0.85) return true;
  if (n >= 8) {
    // Interleaved sequences: a1b2c3d4.
    if (sequenceCoverage(lower, 0, 2) >= 0.85 && sequenceCoverage(lower, 1, 2) >= 0.85) return true;
  }
  return false;
}

/** Whether the string uses at most `k` different characters (stops at the first extra one). */
function atMostDistinct(str: string, k: number): boolean {
  const seen: number[] = [];
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (seen.includes(c)) continue;
    if (seen.length === k) return false;
    seen.push(c);
  }
  return true;
}

/** The value repeats a chunk of at most half its length: `abcabcab`, `deadbeefdeadbeef`. */
function hasSmallPeriod(s: string): boolean {
  const n = s.length;
  for (let p = 1; p <= n >> 1; p++) {
    let ok = true;
    for (let i = p; i < n; i++) {
      if (s.charCodeAt(i) !== s.charCodeAt(i - p)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/** Every character written twice: `AABBCCDDEEFF`. */
function isDoubled(s: string): boolean {
  for (let i = 0; i < s.length; i += 2) if (s[i] !== s[i + 1]) return false;
  return true;
}

/**
 * Share of characters inside runs (of 3+) of one repeated character or of a known sequence, over
 * the characters at `from`, `from + step`, ... (step 2 reads interleaved sequences: a1b2c3).
 */
export function sequenceCoverage(lower: string, from = 0, step = 1): number {
  const n = lower.length;
  if (from >= n) return 0;
  let covered = 0;
  let total = 0;
  let i = from;
  while (i < n) {
    let j = i + step;
    let len = 1;
    let mode = 0; // 1 repeat, 2 forward, 3 backward
    while (j < n) {
      const a = lower.charCodeAt(j - step);
      const b = lower.charCodeAt(j);
      const kind = a === b ? 1 : a < 128 && b < 128 ? STEP[a * 128 + b] : 0;
      if (kind === 0 || (mode !== 0 && kind !== mode)) break;
      mode = kind;
      len++;
      j += step;
    }
    if (len >= 3) covered += len;
    total += len;
    i = j;
  }
  return covered / total;
}

// ---------------------------------------------------------------------------------------------
// Weakness
// ---------------------------------------------------------------------------------------------

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l' };
const LEET_CHARS = /[0134573@$!|]/g;
const COMMON_SUFFIX = /[\d!@#$%^&*?.+_-]{1,6}$/;

function inDictionary(lower: string): boolean {
  return passwords!.has(lower) || defaults!.has(lower);
}

/** A common password or service default, possibly with a short suffix (`Admin2024!`) or leetspeak. */
export function isDictionaryValue(value: string): boolean {
  if (value.length > 40) return false;
  lists();
  const lower = value.toLowerCase();
  if (inDictionary(lower)) return true;
  const base = lower.replace(COMMON_SUFFIX, '');
  if (base.length >= 3 && base !== lower && inDictionary(base)) return true;
  const unleet = lower.replace(LEET_CHARS, (c) => LEET[c] ?? c);
  if (unleet !== lower) {
    if (inDictionary(unleet)) return true;
    const b = lower.replace(COMMON_SUFFIX, '').replace(LEET_CHARS, (c) => LEET[c] ?? c);
    if (b.length >= 3 && inDictionary(b)) return true;
  }
  return false;
}

/** The value is (part of) the key's own name: `JWT_SECRET=jwt-secret`, `POSTGRES_PASSWORD=postgres`. */
export function isKeyNameValue(value: string, key: string): boolean {
  const nv = normalizeValue(value).replace(/\d+$/, '');
  if (nv.length < 3) return false;
  const kw = keyWords(key).map((w) => w.toLowerCase());
  for (let i = 0; i < kw.length; i++) {
    let joined = '';
    for (let j = i; j < kw.length; j++) {
      joined += kw[j];
      if (joined === nv) return true;
      if (joined.length > nv.length) break;
    }
  }
  return false;
}

function publishedLabel(value: string): string | undefined {
  for (const p of PUBLISHED_PREFIXES) if (value.startsWith(p.prefix) && value.length > p.prefix.length) return p.label;
  return published!.get(normalizeValue(value));
}

function isPlaceholderExact(value: string): boolean {
  const n = normalizeValue(value);
  if (placeholderExact!.has(n)) return true;
  if (/^x{3,}$/.test(n)) return true;
  // Only filler characters: `***`, `...`, `___`, `---`.
  return n === '' && value.trim().length >= 1;
}

const LETTER_RUN = /[A-Za-z]{3,}/g;

/** At least half the value is letters in runs of three or more: worth segmenting into words. */
function mayBeWords(value: string): boolean {
  let letters = 0;
  LETTER_RUN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LETTER_RUN.exec(value)) !== null) letters += m[0].length;
  return letters * 2 >= value.length;
}

function isSentence(comp: WordComposition | undefined): boolean {
  if (!comp || !comp.allWords) return false;
  const ws = comp.words;
  if (ws.length >= 3 && ws.some((w) => speech!.has(w))) return true;
  return ws.length >= 2 && ws.every((w) => speech!.has(w));
}

/**
 * Why a self-chosen secret's value is weak, or undefined. `urlUser` is the user name of a
 * connection URL whose password this is (`postgres://app:app@db`).
 */
export function findWeakness(value: string, key: string, urlUser?: string): Weakness | undefined {
  lists();
  const dev = publishedLabel(value);
  if (dev) return { reason: 'framework-dev-key', label: dev };
  // `$(openssl rand -base64 32)` or backticks: dotenv does not run commands, the app gets the text.
  if (/^\$\(.+\)$/.test(value) || /^`.+`$/.test(value)) {
    return { reason: 'placeholder', label: 'a shell command that dotenv never runs (the app gets the command text)' };
  }
  const placeholder = { reason: 'placeholder', label: 'a well-known placeholder' } as const;
  if (isPlaceholderExact(value)) return placeholder;
  if (isDictionaryValue(value)) return { reason: 'dictionary', label: 'a common default found in every cracking list' };
  if (urlUser && urlUser.length >= 2 && normalizeValue(urlUser) === normalizeValue(value)) {
    return { reason: 'key-name', label: 'the same as the user name in the URL' };
  }
  if (isKeyNameValue(value, key)) return { reason: 'key-name', label: "the key's own name" };
  // Word structure is the costly part; random keys rarely have letter runs long enough to need it.
  const comp = mayBeWords(value) ? wordComposition(value) : undefined;
  if (comp?.allWords && comp.words.some((w) => placeholderMarkers!.has(w))) return placeholder;
  if (isPatterned(value)) return { reason: 'pattern', label: 'a pattern of repeated or sequential characters' };
  if (isSentence(comp)) return { reason: 'sentence', label: 'a phrase of ordinary words' };
  return undefined;
}

/**
 * A credential body that is obviously not real: runs of x, `EXAMPLE`, repeated or sequential
 * characters, placeholder words. Used to skip documentation values such as `AKIAIOSFODNN7EXAMPLE`.
 */
export function looksFake(body: string): boolean {
  lists();
  if (FAKE_MARKS.test(body)) return true;
  if (body.length >= 12 && distinctChars(body) < 6) return true;
  if (/(.)\1{5,}/.test(body)) return true;
  if (isPatterned(body)) return true;
  return sequenceCoverage(body.toLowerCase()) >= 0.5;
}
const FAKE_MARKS = /x{4,}|X{4,}|\*{3,}|\.{3}|…|example|your|dummy|fake|sample|placeholder|changeme|replace|insert|redacted|0{8,}|<|>|\{\{|\$\{/i;

// ---------------------------------------------------------------------------------------------
// Policy shared by weak-secret, short-secret and low-entropy-secret
// ---------------------------------------------------------------------------------------------

/** Minimum bytes of key material by purpose; undefined where length is not the measure (passwords). */
export function minimumBytes(purpose: SecretPurpose, configMinBytes: number): number | undefined {
  switch (purpose) {
    case 'password':
    case 'private-key':
    case 'api-key':
      return undefined;
    case 'salt':
      // NIST SP 800-132: at least 128 bits of salt.
      return Math.min(16, configMinBytes);
    default:
      return configMinBytes;
  }
}

/** The entropy a value of this purpose should reach, in bits. */
export function entropyTarget(purpose: SecretPurpose): number {
  return purpose === 'password' ? 64 : 128;
}

/** What a guesser can do with it, completing "anyone who ... can ___". */
export function purposeVerb(purpose: SecretPurpose): string {
  switch (purpose) {
    case 'signing':
      return 'forge tokens';
    case 'session':
      return 'forge session cookies';
    case 'encryption':
      return 'decrypt what it protects';
    case 'password':
      return 'log in';
    case 'salt':
      return 'precompute the hashes it protects';
    case 'token':
      return 'call the service with it';
    default:
      return 'use the access it grants';
  }
}

/** A name for the kind of secret, for "the minimum for a session secret". */
export function purposeNoun(purpose: SecretPurpose): string {
  switch (purpose) {
    case 'signing':
      return 'a signing key';
    case 'session':
      return 'a session secret';
    case 'encryption':
      return 'an encryption key';
    case 'salt':
      return 'a salt';
    case 'token':
      return 'a token';
    default:
      return 'this secret';
  }
}

/** The fix, as one sentence; generation always from a CSPRNG. */
export function replacementAdvice(purpose: SecretPurpose, bytes: number): string {
  if (purpose === 'password') return 'Replace it with 24 or more random characters (openssl rand -base64 24) and change it in the service too.';
  return `Replace it with ${bytes} random bytes (openssl rand -base64 ${bytes}).`;
}

/** The user name of a connection URL, for "password equals user" checks. */
export function urlUserOf(entryValue: string): string | undefined {
  return parseUrlPassword(entryValue)?.user;
}

const THIRD_PARTY_SCHEMES = /^(https?|wss?|ftps?|sftp|smtps?|imaps?|pop3s?)$/;

/**
 * Who issues a secret. A password inside an http(s)/smtp/ftp URL belongs to someone else's
 * service; one inside a database or broker URL is the stack's own.
 */
export function originOf(s: SecretValue): SecretOrigin {
  if (!s.fromUrl) return s.klass.origin;
  const url = parseUrlPassword(s.entry.value);
  return url && THIRD_PARTY_SCHEMES.test(url.scheme) ? 'third-party' : s.klass.origin;
}

/**
 * The value rules (weak, short, low-entropy) judge self-chosen secrets of real files: example
 * files hold placeholders on purpose, a third party's placeholder cannot work, and a private key's
 * strength is its algorithm's.
 */
export function valueRulesApply(s: SecretValue, isExample: boolean): boolean {
  return !isExample && s.klass.purpose !== 'private-key' && originOf(s) === 'self-chosen';
}

/** How a finding names a secret: the key, or the credential inside a URL, or a compose default. */
export function subjectOf(s: SecretValue): string {
  if (s.fromUrl) return `${s.key} (the credential inside the URL)`;
  if (s.entry.interpolationDefault) return `The default of ${s.entry.interpolationVar ?? s.key} (used when it is not set)`;
  return s.key;
}

/** Entries kept by the per-value caches below before they are dropped wholesale. */
const CACHE_MAX = 50_000;
const strengthCache = new Map<string, Strength>();

/**
 * `ctx.strength` for a secret of the file, cached by the keyed hash the analyzer already computed
 * (so a keystroke re-running three rules over 10,000 values hashes nothing again).
 */
export function strengthOf(ctx: { strength(value: string): Strength }, s: SecretValue): Strength {
  let st = strengthCache.get(s.hash);
  if (!st) {
    st = ctx.strength(s.value);
    if (strengthCache.size >= CACHE_MAX) strengthCache.clear();
    strengthCache.set(s.hash, st);
  }
  return st;
}

/** keyed hash -> key (+ "\0" + URL user) -> weakness; never the value itself. */
const weaknessCache = new Map<string, Map<string, Weakness | null>>();

/** `findWeakness` for a secret of the file, cached by keyed hash and key. */
export function weaknessOf(s: SecretValue): Weakness | undefined {
  const urlUser = s.fromUrl ? urlUserOf(s.entry.value) : undefined;
  const sub = urlUser === undefined ? s.key : `${s.key}\u0000${urlUser}`;
  let byKey = weaknessCache.get(s.hash);
  let w = byKey?.get(sub);
  if (w === undefined) {
    w = findWeakness(s.value, s.key, urlUser) ?? null;
    if (!byKey) {
      if (weaknessCache.size >= CACHE_MAX) weaknessCache.clear();
      weaknessCache.set(s.hash, (byKey = new Map()));
    }
    byKey.set(sub, w);
  }
  return w ?? undefined;
}

const fakeCache = new Map<string, boolean>();

/** `looksFake` for a secret's value, cached by keyed hash. */
export function fakeOf(s: SecretValue): boolean {
  let v = fakeCache.get(s.hash);
  if (v === undefined) {
    v = looksFake(s.value);
    if (fakeCache.size >= CACHE_MAX) fakeCache.clear();
    fakeCache.set(s.hash, v);
  }
  return v;
}

/**
 * What the value rules know about each secret of one file version, shared by every rule that runs
 * over it: three rules asking about 10,000 values cost one lookup per value, not three.
 * Keyed by the file's `secrets` array, which the analyzer replaces when the file changes.
 */
export class SecretFacts {
  private readonly strengths: (Strength | undefined)[] = [];
  private readonly weak: (Weakness | null | undefined)[] = [];
  private readonly fake: (boolean | undefined)[] = [];

  constructor(
    private readonly ctx: { strength(value: string): Strength },
    readonly secrets: readonly SecretValue[],
  ) {}

  strength(i: number): Strength {
    return (this.strengths[i] ??= strengthOf(this.ctx, this.secrets[i]));
  }

  weakness(i: number): Weakness | undefined {
    let w = this.weak[i];
    if (w === undefined) this.weak[i] = w = weaknessOf(this.secrets[i]) ?? null;
    return w ?? undefined;
  }

  looksFake(i: number): boolean {
    return (this.fake[i] ??= fakeOf(this.secrets[i]));
  }

  private selections?: HmacSelection[];
  /** The file's HMAC algorithm selectors (same file version, so computed once). */
  hmacSelections(entries: readonly EnvEntry[]): HmacSelection[] {
    return (this.selections ??= hmacSelections(entries));
  }
}

const factsByFile = new ObjectMemo<readonly SecretValue[], SecretFacts>('factsByFile');

export function secretFacts(ctx: { strength(value: string): Strength; readonly secrets: readonly SecretValue[] }): SecretFacts {
  let f = factsByFile.get(ctx.secrets);
  if (!f) factsByFile.set(ctx.secrets, (f = new SecretFacts(ctx, ctx.secrets)));
  return f;
}

/**
 * Drops the facts of a file version once its file rules have run (the only rules asking for them);
 * kept, they held ~5 MB of the heap after loading the 5,000-file benchmark tree that nothing else
 * did. They are made again if the rules run on the same version again (a configuration change).
 */
export function forgetSecretFacts(secrets: readonly SecretValue[]): void {
  factsByFile.forget(secrets);
}

// ---------------------------------------------------------------------------------------------
// HMAC algorithm siblings (RFC 7518 §3.2)
// ---------------------------------------------------------------------------------------------

export interface HmacSelection {
  /** The key that selects the algorithm: `JWT_ALGORITHM`. */
  key: string;
  alg: 'HS256' | 'HS384' | 'HS512';
  /** RFC 7518 §3.2: a key at least as long as the hash output. */
  bytes: number;
  /** The selector's words before ALG/ALGORITHM: `JWT_ACCESS_ALGORITHM` -> [JWT, ACCESS]. */
  prefix: string[];
}

const ALG_WORDS = new Set(['ALG', 'ALGO', 'ALGORITHM', 'ALGORITHMS']);
const HS_ALG = /HS(256|384|512)/gi;

/**
 * Whether the last word of a key can be one of ALG_WORDS: they all hold `al`, and end in `g`, `o`,
 * `m` or `s` (any case), so the key's last letter or digit must be one of those (a cheap test
 * before splitting the name into words).
 */
function mayEndInAlgWord(key: string): boolean {
  let i = key.length - 1;
  for (; i >= 0; i--) {
    const c = key.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) break;
  }
  if (i < 0) return false;
  const c = key.charCodeAt(i) | 0x20;
  return (c === 0x67 || c === 0x6f || c === 0x6d || c === 0x73) && /al/i.test(key);
}

/** The `*_ALG`/`*_ALGORITHM` entries of a file that select an HMAC algorithm (the strongest listed). */
export function hmacSelections(entries: readonly EnvEntry[]): HmacSelection[] {
  const out: HmacSelection[] = [];
  for (const e of entries) {
    if (!mayEndInAlgWord(e.key)) continue;
    const words = keyWords(e.key);
    if (words.length === 0 || !ALG_WORDS.has(words[words.length - 1])) continue;
    let best = 0;
    HS_ALG.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = HS_ALG.exec(e.value)) !== null) best = Math.max(best, Number(m[1]));
    if (best === 0) continue;
    out.push({ key: e.key, alg: `HS${best}` as HmacSelection['alg'], bytes: best / 8, prefix: words.slice(0, -1) });
  }
  return out;
}

export interface KeyRequirement {
  bytes: number;
  /** Set when a sibling raised the requirement above the project minimum. */
  selection?: HmacSelection;
}

/**
 * The key material a secret needs: the project minimum for its purpose, raised to 48/64 bytes when
 * a sibling selects HS384/HS512. A selector applies to the secrets its prefix names
 * (`JWT_ALGORITHM` -> `JWT_*`); an unprefixed one, or the file's only one, to signing keys.
 */
export function keyRequirement(s: SecretValue, configMinBytes: number, selections: readonly HmacSelection[]): KeyRequirement | undefined {
  const base = minimumBytes(s.klass.purpose, configMinBytes);
  if (base === undefined) return undefined;
  if (selections.length === 0 || s.fromUrl || s.klass.purpose === 'salt') return { bytes: base };
  const words = keyWords(s.key);
  const ix = selectionIndex(selections);
  let best: HmacSelection | undefined;
  // Only selectors whose prefix starts with the key's first word can match; in file order.
  const candidates = words.length > 0 ? ix.byFirstWord.get(words[0]) : undefined;
  if (candidates) {
    for (const sel of candidates) {
      if (sel.prefix.length > words.length) continue;
      let match = true;
      for (let i = 1; i < sel.prefix.length; i++) if (sel.prefix[i] !== words[i]) match = false;
      if (!match) continue;
      if (!best || sel.prefix.length > best.prefix.length || (sel.prefix.length === best.prefix.length && sel.bytes > best.bytes)) best = sel;
    }
  }
  if (!best && s.klass.purpose === 'signing') {
    if (ix.genericBest) best = ix.genericBest;
    else if (selections.length === 1) best = selections[0];
  }
  if (!best || best.bytes <= base) return { bytes: base };
  return { bytes: best.bytes, selection: best };
}

interface SelectionIndex {
  /** Prefixed selectors by the first word of their prefix, in file order. */
  byFirstWord: Map<string, HmacSelection[]>;
  /** The strongest unprefixed selector (the first of equals), if any. */
  genericBest?: HmacSelection;
}

/**
 * Per selections array (one per file version, from SecretFacts): a file of 10,000 lines can have
 * a hundred selectors, and every secret of it asked each of them.
 */
const selectionIndexes = new ObjectMemo<readonly HmacSelection[], SelectionIndex>('selectionIndexes');

function selectionIndex(selections: readonly HmacSelection[]): SelectionIndex {
  let ix = selectionIndexes.get(selections);
  if (!ix) {
    ix = { byFirstWord: new Map() };
    for (const sel of selections) {
      if (sel.prefix.length === 0) {
        if (!ix.genericBest || sel.bytes > ix.genericBest.bytes) ix.genericBest = sel;
        continue;
      }
      const list = ix.byFirstWord.get(sel.prefix[0]);
      if (list) list.push(sel);
      else ix.byFirstWord.set(sel.prefix[0], [sel]);
    }
    selectionIndexes.set(selections, ix);
  }
  return ix;
}
