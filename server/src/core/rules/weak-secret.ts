import { isMarker } from '../classify';
import { minimumBytes, purposeVerb, replacementAdvice, secretFacts, subjectOf, valueRulesApply } from '../placeholders';
import { carryIndexes, type FileContext, type Rule } from '../rule';
import { slotBase } from '../slots';
import type { EnvEntry } from '../types';

/**
 * What the rule reads of one file version, carried to the next (`FileContext.recall`): a keystroke
 * re-reads the entries and secrets the re-parse produced, not every one.
 */
interface Memo {
  /** Secrets with a weak value the rule applies to, in order. */
  weak: number[];
  /** Entries of a self-chosen secret key (but private keys) that are empty or hold a marker, in order. */
  blanks: number[];
  /** The keys of `blanks`. */
  keys: ReadonlySet<string>;
  /** Every entry of those keys, in order: where dotenv's last assignment is found. */
  sameKey: number[];
}

const NO_KEYS: ReadonlySet<string> = new Set();

/** A self-chosen secret that must be set (not a private key, whose strength is its algorithm's). */
function requiredKind(ctx: FileContext, key: string): boolean {
  const klass = ctx.classify(key);
  return !!klass?.secret && klass.origin === 'self-chosen' && klass.purpose !== 'private-key';
}

/** An empty value or an `<angle-bracket>` marker, written as a value (not a reference or a default). */
function blank(e: EnvEntry): boolean {
  if (e.reference || e.interpolationDefault) return false;
  // Cheap test first: this sees every re-parsed entry.
  return e.value === '' || (e.value.indexOf('<') !== -1 && e.value.trim().startsWith('<') && isMarker(e.value));
}

function memoOf(ctx: FileContext): Memo {
  const entries = ctx.source.entries;
  const facts = secretFacts(ctx);
  const weakTest = (i: number): boolean => valueRulesApply(ctx.secrets[i], false) && !!facts.weakness(i);
  const blankTest = (i: number): boolean => blank(entries[i]) && requiredKind(ctx, entries[i].key);
  const dotenvLike = ctx.source.format === 'dotenv' || ctx.source.format === 'compose';
  const recalled = ctx.recall<Memo>();
  if (recalled && !recalled.carried) return recalled.memo;
  let weak: number[];
  let blanks: number[] = [];
  let memoKeys: ReadonlySet<string> = NO_KEYS;
  if (recalled) {
    weak = carryIndexes(recalled.memo.weak, recalled.carried!.secrets, weakTest);
    if (dotenvLike) blanks = carryIndexes(recalled.memo.blanks, recalled.carried!.entries, blankTest);
  } else {
    weak = [];
    for (let i = 0; i < ctx.secrets.length; i++) if (weakTest(i)) weak.push(i);
    if (dotenvLike) for (let i = 0; i < entries.length; i++) if (blankTest(i)) blanks.push(i);
  }
  // The entries of those keys: carried while the blank keys are the same (the entries an edit
  // kept or moved keep their keys), found again when they change.
  let sameKey: number[] = [];
  if (blanks.length > 0) {
    const keys = new Set(blanks.map((i) => entries[i].key));
    const before = recalled?.memo;
    const test = (i: number): boolean => keys.has(entries[i].key);
    if (before && before.keys.size === keys.size && [...keys].every((k) => before.keys.has(k))) sameKey = carryIndexes(before.sameKey, recalled!.carried!.entries, test);
    else for (let i = 0; i < entries.length; i++) if (test(i)) sameKey.push(i);
    memoKeys = keys;
  }
  const memo = { weak, blanks, keys: memoKeys, sameKey };
  ctx.keep(memo);
  return memo;
}

