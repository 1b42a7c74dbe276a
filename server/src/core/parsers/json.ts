import { createScanner, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import type { CommentedEntry, EnvEntry, ParsedSource, ParseProblem } from '../types';
import { parseSuppressions } from '../suppressions';
import { LineIndex } from '../text';

/**
 * Nesting deeper than this is cut out before `jsonc-parser` (which recurses per level) sees it,
 * and reported. Configuration is a few levels deep; 10,000 levels must not blow the stack.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * JSON config (appsettings*.json, config/*.json), with comments and trailing commas (JSONC).
 * Every leaf is an entry keyed by its dotted path (`Jwt.Key`, `ConnectionStrings.Default`,
 * `list.0`). Values are what the program sees (escapes decoded); a value whose written text
 * differs, or that is not a JSON string, is read-only: writing text there needs quoting.
 */
export function parseJsonConfig(path: string, text: string): ParsedSource {
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const { parseText, cut } = cutDeepNesting(text, problems);
  const errors: ParseError[] = [];
  let root: JsonNode | undefined;
  try {
    root = parseTree(parseText, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true });
  } catch (e) {
    problems.push({ start: 0, end: 0, message: `The JSON parser failed (${e instanceof Error ? e.name : 'error'}); the file was not read`, severity: 'error', kind: 'syntax-error' });
  }
  for (const err of errors) {
    const start = Math.max(0, Math.min(err.offset, text.length));
    problems.push({
      start,
      end: Math.min(text.length, start + Math.max(0, err.length)),
      message: `JSON: ${ERROR_MESSAGES[printParseErrorCode(err.error)] ?? 'invalid JSON'}`,
      severity: 'error',
      kind: 'syntax-error',
    });
  }
  const entries: EnvEntry[] = [];
  if (root) walk(text, lines, root, [], undefined, new Set(cut.map(([s]) => s)), entries);
  return {
    path,
    format: 'json',
    text,
    entries,
    commented: commentedJson(text, lines),
    problems,
    suppressions: parseSuppressions(text),
  };
}

const ERROR_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name is expected here',
  ValueExpected: 'a value is expected here',
  ColonExpected: '":" is expected here',
  CommaExpected: '"," is expected here',
  CloseBraceExpected: '"}" is expected here',
  CloseBracketExpected: '"]" is expected here',
  EndOfFileExpected: 'end of file expected: text follows the top-level value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'a comment is never closed',
  UnexpectedEndOfString: 'a string is never closed',
  UnexpectedEndOfNumber: 'a number ends too early',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string (control characters must be escaped)',
};

// Token kinds of jsonc-parser's scanner (its `const enum SyntaxKind`).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

/**
 * Replaces every value nested deeper than MAX_JSON_DEPTH by `0` and spaces (line breaks kept, so
 * offsets and lines stay those of the original text) and reports it. Returns the ranges cut.
 */
