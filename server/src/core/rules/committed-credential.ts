import { findCredentials, isSupabaseServiceRole, type CredentialMatch } from '../credentials';
import { secretFacts, valueRulesApply, type SecretFacts } from '../placeholders';
import { carryIndexedFacts, carryIndexes, type FileContext, type IndexedFacts, type Rule } from '../rule';
import type { EnvEntry } from '../types';

/**
 * What the rule found in one version of a file, carried to the next (`FileContext.recall`): a
 * keystroke re-checks only the entries and secrets the re-parse produced, not the 10,000 others.
 */
interface Memo {
  /** Entries holding a live credential format or a Supabase service-role key, in order, with what they hold. */
  entries: IndexedFacts<EntryHit>;
  /** Secrets a URL or example check reports (before the "already reported" test), in order. */
  secrets: number[];
}

/** What the live-format checks find in an entry's value (offsets in the value, not the file). */
interface EntryHit {
  found: CredentialMatch[];
  supabase: boolean;
}

function entryHit(e: EnvEntry): EntryHit | undefined {
  if (e.value === '' || e.reference) return undefined;
  const found = findCredentials(e.value, e.key);
  const supabase = isSupabaseServiceRole(e.value);
  return found.length > 0 || supabase ? { found, supabase } : undefined;
}

/** Live credential format (AWS, Stripe, GitHub, Slack, Google, OpenAI, PEM, URL) or a real-looking value in an example file */
export const committedCredentialRule: Rule = {
  meta: {
    id: 'committed-credential',
    defaultSeverity: 'error',
    description: 'Live credential format (AWS, Stripe, GitHub, Slack, Google, OpenAI, PEM, URL) or a real-looking value in an example file',
    docs: '#committed-credential',
    scope: 'file',
  },
  check(ctx) {
    // A git-ignored .env is where credentials belong; example files are shared whatever git says.
    if (!ctx.isExample && ctx.workspace.isGitIgnored(ctx.source.path) === true) return;
    const where = ctx.isExample
      ? 'in an example file: everyone who copies the example gets it, and anyone who reads the repository can use it'
      : 'in a file that is committed (or not ignored): anyone who can read the repository can use it';
    const text = ctx.source.text;
    const entries = ctx.source.entries;
    const facts = secretFacts(ctx);
    const secretHits = (i: number): boolean => {
      const s = ctx.secrets[i];
      return s.fromUrl ? urlCredential(facts, i) : ctx.isExample && exampleValue(facts, i);
    };
    const recalled = ctx.recall<Memo>();
    let memo: Memo;
    if (recalled && !recalled.carried) memo = recalled.memo;
    else if (recalled) {
      memo = {
        entries: carryIndexedFacts(recalled.memo.entries, recalled.carried!.entries, (i) => entryHit(entries[i])),
        secrets: carryIndexes(recalled.memo.secrets, recalled.carried!.secrets, secretHits),
      };
    } else {
      memo = { entries: { indexes: [], facts: [] }, secrets: [] };
      for (let i = 0; i < entries.length; i++) {
        const hit = entryHit(entries[i]);
        if (!hit) continue;
        memo.entries.indexes.push(i);
        memo.entries.facts.push(hit);
      }
      for (let i = 0; i < ctx.secrets.length; i++) if (secretHits(i)) memo.secrets.push(i);
    }
    ctx.keep(memo);
    /** Values already reported, so the URL and example checks do not repeat a live-format finding. */
    const reported = new Set<number>();

    for (let h = 0; h < memo.entries.indexes.length; h++) {
      const e = entries[memo.entries.indexes[h]];
      const hit = memo.entries.facts[h];
      // Where the value's text sits: exact offsets when it is written literally.
      const literal = !e.encodedAs && text.slice(e.valueStart, e.valueEnd) === e.value;
      for (const c of hit.found) {
        ctx.report({
          start: literal ? e.valueStart + c.start : e.valueStart,
          end: literal ? e.valueStart + c.end : e.valueEnd,
          key: e.key,
          message: `${e.key} holds ${c.label} ${where}. ${revokeAdvice(c.kind)}`,
          data: { provider: c.provider, kind: c.kind },
        });
        reported.add(e.valueStart);
      }
      if (!reported.has(e.valueStart) && hit.supabase) {
        ctx.report({
          start: e.valueStart,
          end: e.valueEnd,
          key: e.key,
          message: `${e.key} holds a Supabase service-role key (it bypasses row-level security) ${where}. ${revokeAdvice('live-format')}`,
          data: { provider: 'supabase', kind: 'live-format' },
        });
        reported.add(e.valueStart);
      }
    }

    // A commented-out credential is still in the repository.
    for (const c of ctx.source.commented) {
      const value = text.slice(c.valueStart, c.valueEnd);
      for (const m of findCredentials(value, c.key)) {
        ctx.report({
          start: c.valueStart + m.start,
          end: c.valueStart + m.end,
          key: c.key,
          message: `The commented-out ${c.key} holds ${m.label} ${where}; a comment does not hide it. ${revokeAdvice(m.kind)}`,
          data: { provider: m.provider, kind: m.kind },
        });
      }
    }

    for (const i of memo.secrets) {
      const s = ctx.secrets[i];
      if (reported.has(s.entry.valueStart)) continue;
      if (s.fromUrl) reportUrlCredential(ctx, facts, i, where);
      else reportExampleValue(ctx, facts, i);
    }
  },
};

