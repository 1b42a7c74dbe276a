import { keyWords, type KeyClass } from '../classify';
import { carryIndexes, type FileContext, type Rule } from '../rule';
import { preferredPreviousSuffix, slotBase, type SlotFamily } from '../slots';
import type { Severity } from '../types';
import { ObjectMemo } from '../object-memo';

/**
 * `missing-previous-slot`: a self-chosen signing, session or encryption secret with no slot for the
 * previous key, so a rotation logs everyone out at once (seeds 003, 004) instead of overlapping
 * (seeds 000, 002).
 *
 * Severity says how sure we are the project could verify with two keys:
 * - warning: another secret of the workspace has a slot (`dualKeyBases()`), so the project knows the
 *   pattern and this key was left out;
 * - hint: nothing in the workspace uses slots; or this very key has a slot in another env file (a
 *   completed rotation empties or removes it, seed 000 step 4, so its absence here is a state, not a
 *   gap); or an example file of a project that uses slots (examples should document the scheme, but
 *   are not deployed; where the project has no scheme there is nothing to document).
 * Not reported: keys in any slot family (also orphan slot keys), keys the config declares
 * `immediate`, and the keys a framework reads itself, whose slots the framework defines:
 * `AUTH_SECRET` (Auth.js reads `AUTH_SECRET_1..3` natively; the slot is added at rotation time) and
 * `NEXTAUTH_SECRET` (NextAuth reads no second key; a `NEXTAUTH_SECRET_PREVIOUS` would be read by
 * nothing). Only dotenv files: config formats take their values from them.
 */
const dualMemo = new ObjectMemo<ReadonlySet<string>, string[]>('dualMemo');

/** `sorted` without `key`: the first three entries, and the count, which is all the messages read. */
function firstOthers(sorted: string[], key: string, has: boolean): { length: number; slice(a: number, b: number): string[] } {
  const head: string[] = [];
  for (const b of sorted) {
    if (b === key) continue;
    head.push(b);
    if (head.length === 3) break;
  }
  return { length: sorted.length - (has ? 1 : 0), slice: (a, b) => head.slice(a, b) };
}

/**
 * The file's facts the rule reads, carried to the next version (`FileContext.recall`) so that a
 * keystroke looks at the entries and secrets the re-parse produced, not at every entry. Whether a
 * key can be reported depends on the key alone (`signingCandidate`), so every entry of such a key
 * is listed (the first one is reported; a reference is skipped).
 */
interface Memo {
  /** Entries whose key passes `signingCandidate`, in order. */
  entries: number[];
  /** Secrets (not from a URL) whose key passes `signingCandidate`: the keys that hold a value. */
  secrets: number[];
}

/** A self-chosen signing key, not in the browser, not itself a slot, not one whose framework defines its slots. */
function signingCandidate(ctx: FileContext, key: string): boolean {
  const klass = ctx.classify(key);
  // A secret under NEXT_PUBLIC_ & co. ships to the browser: client-exposed-secret's business.
  if (!klass?.secret || klass.browserPrefix || !isRotatableSigningKey(key, klass)) return false;
  return slotBase(key) === undefined && !/^(NEXT)?AUTH_SECRET$/i.test(key);
}

function memoOf(ctx: FileContext): Memo & { kept: boolean } {
  const entries = ctx.source.entries;
  const secrets = ctx.secrets;
  const entryTest = (i: number): boolean => signingCandidate(ctx, entries[i].key);
  const secretTest = (i: number): boolean => !secrets[i].fromUrl && signingCandidate(ctx, secrets[i].key);
  const recalled = ctx.recall<Memo>();
  let memo: Memo;
  if (recalled && !recalled.carried) return { ...recalled.memo, kept: true };
  if (recalled) {
    memo = { entries: carryIndexes(recalled.memo.entries, recalled.carried!.entries, entryTest), secrets: carryIndexes(recalled.memo.secrets, recalled.carried!.secrets, secretTest) };
  } else {
    memo = { entries: [], secrets: [] };
    for (let i = 0; i < entries.length; i++) if (entryTest(i)) memo.entries.push(i);
    for (let i = 0; i < secrets.length; i++) if (secretTest(i)) memo.secrets.push(i);
  }
  return { ...memo, kept: ctx.keep(memo) };
}

/** What the rule says about a key (undefined: nothing), before the check for a clashing key in the file. */
interface Outcome {
  message: string;
  severity: Severity;
  slot: string;
  scheme: string;
}

/**
 * Outcomes by key, per file version's slot families (carried across keystrokes that keep them) and
 * valid for one workspace key set and set of slot bases: everything an outcome reads. A keystroke
 * then builds no message again for the thousands of signing keys of a long file.
 */
