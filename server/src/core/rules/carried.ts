import { hmacSelections, type HmacSelection } from '../placeholders';
import { carryIndexes, type FileContext, type Recalled } from '../rule';

/**
 * The file's HMAC algorithm selectors (`JWT_ALGORITHM=HS512`), with the entries they come from,
 * carried across edits: a keystroke re-reads the entries the re-parse produced, not every entry.
 * `selections` equals `hmacSelections(ctx.source.entries)`.
 */
export interface CarriedSelections {
  selectors: number[];
  selections: HmacSelection[];
}

export function carriedSelections(ctx: FileContext, recalled: Recalled<CarriedSelections> | undefined): CarriedSelections {
  const entries = ctx.source.entries;
  if (recalled && !recalled.carried) return recalled.memo;
  let selectors: number[];
  if (recalled) {
    selectors = carryIndexes(recalled.memo.selectors, recalled.carried!.entries, (i) => hmacSelections([entries[i]]).length > 0);
  } else {
    const all = hmacSelections(entries);
    selectors = [];
    if (all.length > 0) for (let i = 0; i < entries.length; i++) if (hmacSelections([entries[i]]).length > 0) selectors.push(i);
  }
  return { selectors, selections: hmacSelections(selectors.map((i) => entries[i])) };
}

/** The same selectors, in the same order (the per-secret requirements are then the same). */
export function sameSelections(a: readonly HmacSelection[], b: readonly HmacSelection[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].key !== b[i].key || a[i].alg !== b[i].alg) return false;
  return true;
}

/** The secrets a rule reports in one file version, carried to the next while the HMAC selectors stay the same. */
export interface CarriedSecrets extends CarriedSelections {
  secrets: number[];
}

/**
 * The indexes of `ctx.secrets` for which `test` holds, with the file's HMAC selections: recalled as
 * they are when the file did not change, carried over (only the re-parsed secrets tested again) when
 * it was re-parsed from the previous version and its selectors are the same, computed in full
 * otherwise. Kept for the next version.
 */
export function carriedSecrets(ctx: FileContext, test: (selections: HmacSelection[], i: number) => boolean): CarriedSecrets {
  const recalled = ctx.recall<CarriedSecrets>();
  let memo: CarriedSecrets;
  if (recalled && !recalled.carried) memo = recalled.memo;
  else {
    const sel = carriedSelections(ctx, recalled);
    const keep = (i: number): boolean => test(sel.selections, i);
    let secrets: number[];
    if (recalled && sameSelections(recalled.memo.selections, sel.selections)) secrets = carryIndexes(recalled.memo.secrets, recalled.carried!.secrets, keep);
    else {
      secrets = [];
      for (let i = 0; i < ctx.secrets.length; i++) if (keep(i)) secrets.push(i);
    }
    memo = { ...sel, secrets };
  }
  ctx.keep(memo);
  return memo;
}
