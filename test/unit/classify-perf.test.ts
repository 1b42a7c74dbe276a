import * as assert from 'node:assert/strict';
import { classifyKeyName, keyWords } from '../../server/src/core/classify';
import { findCredentials } from '../../server/src/core/credentials';
import { hmacSelections, keyRequirement, type HmacSelection } from '../../server/src/core/placeholders';
import type { SecretValue } from '../../server/src/core/rule';
import { isListPreviousSlot, preferredPreviousSuffix, PREVIOUS_SUFFIXES, slotBase } from '../../server/src/core/slots';

/**
 * The fast paths of key-name parsing (one-pass keyWords, slotBase without regexes, the
 * classifier's word bits, keyRequirement's selector index) must answer exactly what the regex
 * forms they replaced answer. The references below are those forms, verbatim; the names are
 * generated from a fixed seed and include non-ASCII letters whose upper case is ASCII (`ı`, `ſ`,
 * `ﬆ`), line breaks and astral characters, where the fast paths hand over to the slow ones.
 */

function refKeyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

const REF_LIST_PREVIOUS = [
  { re: /^(.+)_PREVIOUS_KEYS$/i, base: (m: RegExpExecArray) => `${m[1]}_KEY` },
  { re: /^(.+)_FALLBACKS$/i, base: (m: RegExpExecArray) => m[1] },
];