const outcomeMemo = new ObjectMemo<
  ReadonlyMap<string, SlotFamily>,
  { allKeys: ReadonlySet<string>; dual: ReadonlySet<string>; path: string; isExample: boolean; byKey: Map<string, Outcome | undefined> }
>('outcomeMemo');

const projectMemo = new ObjectMemo<ReadonlySet<string>, { slotIndex?: Map<string, string[]>; suffix?: string }>('projectMemo');

export const missingPreviousSlotRule: Rule = {
  meta: {
    id: 'missing-previous-slot',
    defaultSeverity: 'info',
    description: 'Signing secret without a slot for the previous key, where the project verifies with two keys',
    docs: '#missing-previous-slot',
    fix: 'Add the previous slot',
    scope: 'workspace',
  },
  check(ctx) {
    if (ctx.source.format !== 'dotenv') return;
    const fileMemo = memoOf(ctx);
    const entries = ctx.source.entries;
    if (fileMemo.entries.length === 0) return;
    const withValue = new Set<string>();
    for (const i of fileMemo.secrets) withValue.add(ctx.secrets[i].key);
    let keys: Set<string> | undefined;
    const dual = ctx.workspace.dualKeyBases();
    const allKeys = ctx.workspace.allKeys();
    // Computed lazily, once per key set (not per file): the workspace can hold many thousands of
    // keys, and the analyzer hands out the same set until a key appears or disappears.
    let memo = projectMemo.get(allKeys);
    if (!memo) projectMemo.set(allKeys, (memo = {}));
    const m = memo;
    let fileScheme: string | undefined;
    const project = {
      slotsOf: (base: string): string[] => (m.slotIndex ??= indexSlots(allKeys)).get(base) ?? [],
      suffix: (): string => (m.suffix ??= preferredPreviousSuffix(allKeys)),
      hasKey: (k: string): boolean => allKeys.has(k),
      fileScheme: (): string => (fileScheme ??= dominantScheme(ctx)),
    };
    const members = familyMembers(ctx);
    // Kept for files being edited only (like the facts above), not for every file of a load.
    let outcomes = fileMemo.kept ? outcomeMemo.get(ctx.families) : undefined;
    if (!outcomes || outcomes.allKeys !== allKeys || outcomes.dual !== dual || outcomes.path !== ctx.source.path || outcomes.isExample !== ctx.isExample) {
      outcomes = { allKeys, dual, path: ctx.source.path, isExample: ctx.isExample, byKey: new Map() };
      if (fileMemo.kept) outcomeMemo.set(ctx.families, outcomes);
    }
    const byKey = outcomes.byKey;
    const done = new Set<string>();
    for (const i of fileMemo.entries) {
      const e = entries[i];
      const key = e.key;
      if (done.has(key)) continue;
      done.add(key);
      if (e.reference) continue;
      // A real file's empty JWT_SECRET is "missing" (weak-secret); examples document keys without values.
      if (!ctx.isExample && !withValue.has(key)) continue;
      if (members.has(key)) continue;

      let outcome: Outcome | undefined;
      if (byKey.has(key)) outcome = byKey.get(key);
      else byKey.set(key, (outcome = outcomeOf(ctx, key, dual, project)));
      if (!outcome) continue;
      // Present but not a family (e.g. a non-secret name clash); a key of this file is in `allKeys`.
      if (allKeys.has(outcome.slot) && (keys ??= new Set(entries.map((x) => x.key))).has(outcome.slot)) continue;
      ctx.report({
        start: e.keyStart,
        end: e.keyEnd,
        key,
        message: outcome.message,
        severity: outcome.severity,
        data: { base: key, suggestedSlot: outcome.slot, scheme: outcome.scheme },
      });
    }
  },
};