function revokeAdvice(kind: 'live-format' | 'private-key'): string {
  return kind === 'private-key'
    ? 'Generate a new key pair, replace the public key wherever it is trusted, and keep the private key out of git.'
    : "Revoke it in the provider's console, issue a new one, and keep it in an ignored .env or a secret manager.";
}

/** `https://user:pass@host`, `postgres://app:pass@db`: a real password inside a committed URL. */
function urlCredential(facts: SecretFacts, i: number): boolean {
  // Placeholder and default passwords are weak-secret's concern (and in examples, expected).
  if (facts.weakness(i) || facts.looksFake(i)) return false;
  return facts.strength(i).length >= 6;
}

/** Reports a URL password `urlCredential` accepted. */
function reportUrlCredential(ctx: FileContext, facts: SecretFacts, i: number, where: string): void {
  const s = facts.secrets[i];
  const st = facts.strength(i);
  ctx.report({
    start: s.start,
    end: s.end,
    key: s.key,
    message: `${s.key} has a real-looking credential inside the URL (${st.length} chars) ${where}. Move the credential to its own variable in an ignored .env or a secret manager, and rotate it.`,
    data: { provider: 'url', kind: 'url-credential' },
  });
}

/** A random-looking secret in an example file: every installer shares the same value. */
function exampleValue(facts: SecretFacts, i: number): boolean {
  const s = facts.secrets[i];
  const st = facts.strength(i);
  if (!st.randomLooking || st.bytes < 12) return false;
  if (facts.looksFake(i)) return false;
  // Weakness is judged as if the file were real: a random-looking value is not a placeholder.
  return !(valueRulesApply(s, false) && facts.weakness(i));
}

/** Reports an example file's value `exampleValue` accepted. */
function reportExampleValue(ctx: FileContext, facts: SecretFacts, i: number): void {
  const s = facts.secrets[i];
  const st = facts.strength(i);
  ctx.report({
    start: s.start,
    end: s.end,
    key: s.key,
    message: `${s.key} has a real-looking random value (${st.encoding}, ${st.length} chars) in an example file: everyone who copies the example runs with the same secret, and anyone who reads the repository knows it. Leave it empty or write a <marker>, and rotate the value wherever it is used.`,
    data: { provider: 'unknown', kind: 'example-value', encoding: st.encoding, length: st.length },
  });
}