function cutDeepNesting(text: string, problems: ParseProblem[]): { parseText: string; cut: [number, number][] } {
  const cut: [number, number][] = [];
  let parseText = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  // Fewer brackets than the limit in the whole text cannot nest past it: no need to scan.
  let opens = 0;
  for (let i = 0; i < parseText.length && opens <= MAX_JSON_DEPTH; i++) {
    const c = parseText.charCodeAt(i);
    if (c === 91 || c === 123) opens++;
  }
  if (opens <= MAX_JSON_DEPTH) return { parseText, cut };
  const scanner = createScanner(parseText, true);
  let depth = 0;
  let cutStart = -1;
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      depth++;
      if (depth === MAX_JSON_DEPTH + 1 && cutStart === -1) cutStart = scanner.getTokenOffset();
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) {
      if (depth === MAX_JSON_DEPTH + 1 && cutStart !== -1) {
        cut.push([cutStart, scanner.getTokenOffset() + scanner.getTokenLength()]);
        cutStart = -1;
      }
      if (depth > 0) depth--;
    }
  }
  if (cutStart !== -1) cut.push([cutStart, parseText.length]);
  if (cut.length === 0) return { parseText, cut };
  let out = '';
  let last = 0;
  for (const [s, e] of cut) {
    out += parseText.slice(last, s) + '0' + parseText.slice(s + 1, e).replace(/[^\r\n]/g, ' ');
    last = e;
  }
  parseText = out + parseText.slice(last);
  const [s] = cut[0];
  problems.push({
    start: s,
    end: s + 1,
    message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels${cut.length > 1 ? ` in ${cut.length} places` : ''}; the nested values were not read`,
    severity: 'error',
    kind: 'nesting-too-deep',
  });
  return { parseText, cut };
}

function walk(
  text: string,
  lines: LineIndex,
  node: JsonNode,
  path: string[],
  keyPlace: { start: number; end: number } | undefined,
  cut: Set<number>,
  entries: EnvEntry[],
): void {
  // Depth is bounded by cutDeepNesting, so this recursion stays within MAX_JSON_DEPTH; the `0`
  // standing in for a cut value is no entry.
  if (cut.has(node.offset)) return;
  if (path.length > MAX_JSON_DEPTH + 1) return;
  if (node.type === 'object') {
    for (const prop of node.children ?? []) {
      const [keyNode, valueNode] = prop.children ?? [];
      if (!keyNode || !valueNode || keyNode.type !== 'string') continue;
      walk(text, lines, valueNode, [...path, String(keyNode.value)], stringContent(text, keyNode), cut, entries);
    }
    return;
  }
  if (node.type === 'array') {
    (node.children ?? []).forEach((item, i) => walk(text, lines, item, [...path, String(i)], { start: item.offset, end: item.offset }, cut, entries));
    return;
  }
  if (path.length === 0 || !keyPlace) return;
  const raw = text.slice(node.offset, node.offset + node.length);
  let value: string;
  let start = node.offset;
  let end = node.offset + node.length;
  let quote: EnvEntry['quote'] = 'none';
  let literal = false;
  if (node.type === 'string') {
    ({ start, end } = stringContent(text, node));
    value = String(node.value);
    quote = 'double';
    literal = text.slice(start, end) === value;
  } else {
    value = node.type === 'null' ? '' : raw;
  }
  entries.push({
    key: path.join('.'),
    value,
    keyStart: keyPlace.start,
    keyEnd: keyPlace.end,
    valueStart: start,
    valueEnd: end,
    quote,
    exported: false,
    line: lines.positionAt(keyPlace.start).line,
    ...(literal ? {} : { readOnly: true }),
  });
}

/** A string node's content: inside its quotes (an unterminated string has no closing quote). */
function stringContent(text: string, node: JsonNode): { start: number; end: number } {
  const start = Math.min(node.offset + 1, node.offset + node.length);
  const last = node.offset + node.length - 1;
  const end = node.length >= 2 && text[last] === '"' ? last : node.offset + node.length;
  return { start, end };
}

const COMMENTED_JSON = /^[ \t]*\/\/[ \t]*"([^"\\]+)"[ \t]*:[ \t]*"([^"\\]*)"[ \t]*,?[ \t]*$/;

/** `// "Key": "old-value",` in JSONC: not a value, but masked in the editor. */
function commentedJson(text: string, lines: LineIndex): CommentedEntry[] {
  const out: CommentedEntry[] = [];
  if (text.indexOf('//') === -1) return out;
  for (let line = 0; line < lines.lineCount; line++) {
    const lineText = lines.lineText(line);
    const m = COMMENTED_JSON.exec(lineText);
    if (!m || m[2] === '') continue;
    const colon = lineText.indexOf(':', lineText.indexOf(m[1]) + m[1].length + 1);
    const vs = lines.lineStart(line) + lineText.indexOf('"', colon) + 1;
    out.push({ key: m[1], line, valueStart: vs, valueEnd: vs + m[2].length });
  }
  return out;
}