/** What the rule says about signing key `key` of this file, under the workspace's key sets. */
function outcomeOf(
  ctx: FileContext,
  key: string,
  dual: ReadonlySet<string>,
  project: { slotsOf(base: string): string[]; suffix(): string; hasKey(k: string): boolean; fileScheme(): string },
): Outcome | undefined {
  const elsewhere = project.slotsOf(key);
  const ownElsewhere = elsewhere.length > 0 || dual.has(key);
  // The other bases, sorted once per set of bases; only the first three and the count are read.
  let sortedDual = dualMemo.get(dual);
  if (!sortedDual) dualMemo.set(dual, (sortedDual = [...dual].sort()));
  const others = firstOthers(sortedDual, key, dual.has(key));
  const suggestion = suggestSlot(ctx, key, elsewhere, project);
  let severity: Severity;
  let message: string;
  if (ctx.isExample) {
    if (!ownElsewhere && others.length === 0) return undefined;
    severity = 'hint';
    message = `${key} has no previous slot documented: add ${suggestion.slot} so installers know the app can verify with the old key during a rotation`;
  } else if (ownElsewhere) {
    severity = 'hint';
    message = `${key} has no ${suggestion.slot} here, while another env file has a slot for it: add it before rotating ${key} in ${ctx.source.path}`;
  } else if (others.length > 0) {
    // A generic `*_SECRET` may not sign anything; only names that say so get the warning.
    severity = explicitlySigning(key) ? 'warning' : 'hint';
    const named = others.slice(0, 2).join(' and ') + (others.length > 2 ? ` (and ${others.length - 2} more)` : '');
    const uses = `${named} ${others.length === 1 ? 'uses' : 'use'} dual-key verification`;
    message =
      severity === 'warning'
        ? `${key} has no slot for the previous key, while ${uses}: rotating ${key} logs everyone out at once; add ${suggestion.slot} and verify with both`
        : `${key} has no slot for the previous key, while ${uses}: if ${key} signs or encrypts anything that outlives a deploy, add ${suggestion.slot} and verify with both`;
  } else {
    severity = 'hint';
    message = `${key} has no previous slot: rotating it invalidates every token or session signed with it at once. If the app can verify with two keys, add ${suggestion.slot}`;
  }
  return { message, severity, slot: suggestion.slot, scheme: suggestion.scheme };
}

/** Signing, session and encryption secrets, and self-chosen token secrets (`ACCESS_TOKEN_SECRET`, seed 002). */
function isRotatableSigningKey(key: string, klass: KeyClass): boolean {
  if (klass.origin !== 'self-chosen') return false;
  if (klass.purpose === 'signing' || klass.purpose === 'session' || klass.purpose === 'encryption') return true;
  return klass.purpose === 'token' && keyWords(key).includes('SECRET');
}

const SIGNING_WORDS = new Set([
  'JWT', 'JWS', 'JWE', 'SESSION', 'COOKIE', 'SIGNING', 'SIGNATURE', 'HMAC', 'AUTH', 'CSRF', 'XSRF', 'ENCRYPTION', 'ENC', 'CIPHER',
  'AES', 'CRYPTO', 'MASTER', 'WALLET', 'TOKEN', 'ACCESS', 'REFRESH', 'BASE', 'APP',
]);

/** The key's name says it signs or encrypts (`JWT_SECRET`, `SECRET_KEY_BASE`), not just `*_SECRET`. */
function explicitlySigning(key: string): boolean {
  return keyWords(key).some((w) => SIGNING_WORDS.has(w));
}

/** The scheme most of this file's families use: versioned wins only when it is the majority. */
function dominantScheme(ctx: FileContext): string {
  let versioned = 0;
  let previous = 0;
  for (const f of ctx.families.values()) {
    if (f.scheme === 'versioned') versioned++;
    else if (f.scheme === 'previous') previous++;
  }
  return versioned > 0 && versioned > previous ? 'versioned' : 'previous';
}

/** Every key of this file's slot families (also those the config declares `immediate`). */
function familyMembers(ctx: FileContext): Set<string> {
  const out = new Set<string>();
  for (const f of ctx.families.values()) {
    out.add(f.base);
    out.add(f.current);
    for (const k of f.previous) out.add(k);
    if (f.versionKey) out.add(f.versionKey);
  }
  return out;
}

/** Slot keys by base, anywhere in the workspace (`JWT_SECRET_OLD` in `.env.production`). */
function indexSlots(allKeys: ReadonlySet<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of allKeys) {
    const s = slotBase(k);
    if (!s || (s.kind !== 'previous' && s.kind !== 'version')) continue;
    let list = out.get(s.base);
    if (!list) out.set(s.base, (list = []));
    list.push(k);
  }
  for (const list of out.values()) list.sort();
  return out;
}

/**
 * The slot to add: the one this key already has elsewhere; else the scheme this file's other
 * families use (versioned: `X_V1` with `X_VERSION=2`); else the workspace's previous-slot suffix.
 */
function suggestSlot(
  ctx: FileContext,
  key: string,
  elsewhere: string[],
  project: { suffix(): string; hasKey(k: string): boolean; fileScheme(): string },
): { slot: string; scheme: string } {
  const prev = elsewhere.find((k) => slotBase(k)?.kind === 'previous');
  if (prev) return { slot: prev, scheme: 'previous' };
  const versions = elsewhere.filter((k) => slotBase(k)?.kind === 'version').sort((a, b) => (slotBase(b)!.n ?? 0) - (slotBase(a)!.n ?? 0));
  if (versions.length > 0) return { slot: versions[0], scheme: 'versioned' };
  if (project.hasKey(`${key}_VERSION`)) return { slot: `${key}_V1`, scheme: 'versioned' };
  if (project.fileScheme() === 'versioned') return { slot: `${key}_V1`, scheme: 'versioned' };
  return { slot: key + project.suffix(), scheme: 'previous' };
}
