import { keyWords, type KeyClass } from '../classify';
import type { FileContext, Rule } from '../rule';
import { preferredPreviousSuffix, slotBase } from '../slots';
import type { Severity } from '../types';

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
 *   gap); or an example file (examples should document slots, but are not deployed).
 * Not reported: keys in any slot family (also orphan slot keys), keys the config declares
 * `immediate`, and `AUTH_SECRET`, since Auth.js reads `AUTH_SECRET_1..3` natively: the slot is added
 * at rotation time. Only dotenv files: config formats take their values from them.
 */
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
    const keys = new Set(ctx.source.entries.map((e) => e.key));
    const withValue = new Set(ctx.secrets.filter((s) => !s.fromUrl).map((s) => s.key));
    const dual = ctx.workspace.dualKeyBases();
    const allKeys = ctx.workspace.allKeys();
    const done = new Set<string>();
    for (const e of ctx.source.entries) {
      const key = e.key;
      if (done.has(key)) continue;
      done.add(key);
      if (e.reference) continue;
      const klass = ctx.classify(key);
      if (!klass?.secret || !isRotatableSigningKey(key, klass)) continue;
      // A real file's empty JWT_SECRET is "missing" (weak-secret); examples document keys without values.
      if (!ctx.isExample && !withValue.has(key)) continue;
      if (inAnyFamily(ctx, key) || slotBase(key) !== undefined) continue;
      if (/^AUTH_SECRET$/i.test(key)) continue;

      const elsewhere = slotsOfBase(key, allKeys);
      const others = [...dual].filter((b) => b !== key).sort();
      const suggestion = suggestSlot(ctx, key, elsewhere, allKeys);
      let severity: Severity;
      let message: string;
      if (ctx.isExample) {
        severity = 'hint';
        message = `${key} has no previous slot documented: add ${suggestion.slot} so installers know the app can verify with the old key during a rotation`;
      } else if (elsewhere.length > 0) {
        severity = 'hint';
        message = `${key} has no ${suggestion.slot} here, while ${elsewhere.length === 1 ? 'another env file has one' : 'other env files have one'}: add it before rotating ${key} in ${ctx.source.path}`;
      } else if (others.length > 0) {
        severity = 'warning';
        const named = others.slice(0, 2).join(' and ') + (others.length > 2 ? ` (and ${others.length - 2} more)` : '');
        message = `${key} has no slot for the previous key, while ${named} ${others.length === 1 ? 'uses' : 'use'} dual-key verification: rotating ${key} logs everyone out at once; add ${suggestion.slot} and verify with both`;
      } else {
        severity = 'hint';
        message = `${key} has no previous slot: rotating it invalidates every token or session signed with it at once. If the app can verify with two keys, add ${suggestion.slot}`;
      }
      if (keys.has(suggestion.slot)) continue; // present but not a family (e.g. a non-secret name clash)
      ctx.report({
        start: e.keyStart,
        end: e.keyEnd,
        key,
        message,
        severity,
        data: { base: key, suggestedSlot: suggestion.slot, scheme: suggestion.scheme },
      });
    }
  },
};

/** Signing, session and encryption secrets, and self-chosen token secrets (`ACCESS_TOKEN_SECRET`, seed 002). */
function isRotatableSigningKey(key: string, klass: KeyClass): boolean {
  if (klass.origin !== 'self-chosen') return false;
  if (klass.purpose === 'signing' || klass.purpose === 'session' || klass.purpose === 'encryption') return true;
  return klass.purpose === 'token' && keyWords(key).includes('SECRET');
}

function inAnyFamily(ctx: FileContext, key: string): boolean {
  for (const f of ctx.families.values()) {
    if (f.base === key || f.current === key || f.previous.includes(key) || f.versionKey === key) return true;
  }
  return false;
}

/** Slot keys of this base anywhere in the workspace (`JWT_SECRET_OLD` in `.env.production`). */
function slotsOfBase(base: string, allKeys: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const k of allKeys) {
    const s = slotBase(k);
    if (s && s.base === base && (s.kind === 'previous' || s.kind === 'version')) out.push(k);
  }
  return out.sort();
}

/**
 * The slot to add: the one this key already has elsewhere; else the scheme this file's other
 * families use (versioned: `X_V1` with `X_VERSION=2`); else the workspace's previous-slot suffix.
 */
function suggestSlot(ctx: FileContext, key: string, elsewhere: string[], allKeys: ReadonlySet<string>): { slot: string; scheme: string } {
  const prev = elsewhere.find((k) => slotBase(k)?.kind === 'previous');
  if (prev) return { slot: prev, scheme: 'previous' };
  if (elsewhere.length > 0) return { slot: elsewhere[0], scheme: 'versioned' };
  const schemes = [...ctx.families.values()].map((f) => f.scheme);
  const versioned = schemes.filter((s) => s === 'versioned').length;
  const previous = schemes.filter((s) => s === 'previous').length;
  if (versioned > 0 && versioned > previous) return { slot: `${key}_V1`, scheme: 'versioned' };
  return { slot: key + preferredPreviousSuffix(allKeys), scheme: 'previous' };
}
