import { isMarker } from '../classify';
import { minimumBytes, purposeVerb, replacementAdvice, secretFacts, subjectOf, valueRulesApply } from '../placeholders';
import type { FileContext, Rule } from '../rule';
import { slotBase } from '../slots';
import type { EnvEntry } from '../types';

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
    for (let i = 0; i < ctx.secrets.length; i++) {
      const s = ctx.secrets[i];
      if (!valueRulesApply(s, false)) continue;
      const weak = facts.weakness(i);
      if (!weak) continue;
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
    reportMissingAndMarkers(ctx);
  },
};

/** Purposes whose absence breaks or silently weakens the app (a signing key of ""). */
const REQUIRED_PURPOSES = new Set(['signing', 'encryption', 'session']);

/**
 * Real files only: an empty signing/encryption/session key is missing, and an `<angle-bracket>`
 * marker left over from the example is a literal the app will use.
 */
function reportMissingAndMarkers(ctx: FileContext): void {
  const format = ctx.source.format;
  if (format !== 'dotenv' && format !== 'compose') return;
  const entries = ctx.source.entries;
  let lastValue: Map<string, string> | undefined;
  const previousSlots = new Set<string>();
  for (const f of ctx.families.values()) for (const k of f.previous) previousSlots.add(k);
  for (const e of entries) {
    if (e.reference || e.interpolationDefault) continue;
    const empty = e.value === '';
    // Cheap test first: this loop sees every entry of the file on every keystroke.
    const marker = !empty && e.value.indexOf('<') !== -1 && e.value.trim().startsWith('<') && isMarker(e.value);
    if (!empty && !marker) continue;
    const klass = ctx.classify(e.key);
    if (!klass?.secret || klass.origin !== 'self-chosen' || klass.purpose === 'private-key') continue;
    // dotenv keeps the last assignment: an empty line overridden later is not what runs.
    lastValue ??= lastValues(entries);
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

function lastValues(entries: readonly EnvEntry[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of entries) m.set(e.key, e.value);
  return m;
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
