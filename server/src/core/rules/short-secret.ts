import { keyRequirement, purposeNoun, replacementAdvice, secretFacts, subjectOf, valueRulesApply } from '../placeholders';
import type { Rule } from '../rule';

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
    const selections = facts.hmacSelections(ctx.source.entries);
    for (let i = 0; i < ctx.secrets.length; i++) {
      const s = ctx.secrets[i];
      if (!valueRulesApply(s, false)) continue;
      const req = keyRequirement(s, ctx.config.minBytes, selections);
      if (!req) continue;
      const st = facts.strength(i);
      if (st.bytes >= req.bytes) continue;
      // weak-secret has already said the stronger thing about this value.
      if (facts.weakness(i)) continue;
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
