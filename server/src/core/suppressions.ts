import { flatCopy } from './text';
import type { Suppression } from './types';

const DIRECTIVE = /(?:#|\/\/|!|;)\s*secret-hygiene-disable-(next-line|line)\b([^\r\n]*)/;

/**
 * Reads suppression comments: `# secret-hygiene-disable-next-line weak-secret -- reason` and
 * `KEY=... # secret-hygiene-disable-line weak-secret`. Without rule ids every rule is disabled.
 * The comment marker may be `#` (dotenv, YAML, properties), `//` (JSONC) or `!` (properties).
 */
export function parseSuppressions(text: string, _marker?: string): Suppression[] {
  let at = text.indexOf(NEEDLE);
  if (at === -1) return [];
  const out: Suppression[] = [];
  if (text.indexOf('\r') !== -1 && LONE_CR.test(text)) {
    const lines = text.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i++) directive(lines[i], i, out);
    return out;
  }
  // Only "\n" breaks lines (after an optional "\r"): the lines holding the word are found by
  // searching for it, and their numbers by hopping from one "\n" to the next (a 100k-line file with
  // one suppression comment was split into 100k strings on every keystroke: ~40-48 ms, now 1-7).
  let line = 0;
  let lineStart = 0;
  while (at !== -1) {
    for (let nl = text.indexOf('\n', lineStart); nl !== -1 && nl < at; nl = text.indexOf('\n', lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    let lineEnd = text.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = text.length;
    // A CRLF line keeps its "\r" here: the directive's expression stops before it.
    directive(text.slice(lineStart, lineEnd), line, out);
    at = text.indexOf(NEEDLE, lineEnd);
  }
  return out;
}

/**
 * The suppressions of lines [from, to) of a text whose only line break is "\n" (`lineStarts` its
 * line starts): what `parseSuppressions` finds on those lines. For a re-parse, which keeps the
 * suppressions of the lines it did not re-read.
 */
export function suppressionsInLines(text: string, lineStarts: Int32Array, from: number, to: number, out: Suppression[]): void {
  if (from >= to || from >= lineStarts.length) return;
  const start = lineStarts[from];
  // Searched in a slice of those lines (a view, not a copy): a search of the text would run on to
  // its end whenever the lines hold no comment.
  const region = text.slice(start, to < lineStarts.length ? lineStarts[to] : text.length);
  let at = region.indexOf(NEEDLE);
  let line = from;
  while (at !== -1) {
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= start + at) line++;
    let lineEnd = region.indexOf('\n', at);
    if (lineEnd === -1) lineEnd = region.length;
    directive(region.slice(lineStarts[line] - start, lineEnd), line, out);
    at = region.indexOf(NEEDLE, lineEnd);
  }
}

const NEEDLE = 'secret-hygiene-disable';
const LONE_CR = /\r(?!\n)/;

/** The suppression a line holds, if any, pushed to `out`. */
function directive(lineText: string, i: number, out: Suppression[]): void {
  const m = DIRECTIVE.exec(lineText);
  if (!m) return;
  const rest = m[2].split(/\s--\s|\s--$/)[0];
  const rules = rest
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r !== '')
    // Own copies: a re-parse carries suppressions to the next versions, and a slice would keep
    // this version's whole text alive with them.
    .map(flatCopy);
  out.push({ line: m[1] === 'line' ? i : i + 1, rules, commentLine: i });
}

export function isSuppressed(suppressions: readonly Suppression[], line: number, ruleId: string): boolean {
  for (const s of suppressions) {
    if (s.line === line && (s.rules.length === 0 || s.rules.includes(ruleId))) return true;
  }
  return false;
}
