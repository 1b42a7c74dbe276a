/**
 * Which parts of a file the editor masks (screen-share safety, seed 004): computed synchronously
 * from the text with the engine's pure parsers, so decorations can be set in the same tick an
 * editor becomes visible, before the language server has said anything. No `vscode` import here:
 * this is tested without VS Code.
 */
import { classifyKeyName, isMarker, isNonSecretValue, parseUrlPassword } from '../../server/src/core/classify';
import { parseDotenv } from '../../server/src/core/parsers/dotenv';

export type MaskScope = 'secrets' | 'all';

/** A masked span, in offsets of the text (UTF-16 code units). */
export interface MaskSpan {
  start: number;
  end: number;
}

function isSecretKey(key: string): boolean {
  return classifyKeyName(key)?.secret === true;
}

/**
 * The spans to mask: values of secret-like keys (or of every key, scope "all"), the password of a
 * connection URL, and values in commented-out assignments (`# JWT_SECRET=...`). Empty values,
 * `${VAR}` references and `<markers>` are left visible: there is nothing to hide in them.
 */
export function maskSpans(text: string, fileName: string, scope: MaskScope = 'secrets'): MaskSpan[] {
  const spans: MaskSpan[] = [];
  let source;
  try {
    // Only env files are masked (see isMaskedFile), and they are all dotenv.
    source = parseDotenv(fileName, text);
  } catch {
    return fallbackSpans(text);
  }
  if (source.unreadable) return fallbackSpans(text);
  for (const e of source.entries) {
    if (e.valueEnd <= e.valueStart || e.reference || isMarker(e.value)) continue;
    const url = parseUrlPassword(e.value);
    const literal = text.slice(e.valueStart, e.valueEnd) === e.value;
    if (scope === 'all') {
      spans.push({ start: e.valueStart, end: e.valueEnd });
    } else if (url && literal) {
      spans.push({ start: e.valueStart + url.start, end: e.valueStart + url.end });
    } else if (isSecretKey(e.key) && !isNonSecretValue(e.value)) {
      spans.push({ start: e.valueStart, end: e.valueEnd });
    }
  }
  for (const c of source.commented) {
    if (c.valueEnd <= c.valueStart) continue;
    const value = text.slice(c.valueStart, c.valueEnd);
    if (scope === 'all' || isSecretKey(c.key)) {
      spans.push({ start: c.valueStart, end: c.valueEnd });
    } else {
      const url = parseUrlPassword(value.replace(/^['"`]/, ''));
      if (url) {
        const shift = /^['"`]/.test(value) ? 1 : 0;
        spans.push({ start: c.valueStart + shift + url.start, end: c.valueStart + shift + url.end });
      }
    }
  }
  // Lines dotenv does not read (too long, a space in the key...) still show text after "=":
  // hide it, since nobody can tell whether it is a secret.
  for (const p of source.problems) {
    // `KEY=abc#def`: dotenv reads "abc", but "#def" is most likely the rest of the secret.
    if ((p.kind === 'hash-in-value' || p.kind === 'text-after-quote') && p.end > p.start) {
      spans.push({ start: p.start, end: p.end });
      continue;
    }
    if (p.kind !== 'line-too-long' && p.kind !== 'skipped-line') continue;
    const lineStart = text.lastIndexOf('\n', p.start - 1) + 1;
    let lineEnd = text.indexOf('\n', p.start);
    if (lineEnd === -1) lineEnd = text.length;
    if (text[lineEnd - 1] === '\r') lineEnd--;
    const line = text.slice(lineStart, lineEnd);
    if (/^\s*#/.test(line)) continue;
    const sep = line.search(/[=:]/);
    if (sep === -1) continue;
    let start = lineStart + sep + 1;
    while (start < lineEnd && (text[start] === ' ' || text[start] === '\t')) start++;
    if (start < lineEnd) spans.push({ start, end: lineEnd });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** When the text cannot be parsed: hide everything after the first `=` or `:` of every line. */
function fallbackSpans(text: string): MaskSpan[] {
  const spans: MaskSpan[] = [];
  const re = /^[^\r\n=:]*[=:][ \t]*([^\r\n]*)$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[1].length > 0) spans.push({ start: m.index + m[0].length - m[1].length, end: m.index + m[0].length });
    if (m[0].length === 0) re.lastIndex++;
  }
  return spans;
}

/**
 * The words that make the grammar (syntaxes/dotenv.tmLanguage.json, `secret-assignment` and
 * `secret-comment`) scope a key's value `meta.secret.value.dotenv`, which the extension's default
 * token colours make transparent.
 */
const SECRET_WORDS = 'secrets?|passwords?|passwd|passphrase|pass|pwd|tokens?|salt|pepper|credentials?|apikey|private|keys?|dsn';
const KEY = `(?=[A-Za-z0-9_.-]*?(?<![A-Za-z])(?:${SECRET_WORDS})(?![A-Za-z]))[A-Za-z_][A-Za-z0-9_.-]*`;
const RE_SECRET_COMMENT = new RegExp(`^\\s*(#)[ \\t]*(?:(export)[ \\t]+)?(${KEY})[ \\t]*(=)[ \\t]*`, 'i');
const RE_COMMENT = /^\s*#/;
const RE_SECRET_ASSIGNMENT = new RegExp(`^\\s*(?:(export)\\s+)?(${KEY})[ \\t]*(=|:(?=[ \\t]))[ \\t]*`, 'i');
const RE_ASSIGNMENT = /^\s*(?:(export)\s+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=|:(?=[ \t]))[ \t]*/;
const RE_URL_PASSWORD = /(?<=:\/\/)[^:@/\s'"`]*(:)([^@/\s'"`]+)(?=@)/y;
const RE_ESCAPE = /\\(?:[nrt"'\\$`]|u[0-9A-Fa-f]{4})/y;
const RE_INTERPOLATION = /(\$\{)([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([^}]*))?(\})/y;
const RE_VARIABLE = /(\$)([A-Za-z_][A-Za-z0-9_]*)/y;
const RE_UNQUOTED_END = /[ \t]*(?:#|$)/y;

export interface HiddenSpan extends MaskSpan {
  /** Inside a comment (revealed in a comment-like colour) or a value (string colour). */
  comment: boolean;
}

type Quote = '"' | "'" | '`';
interface OpenString {
  quote: Quote;
  secret: boolean;
}

function stickyAt(re: RegExp, line: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(line);
}

/**
 * The spans the grammar hides, computed the way a TextMate engine runs this grammar (leftmost
 * match, end pattern first, strings that continue on the next line), so the editor can reveal what
 * masking does not cover: everything when masking is off. test/lsp/grammar-mirror.test.ts
 * checks it against vscode-textmate on fixed and generated files.
 */
export function grammarHiddenSpans(text: string, _fileName?: string): HiddenSpan[] {
  const spans: HiddenSpan[] = [];
  let assignment: 'secret' | 'normal' | undefined;
  let open: OpenString | undefined;
  let lineStart = 0;
  const hide = (s: number, e: number, comment = false) => {
    if (e > s) spans.push({ start: lineStart + s, end: lineStart + e, comment });
  };
  while (lineStart <= text.length) {
    let nl = text.indexOf('\n', lineStart);
    if (nl === -1) nl = text.length;
    let line = text.slice(lineStart, nl);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let pos = 0;
    if (open) {
      pos = scanString(line, 0, open, hide);
      if (pos === -1) {
        hideOpenRest(line, 0, open, hide);
        lineStart = nl + 1;
        continue;
      }
      open = undefined;
    } else {
      assignment = undefined;
      let m: RegExpExecArray | null;
      if ((m = RE_SECRET_COMMENT.exec(line))) {
        hide(m[0].length, line.length, true);
      } else if (RE_COMMENT.test(line)) {
        for (let i = line.indexOf('#') + 1; i < line.length; i++) {
          const u = stickyAt(RE_URL_PASSWORD, line, i);
          if (u) {
            hide(i + u[0].length - u[2].length, i + u[0].length, true);
            i += u[0].length - 1;
          }
        }
      } else if ((m = RE_SECRET_ASSIGNMENT.exec(line))) {
        assignment = 'secret';
        pos = m[0].length;
      } else if ((m = RE_ASSIGNMENT.exec(line))) {
        assignment = 'normal';
        pos = m[0].length;
      }
    }
    if (assignment) {
      const r = scanValue(line, pos, assignment === 'secret', hide);
      if (r) {
        open = r;
        lineStart = nl + 1;
        continue;
      }
    }
    assignment = undefined;
    lineStart = nl + 1;
  }
  return spans;
}

/** A string's content from `i` on: returns the index after its closing quote, or -1 (still open at the end of the line). */
function scanString(line: string, i: number, s: OpenString, hide: (a: number, b: number, c?: boolean) => void): number {
  const from = i;
  while (i < line.length) {
    const c = line[i];
    if (c === s.quote) {
      if (s.secret) hide(from, i);
      return i + 1;
    }
    if (s.secret) {
      if (c === '\\' && line[i + 1] === s.quote && line.indexOf(s.quote, i + 2) !== -1) i += 2;
      else i++;
      continue;
    }
    if (s.quote !== '`') {
      const u = stickyAt(RE_URL_PASSWORD, line, i);
      if (u) {
        hide(i + u[0].length - u[2].length, i + u[0].length);
        i += u[0].length;
        continue;
      }
    }
    if (s.quote === '"') {
      const e = stickyAt(RE_ESCAPE, line, i);
      if (e) {
        i += e[0].length;
        continue;
      }
    }
    if (s.quote !== "'") {
      const v = stickyAt(RE_INTERPOLATION, line, i) ?? stickyAt(RE_VARIABLE, line, i);
      if (v) {
        i += v[0].length;
        continue;
      }
    }
    i++;
  }
  return -1;
}

function hideOpenRest(line: string, from: number, s: OpenString, hide: (a: number, b: number) => void): void {
  if (s.secret) hide(from, line.length);
}

/** The rest of an assignment line from `pos`; returns the string still open at the end of the line, if any. */
function scanValue(line: string, pos: number, secret: boolean, hide: (a: number, b: number, c?: boolean) => void): OpenString | undefined {
  while (pos < line.length) {
    const c = line[pos];
    if (c === ' ' || c === '\t' || /\s/.test(c)) {
      pos++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const s: OpenString = { quote: c, secret };
      const end = scanString(line, pos + 1, s, hide);
      if (end === -1) {
        hideOpenRest(line, pos + 1, s, hide);
        return s;
      }
      pos = end;
      continue;
    }
    if (c === '#') return undefined;
    // Unquoted run: ends before optional blanks followed by "#" or the end of the line.
    const from = pos;
    while (pos < line.length) {
      if (stickyAt(RE_UNQUOTED_END, line, pos)) break;
      if (!secret) {
        const u = stickyAt(RE_URL_PASSWORD, line, pos);
        if (u) {
          hide(pos + u[0].length - u[2].length, pos + u[0].length);
          pos += u[0].length;
          continue;
        }
        const v = stickyAt(RE_INTERPOLATION, line, pos) ?? stickyAt(RE_VARIABLE, line, pos);
        if (v) {
          pos += v[0].length;
          continue;
        }
      }
      pos++;
    }
    if (secret) hide(from, pos);
  }
  return undefined;
}

/** Files whose values are masked: env files, whatever language the editor gave them. */
export function isMaskedFile(fileName: string, languageId: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (languageId === 'dotenv') return true;
  if (/^\.envrc$/i.test(base)) return false;
  return /^\.env(\..*)?$/i.test(base) || /\.env$/i.test(base);
}
