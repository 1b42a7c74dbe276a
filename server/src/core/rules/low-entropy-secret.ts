import { entropyTarget, keyRequirement, minimumBytes, purposeVerb, replacementAdvice, secretFacts, subjectOf, valueRulesApply } from '../placeholders';
import type { FileContext, Rule } from '../rule';
import type { SecretFacts } from '../placeholders';
import { carriedSecrets, type CarriedSelections } from './carried';


/**
 * Random keys are estimated from a small sample of their alphabet; allow for sampling noise
 * before calling a random-looking value guessable.
 */
const RANDOM_ESTIMATE_SLACK = 0.8;

/** Long enough, yet guessable: the entropy estimate is under the minimum */
export const lowEntropySecretRule: Rule = {
  meta: {
    id: 'low-entropy-secret',
    defaultSeverity: 'warning',
    description: 'Long enough, yet guessable: the entropy estimate is under the minimum',
    docs: '#low-entropy-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.isExample || ctx.secrets.length === 0) return;
    const facts = secretFacts(ctx);
    const memo = carriedSecrets(ctx, (selections, i) => isGuessable(ctx, facts, selections, i));
    for (const i of memo.secrets) {
      const s = ctx.secrets[i];
      const purpose = s.klass.purpose;
      const st = facts.strength(i);
      const min = minimumBytes(purpose, ctx.config.minBytes);
      const target = entropyTarget(purpose);
      const estimator = st.estimator === 'zxcvbn' ? 'zxcvbn estimate' : 'estimate from its characters';
      ctx.report({
        start: s.start,
        end: s.end,
        key: s.key,
        message: `${subjectOf(s)} is guessable: about ${st.entropyBits} bits (${estimator}); aim for ${target}+. Anyone who can test guesses offline can ${purposeVerb(purpose)}. ${replacementAdvice(purpose, min ?? ctx.config.minBytes)}`,
        data: { bits: st.entropyBits, target, length: st.length, encoding: st.encoding, estimator: st.estimator },
      });
    }
  },
};

/** A value rule applies, the value is long enough and not weak, yet its entropy estimate is under the target. */
function isGuessable(ctx: FileContext, facts: SecretFacts, selections: CarriedSelections['selections'], i: number): boolean {
  const s = ctx.secrets[i];
  if (!valueRulesApply(s, false)) return false;
  const purpose = s.klass.purpose;
  const st = facts.strength(i);
  const min = minimumBytes(purpose, ctx.config.minBytes);
  if (min !== undefined) {
    // Too short is short-secret's finding; this rule is for values long enough yet guessable.
    const req = keyRequirement(s, ctx.config.minBytes, selections);
    if (req && st.bytes < req.bytes) return false;
  }
  // A weak value is weak-secret's finding. Asked first: the weakness facts are cached per file
  // and cheap, the entropy estimate may run zxcvbn (both only skip, so the order changes nothing).
  if (facts.weakness(i)) return false;
  const target = entropyTarget(purpose);
  const bar = st.randomLooking ? target * RANDOM_ESTIMATE_SLACK : target;
  return st.entropyBits < bar;
}
