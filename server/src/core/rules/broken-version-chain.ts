import { carryIndexes, type FileContext, type Rule } from '../rule';
import type { SlotFamily } from '../slots';
import type { EnvEntry } from '../types';

/**
 * `broken-version-chain`: versioned and numbered slots that do not line up.
 *
 * Versioned (seed 000: `X` is version `X_VERSION=N`, `X_V1..X_V{N-1}` decrypt older records):
 * - error: `X_VERSION` that is not a whole number, or empty in a real file;
 * - error: a slot newer than N (`X_V3` with `X_VERSION=2`); warning: `X_V{N}`, a second key for the
 *   current version;
 * - error: a gap between the oldest kept slot and N (`X_VERSION=4` with `X_V1` and `X_V3` but no
 *   `X_V2`): records of the missing version cannot be decrypted while older ones still can;
 * - error: `X_VERSION` and slots while `X` itself is missing; warning: slots without `X_VERSION`
 *   (seed 000 defaults it to 1, the number `X_V1` already has);
 * - hint: N >= 2 with no slot at all. Seed 000 step 7 removes the old variables once every record is
 *   re-encrypted, and seed 004 keeps latest and latest-1 as the recovery floor, so this is fine after
 *   a completed rotation and fatal in the middle of one; the engine cannot tell which.
 * - Slots older than the oldest kept one are retired (seed 000 step 7, seed 004) and not reported.
 * Numbered (seed 002: `X_1` current, `X_0` previous): error for a gap between the lowest and highest
 * slot; warning for a lone `X_n` without `X_{n-1}` (the previous slot the app reads is unset).
 * Auth.js: `AUTH_SECRET_n` outside 1..3 is never read (error).
 * A slot holding an empty value counts as missing in real files (it decrypts nothing).
 */
export const brokenVersionChainRule: Rule = {
  meta: {
    id: 'broken-version-chain',
    defaultSeverity: 'error',
    description: 'X_VERSION=N with a missing older slot, a slot newer than N, or a non-integer version',
    docs: '#broken-version-chain',
    fix: 'Add the missing slots',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.families.size === 0) return;
    const last = lastEntries(ctx);
    for (const f of ctx.families.values()) {
      if (f.versionKey || (f.scheme === 'versioned' && f.versions && f.versions.size > 0)) checkVersioned(ctx, f, last);
      if (f.scheme === 'numbered' && f.numbered) checkNumbered(ctx, f, last);
      if (f.scheme === 'authjs' && f.numbered) checkAuthJs(ctx, f, last);
    }
  },
};

/** The last entry of a key (dotenv keeps the last assignment). */
interface LastEntries {
  get(key: string): EnvEntry | undefined;
  has(key: string): boolean;
}

/**
 * The entries whose key some slot family names, carried to the next version while the families
 * are the same (`FileContext.recall`): a keystroke does not walk every entry to find them.
 */
interface Memo {
  families: ReadonlyMap<string, SlotFamily>;
  names: ReadonlySet<string>;
  entries: number[];
}

function familyKeys(families: ReadonlyMap<string, SlotFamily>): Set<string> {
  const out = new Set<string>();
  for (const f of families.values()) {
    out.add(f.base);
    out.add(f.current);
    for (const k of f.previous) out.add(k);
    if (f.versionKey) out.add(f.versionKey);
    if (f.versions) for (const k of f.versions.values()) out.add(k);
    if (f.numbered) for (const k of f.numbered.values()) out.add(k);
  }
  return out;
}

function lastEntries(ctx: FileContext): LastEntries {
  const entries = ctx.source.entries;
  const recalled = ctx.recall<Memo>();
  let memo: Memo;
  if (recalled && recalled.memo.families === ctx.families && !recalled.carried) memo = recalled.memo;
  else if (recalled && recalled.memo.families === ctx.families) {
    const names = recalled.memo.names;
    memo = { families: ctx.families, names, entries: carryIndexes(recalled.memo.entries, recalled.carried!.entries, (i) => names.has(entries[i].key)) };
  } else {
    const names = familyKeys(ctx.families);
    memo = { families: ctx.families, names, entries: [] };
    for (let i = 0; i < entries.length; i++) if (names.has(entries[i].key)) memo.entries.push(i);
  }
  ctx.keep(memo);
  const named = new Map<string, EnvEntry>();
  for (const i of memo.entries) named.set(entries[i].key, entries[i]);
  // Another key (a slot name the family does not have): looked up among all entries.
  let all: Map<string, EnvEntry> | undefined;
  const other = (): Map<string, EnvEntry> => {
    if (!all) {
      all = new Map();
      for (const e of entries) all.set(e.key, e);
    }
    return all;
  };
  return {
    get: (key) => (memo.names.has(key) ? named.get(key) : other().get(key)),
    has: (key) => (memo.names.has(key) ? named.has(key) : other().has(key)),
  };
}