function refSlotBase(key: string): { base: string; kind: string; n?: number } | undefined {
  const upper = key.toUpperCase();
  for (const l of REF_LIST_PREVIOUS) {
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

function refPreferredPreviousSuffix(allKeys: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const k of allKeys) {
    for (const s of PREVIOUS_SUFFIXES) if (k.toUpperCase().endsWith(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best = '_PREVIOUS';
  let n = 0;
  for (const [s, c] of counts) if (c > n) [best, n] = [s, c];
  return best;
}

function refKeyRequirement(s: SecretValue, configMinBytes: number, selections: readonly HmacSelection[]) {
  const base = s.klass.purpose === 'password' || s.klass.purpose === 'private-key' || s.klass.purpose === 'api-key' ? undefined : s.klass.purpose === 'salt' ? Math.min(16, configMinBytes) : configMinBytes;
  if (base === undefined) return undefined;
  if (selections.length === 0 || s.fromUrl || s.klass.purpose === 'salt') return { bytes: base };
  const words = refKeyWords(s.key);
  let best: HmacSelection | undefined;
  for (const sel of selections) {
    if (sel.prefix.length === 0 || sel.prefix.length > words.length) continue;
    let match = true;
    for (let i = 0; i < sel.prefix.length; i++) if (sel.prefix[i] !== words[i]) match = false;
    if (!match) continue;
    if (!best || sel.prefix.length > best.prefix.length || (sel.prefix.length === best.prefix.length && sel.bytes > best.bytes)) best = sel;
  }
  if (!best && s.klass.purpose === 'signing') {
    const generic = selections.filter((sel) => sel.prefix.length === 0);
    if (generic.length > 0) best = generic.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    else if (selections.length === 1) best = selections[0];
  }
  if (!best || best.bytes <= base) return { bytes: base };
  return { bytes: best.bytes, selection: best };
}

/** A small fixed-seed generator (LCG), so a failure names the same input every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
}

const WORDS = [
  'JWT', 'SECRET', 'KEY', 'KEYS', 'PUBLIC', 'PUB', 'ID', 'NAME', 'TOKEN', 'URL', 'CLIENT', 'APP', 'ANON', 'CACHE', 'EXPIRES', 'IN',
  'ROTATED', 'AT', 'PASSWORD', 'PGPASSWORD', 'CLIENTSECRET', 'AUTHTOKEN', 'MYAPIKEY', 'APIKEY', 'API', 'PASS', 'SALT', 'PRIVATE',
  'ENCRYPTION', 'WALLET', 'SESSION', 'SIGNING', 'AUTH', 'BASE', 'DSN', 'WEBHOOK', 'STRIPE', 'POSTGRES', 'ADMIN', 'PREVIOUS', 'PREV',
  'OLD', 'NEW', 'CURRENT', 'V1', 'V12', 'V', '0', '1', '23', 'VERSION', 'FALLBACKS', 'PREVIOUS_KEYS', 'ALGORITHM', 'ALG', 'ALGO',
  'HOST', 'SECRETS', 'NEXT_PUBLIC', 'VITE', 'STORYBOOK', 'TTL', 'X', 'A1', '9A', 'FIREBASE', 'MAPS',
];
const SEPARATORS = ['_', '_', '_', '.', '-', '', '__', ' ', '/'];
const ODD = ['ß', 'ı', 'ſ', 'ﬆ', 'é', '\n', '\r', '\u2028', '\u{1F600}', 'İ', '\u212A', '\t', '='];

function generateKeys(count: number, seed: number): string[] {
  const rnd = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const cased = (w: string): string => {
    const r = rnd();
    if (r < 0.5) return w;
    if (r < 0.7) return w.toLowerCase();
    if (r < 0.9) return w[0] + w.slice(1).toLowerCase();
    return [...w].map((c) => (rnd() < 0.5 ? c.toLowerCase() : c)).join('');
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(rnd() * 5);
    const camel = rnd() < 0.15;
    let key = '';
    for (let j = 0; j < n; j++) {
      let w = cased(pick(WORDS));
      if (camel) w = j === 0 ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1).toLowerCase();
      else if (j > 0) key += pick(SEPARATORS);
      key += w;
    }
    if (rnd() < 0.15) {
      const at = Math.floor(rnd() * (key.length + 1));
      key = key.slice(0, at) + pick(ODD) + key.slice(at);
    }
    if (rnd() < 0.05) key = pick(SEPARATORS) + key;
    if (rnd() < 0.05) key += pick(ODD.concat(SEPARATORS));
    out.push(key);
  }
  out.push('', '_', 'V1', '_1', '_V1', 'X_V', 'XV1', 'a_v007', 'ı_prev', 'ſ', 'x_prevſ', 'JWT_SECRET_PREVıOUS', 'ﬆORYBOOK_SECRET', 'vıte_TOKEN');
  return out;
}

const KEYS = generateKeys(20_000, 7);

describe('classify-perf: fast key-name parsing answers what the regex forms did', () => {
  it('keyWords', () => {
    for (const k of KEYS) assert.deepEqual(keyWords(k), refKeyWords(k), JSON.stringify(k));
  });

  it('keyWords hands out an array the caller may change', () => {
    const a = keyWords('JWT_SECRET');
    a.push('X');
    assert.deepEqual(keyWords('JWT_SECRET'), ['JWT', 'SECRET']);
  });

  it('slotBase, with the same object shape', () => {
    for (const k of KEYS) {
      const got = slotBase(k);
      const want = refSlotBase(k);
      assert.deepEqual(got, want, JSON.stringify(k));
      if (got) assert.deepEqual(Object.keys(got), Object.keys(want!), JSON.stringify(k));
    }
  });

  it('isListPreviousSlot', () => {
    for (const k of KEYS) assert.equal(isListPreviousSlot(k), REF_LIST_PREVIOUS.some((l) => l.re.test(k)), JSON.stringify(k));
  });

  it('preferredPreviousSuffix', () => {
    for (let i = 0; i < KEYS.length; i += 500) {
      const some = KEYS.slice(i, i + 500);
      assert.equal(preferredPreviousSuffix(some), refPreferredPreviousSuffix(some));
    }
  });

  it('classifyKeyName keeps the documented classes of glued, slot and prefixed names', () => {
    assert.deepEqual(classifyKeyName('PGPASSWORD'), { secret: true, origin: 'self-chosen', purpose: 'password', browserPrefix: undefined, reason: 'the name contains PASSWORD; chosen by the project' });
    assert.equal(classifyKeyName('JWT_SECRET_PREVIOUS')?.purpose, 'signing');
    assert.equal(classifyKeyName('WALLET_KEY_V2')?.purpose, 'encryption');
    assert.equal(classifyKeyName('AUTH_SECRET_1')?.purpose, 'signing');
    assert.equal(classifyKeyName('NEXT_PUBLIC_STRIPE_SECRET_KEY')?.browserPrefix, 'NEXT_PUBLIC_');
    assert.equal(classifyKeyName('vite_api_token')?.browserPrefix, 'VITE_');
    assert.equal(classifyKeyName('NEXT_PUBLIC_SITE_KEY')?.secret, false);
    assert.equal(classifyKeyName('JWT_EXPIRES_IN')?.reason, 'ends in EXPIRES_IN');
    assert.equal(classifyKeyName('CACHE_KEY')?.reason, 'ends in CACHE_KEY');
    assert.equal(classifyKeyName('SECRET_V'), classifyKeyName('SECRET_V'));
    for (const k of KEYS) {
      const c = classifyKeyName(k);
      if (c) assert.ok(Object.isFrozen(c));
    }
  });

  it('keyRequirement picks the same selector as a scan of every selector', () => {
    const rnd = rng(11);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
    for (let t = 0; t < 300; t++) {
      const entries: { key: string; value: string }[] = [];
      for (let i = 0, n = 1 + Math.floor(rnd() * 12); i < n; i++) {
        const key = pick(KEYS) + (rnd() < 0.5 ? pick(['_ALGORITHM', '_ALG', 'Algo', '_ALGORITHMS', '.alg', '']) : '');
        entries.push({ key, value: pick(['HS256', 'HS384', 'HS512', 'RS256', 'HS256,HS512', 'hs384']) });
      }
      const selections = hmacSelections(entries as never);
      for (const e of entries) {
        for (const purpose of ['signing', 'encryption', 'salt', 'password'] as const) {
          for (const fromUrl of [false, true]) {
            const s = { key: e.key, klass: { purpose }, fromUrl } as unknown as SecretValue;
            assert.deepEqual(keyRequirement(s, 32, selections), refKeyRequirement(s, 32, selections));
          }
        }
      }
    }
  });

  it('findCredentials still finds every format (the per-format hints are literal parts of each)', () => {
    const r = 'Q7wT2pLm9ZxR4vKc8NbY3hJd6FsG1aEu';
    const r2 = 'mV5cX8zB3nK7jH2gF9dS4aP6oI1uY0tR';
    const samples = [
      `AKIA${'Q7WT2PLM9ZXR4VKC'}`,
      `sk_live_${r}`,
      `sk_test_${r}`,
      `rk_live_${r}`,
      `whsec_${r}`,
      `ghp_${r}Ab12`,
      `github_pat_${r}${r2}`,
      `glpat-${r}`,
      `xoxb-${r}`,
      `https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/${r}`,
      `GOCSPX-${r}`,
      `AIza${r}Ab1`,
      `sk-ant-${r}`,
      `sk-proj-${r}`,
      `sk-${r}`,
      `SG.${r}.${r2}`,
      `npm_${r}Ab12`,
      `hf_${r}`,
    ];
    for (const v of samples) assert.equal(findCredentials(v, 'SOME_TOKEN').length, 1, `sample ${samples.indexOf(v)}`);
  });
});
