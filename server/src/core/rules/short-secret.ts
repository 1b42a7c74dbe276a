import { keyRequirement, purposeNoun, replacementAdvice, secretFacts, subjectOf, valueRulesApply } from '../placeholders';
import type { FileContext, Rule } from '../rule';
import type { SecretFacts } from '../placeholders';
import { carriedSecrets, type CarriedSelections } from './carried';


function isShort(ctx: FileContext, facts: SecretFacts, selections: CarriedSelections['selections'], i: number): boolean {
  const s = ctx.secrets[i];
  if (!valueRulesApply(s, false)) return false;
  const req = keyRequirement(s, ctx.config.minBytes, selections);
  if (!req) return false;
  if (facts.strength(i).bytes >= req.bytes) return false;
  // weak-secret has already said the stronger thing about this value.
  return !facts.weakness(i);
}

/** Random-looking secret with less key material than the algorithm needs (32 bytes; 48/64 for HS384/HS512) */
export const shortSecretRule: Rule = {
  meta: {
    id: 'short-secret',
    defaultSeverity: 'warning',
    description: 'Random-looking secret with less key material than the algorithm needs (32 bytes; 48/64 for HS384/HS512)',
    docs: '#short-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.isExample || ctx.secrets.length === 0) return;
    const facts = secretFacts(ctx);
    const memo = carriedSecrets(ctx, (selections, i) => isShort(ctx, facts, selections, i));
    const selections = memo.selections;
    for (const i of memo.secrets) {
      const s = ctx.secrets[i];
      const req = keyRequirement(s, ctx.config.minBytes, selections)!;
      const st = facts.strength(i);
      const purpose = s.klass.purpose;
      let need: string;
      if (req.selection) need = `${req.selection.key} selects ${req.selection.alg}, which needs at least ${req.bytes} (RFC 7518 §3.2)`;
      else if (purpose === 'signing' && req.bytes === 32) need = 'HS256 needs at least 32 (RFC 7518 §3.2)';
      else if (purpose === 'encryption' && req.bytes === 32) need = 'AES-256 needs a 32-byte key';
      else need = `the minimum for ${purposeNoun(purpose)} is ${req.bytes}`;
      const shape = st.randomLooking ? `${st.encoding}, ${st.length} chars` : `${st.encoding}, ${st.length} chars, not random-looking`;
      ctx.report({
        start: s.start,
        end: s.end,
        key: s.key,
        message: `${subjectOf(s)} has ${st.bytes} bytes of key material (${shape}); ${need}, so it can be brute-forced sooner than the algorithm promises. ${replacementAdvice(purpose, req.bytes)}`,
        data: {
          bytes: st.bytes,
          required: req.bytes,
          encoding: st.encoding,
          ...(req.selection ? { algorithm: req.selection.alg, algorithmKey: req.selection.key } : {}),
        },
      });
    }
  },
};