function checkVersioned(ctx: FileContext, f: SlotFamily, last: LastEntries): void {
  const versions = f.versions ?? new Map<number, string>();
  const present = (key: string | undefined): boolean => {
    const e = key === undefined ? undefined : last.get(key);
    return e !== undefined && (ctx.isExample || e.value.trim() !== '' || e.reference === true);
  };
  const slotName = (n: number): string => {
    const sample = [...versions.values()][0];
    const v = sample && /_v\d+$/.test(sample) ? 'v' : 'V';
    return `${f.base}_${v}${n}`;
  };
  const slotKeys = [...versions.entries()].sort((a, b) => a[0] - b[0]);

  if (!f.versionKey) {
    const e = last.get(slotKeys[slotKeys.length - 1][1])!;
    ctx.report({
      start: e.keyStart,
      end: e.keyEnd,
      key: e.key,
      severity: 'warning',
      message: `${f.base} has versioned slots (${slotKeys.map(([, k]) => k).join(', ')}) but no ${f.base}_VERSION: the version of the current key is implicit (seed 000 defaults it to 1, which ${slotKeys[0][1]} already uses)`,
      // Not in `missing`: an empty placeholder would be another broken version; the fix is a number.
      data: { base: f.base, missing: [], versionKey: `${f.base}_VERSION` },
    });
    return;
  }

  const ve = last.get(f.versionKey)!;
  const raw = ve.value.trim();
  const at = { start: ve.valueStart, end: ve.valueEnd, key: ve.key };
  if (ve.reference) return;
  if (raw === '') {
    if (ctx.isExample) return;
    ctx.report({ ...at, start: ve.keyStart, end: ve.keyEnd, message: `${f.versionKey} is empty: set the whole-number version of ${f.base}`, data: { base: f.base, missing: [] } });
    return;
  }
  if (!/^\d{1,6}$/.test(raw)) {
    // The text is not echoed: whatever sits there could be something pasted by mistake.
    ctx.report({ ...at, message: `${f.versionKey} is not a whole number: it must be the integer version of ${f.base} (1, 2, ...)`, data: { base: f.base, missing: [] } });
    return;
  }
  const n = Number(raw);
  if (!last.has(f.base)) {
    ctx.report({ ...at, message: `${f.versionKey}=${n} but ${f.base}, the key of the current version, is missing`, data: { base: f.base, missing: [f.base] } });
  }
  for (const [k, key] of slotKeys) {
    if (k < n) continue;
    const e = last.get(key)!;
    ctx.report({
      start: e.keyStart,
      end: e.keyEnd,
      key,
      severity: k === n ? 'warning' : undefined,
      message:
        k === n
          ? `${key} has the current version number (${f.versionKey}=${n}), which ${f.base} already holds: records of version ${n} may be decrypted with the wrong key`
          : `${key} is newer than the current version (${f.versionKey}=${n}): set ${f.versionKey} to ${k + 1} with the newest key in ${f.base}, or remove ${key}`,
      data: { base: f.base, missing: [] },
    });
  }
  const kept = slotKeys.filter(([k, key]) => k < n && present(key)).map(([k]) => k);
  if (kept.length === 0) {
    if (n >= 2 && !ctx.isExample) {
      ctx.report({
        ...at,
        severity: 'hint',
        message: last.has(versions.get(n - 1) ?? slotName(n - 1))
          ? `${f.versionKey}=${n} and ${versions.get(n - 1) ?? slotName(n - 1)} is an empty placeholder: paste the version-${n - 1} key there until every record is re-encrypted (seed 000 steps 5-7), or remove the placeholder once they are`
          : `${f.versionKey}=${n} with no ${slotName(n - 1)}: fine once every record is re-encrypted under version ${n} (seed 000 steps 5-7); until then keep latest-1 as the recovery floor (seed 004)`,
        data: { base: f.base, missing: [slotName(n - 1)] },
      });
    }
    return;
  }
  const missing: string[] = [];
  for (let k = Math.min(...kept) + 1; k < n; k++) if (!present(versions.get(k))) missing.push(versions.get(k) ?? slotName(k));
  if (missing.length === 0) return;
  const oldest = versions.get(Math.min(...kept))!;
  ctx.report({
    ...at,
    message: `${f.versionKey}=${n} but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing or empty while the older ${oldest} is kept: records of ${missing.length === 1 ? 'that version' : 'those versions'} cannot be decrypted`,
    data: { base: f.base, missing },
  });
}

function checkNumbered(ctx: FileContext, f: SlotFamily, last: LastEntries): void {
  const nums = [...f.numbered!.keys()].sort((a, b) => a - b);
  const name = (n: number): string => `${f.base}_${n}`;
  const top = last.get(f.numbered!.get(nums[nums.length - 1])!)!;
  if (nums.length === 1) {
    const n = nums[0];
    if (n < 1 || ctx.isExample) return;
    ctx.report({
      start: top.keyStart,
      end: top.keyEnd,
      key: top.key,
      severity: 'warning',
      message: `${top.key} has no ${name(n - 1)}: the numbered scheme (seed 002) reads the previous key from it, and the next rotation moves ${top.key} there`,
      data: { base: f.base, missing: [name(n - 1)] },
    });
    return;
  }
  const missing: string[] = [];
  for (let k = nums[0] + 1; k < nums[nums.length - 1]; k++) if (!f.numbered!.has(k)) missing.push(name(k));
  if (missing.length === 0) return;
  ctx.report({
    start: top.keyStart,
    end: top.keyEnd,
    key: top.key,
    message: `${f.base} skips ${missing.join(', ')} between ${name(nums[0])} and ${top.key}: the numbered slots must be consecutive`,
    data: { base: f.base, missing },
  });
}

function checkAuthJs(ctx: FileContext, f: SlotFamily, last: LastEntries): void {
  for (const [n, key] of [...f.numbered!.entries()].sort((a, b) => a[0] - b[0])) {
    if (n >= 1 && n <= 3) continue;
    const e = last.get(key)!;
    ctx.report({
      start: e.keyStart,
      end: e.keyEnd,
      key,
      message: `Auth.js reads only AUTH_SECRET_1 to AUTH_SECRET_3 (newest first) and AUTH_SECRET: ${key} is never used`,
      data: { base: f.base, missing: [] },
    });
  }
}
