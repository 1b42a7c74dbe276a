import type { Suppression } from './types';

const DIRECTIVE = /(?:#|\/\/|!|;)\s*secret-hygiene-disable-(next-line|line)\b([^\r\n]*)/;

/**
 * Reads suppression comments: `# secret-hygiene-disable-next-line weak-secret -- reason` and
 * `KEY=... # secret-hygiene-disable-line weak-secret`. Without rule ids every rule is disabled.
 * The comment marker may be `#` (dotenv, YAML, properties), `//` (JSONC) or `!` (properties).
 */
export function parseSuppressions(text: string, _marker?: string): Suppression[] {
  if (text.indexOf('secret-hygiene-disable') === -1) return [];
  const out: Suppression[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) continue;
    const rest = m[2].split(/\s--\s|\s--$/)[0];
    const rules = rest
      .split(/[\s,]+/)
      .map((r) => r.trim())
      .filter((r) => r !== '');
    out.push({ line: m[1] === 'line' ? i : i + 1, rules, commentLine: i });
  }
  return out;
}

export function isSuppressed(suppressions: readonly Suppression[], line: number, ruleId: string): boolean {
  for (const s of suppressions) {
    if (s.line === line && (s.rules.length === 0 || s.rules.includes(ruleId))) return true;
  }
  return false;
}