/** Placeholder, default, dictionary or pattern value for a secret the project chooses itself */
export const weakSecretRule: Rule = {
  meta: {
    id: 'weak-secret',
    defaultSeverity: 'error',
    description: 'Placeholder, default, dictionary or pattern value for a secret the project chooses itself',
    docs: '#weak-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.isExample) return;
    const facts = secretFacts(ctx);
    const memo = memoOf(ctx);
    for (const i of memo.weak) {
      const s = ctx.secrets[i];
      const weak = facts.weakness(i)!;
      const purpose = s.klass.purpose;
      const st = facts.strength(i);
      const bytes = minimumBytes(purpose, ctx.config.minBytes) ?? ctx.config.minBytes;
      const subject = subjectOf(s);
      const n = s.value.length;
      let why: string;
      switch (weak.reason) {
        case 'placeholder':
          why = `anyone who has seen the docs can ${purposeVerb(purpose)}`;
          break;
        case 'framework-dev-key':
          why = `it is published, so anyone can ${purposeVerb(purpose)}`;
          break;
        case 'dictionary':
          why = `cracking tools try it first, so anyone can ${purposeVerb(purpose)}`;
          break;
        case 'sentence':
          why = `word lists guess phrases far faster than random bytes, so anyone can ${purposeVerb(purpose)}`;
          break;
        default:
          why = `it is among the first guesses, so anyone can ${purposeVerb(purpose)}`;
      }
      ctx.report({
        start: s.start,
        end: s.end,
        key: s.key,
        message: `${subject} is ${weak.label} (${n} chars): ${why}. ${replacementAdvice(purpose, bytes)}`,
        data: { reason: weak.reason, length: n, encoding: st.encoding },
      });
    }
    reportMissingAndMarkers(ctx, memo);
  },
};

/** Purposes whose absence breaks or silently weakens the app (a signing key of ""). */
const REQUIRED_PURPOSES = new Set(['signing', 'encryption', 'session']);

/**
 * Real files only: an empty signing/encryption/session key is missing, and an `<angle-bracket>`
 * marker left over from the example is a literal the app will use.
 */
function reportMissingAndMarkers(ctx: FileContext, memo: Memo): void {
  if (memo.blanks.length === 0) return;
  const entries = ctx.source.entries;
  const previousSlots = new Set<string>();
  for (const f of ctx.families.values()) for (const k of f.previous) previousSlots.add(k);
  // dotenv keeps the last assignment: an empty line overridden later is not what runs.
  const lastValue = new Map<string, string>();
  for (const i of memo.sameKey) lastValue.set(entries[i].key, entries[i].value);
  for (const i of memo.blanks) {
    const e = entries[i];
    const marker = e.value !== '';
    const klass = ctx.classify(e.key)!;
    if (lastValue.get(e.key) !== e.value) continue;
    const bytes = minimumBytes(klass.purpose, ctx.config.minBytes) ?? ctx.config.minBytes;
    if (marker) {
      ctx.report({
        start: e.valueStart,
        end: e.valueEnd,
        key: e.key,
        message: `${e.key} still holds the example's marker (${e.value.length} chars): the app uses that literal text, so anyone who has seen the example can ${purposeVerb(klass.purpose)}. ${replacementAdvice(klass.purpose, bytes)}`,
        data: { reason: 'placeholder', length: e.value.length, encoding: 'text' },
      });
      continue;
    }
    if (!REQUIRED_PURPOSES.has(klass.purpose)) continue;
    // An empty previous/versioned slot just means no rotation is in progress.
    if (previousSlots.has(e.key) || isOlderSlot(e, entries)) continue;
    ctx.report({
      start: e.keyStart,
      end: e.keyEnd,
      key: e.key,
      message: `${e.key} is missing (empty): the app either refuses to start or runs with an empty key, and then anyone can ${purposeVerb(klass.purpose)}. Set it to ${bytes} random bytes (openssl rand -base64 ${bytes}).`,
      data: { reason: 'missing', length: 0, encoding: 'text' },
    });
  }
}

/** `X_PREVIOUS`, `X_V1`, `X_0` next to an existing `X` (or `X_1`): a slot, not the key in use. */
function isOlderSlot(e: EnvEntry, entries: readonly EnvEntry[]): boolean {
  const s = slotBase(e.key);
  if (!s) return false;
  if (s.kind === 'previous' || s.kind === 'version') return true;
  if (s.kind === 'number') {
    // Auth.js AUTH_SECRET_1..3 and X_0/X_1: an empty numbered slot beside a filled sibling is unused.
    return entries.some((o) => o !== e && o.value !== '' && (o.key === s.base || slotBase(o.key)?.base === s.base));
  }
  return false;
}
