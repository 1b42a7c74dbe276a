import type { CommentedEntry, EnvEntry, ParseProblem, ParsedSource, QuoteStyle } from '../types';
import { parseSuppressions } from '../suppressions';

/**
 * The line expression of the `dotenv` package's `parse` (lib/main.js, unchanged since v15), with
 * the `d` flag so that every group reports where it sits. Using dotenv's own expression is what
 * makes our values equal dotenv's, byte for byte; the differential test checks it stays that way.
 */
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

const COMMENTED_ASSIGNMENT = /^[ \t]*#+[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*=[ \t]*(.*)$/;

/** Lines longer than this are not handed to the backtracking expression; they get a problem. */
const MAX_LINE_CHARS = 256 * 1024;

/** Where one match of DOTENV_LINE sits: the key, the value group (vs = -1 when absent), the match's end. */
interface LineMatch {
  ks: number;
  ke: number;
  vs: number;
  ve: number;
  end: number;
}

/** `[\w.-]`: the characters of a key. */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/**
 * The next match of DOTENV_LINE at or after `from`, as `re.exec` with `lastIndex = from` finds it.
 * A hand-written scanner decides the common lines (`KEY=value`, `KEY="quoted"`, `export KEY=v`,
 * blank and comment lines) and follows the expression's backtracking order exactly for them;
 * anything else (space or ":" around the separator, a quote left open, text after a closing
 * quote, an `export` that may be the key) is handed to the expression itself, from a line start
 * that no earlier line can match past. Texts with U+2028/U+2029 (line starts for "^" and "$"
 * that the scanner does not model) always take the expression.
 */
function nextMatch(t: string, from: number, re: RegExp, scan: boolean, m: LineMatch): boolean {
  if (!scan) return regexMatch(t, from, re, m);
  const n = t.length;
  let L = from;
  if (L > 0 && t.charCodeAt(L - 1) !== 10) {
    L = t.indexOf('\n', L) + 1;
    if (L === 0) return false;
  }
  for (;;) {
    // `^\s*` from the line start L reaches K; without a key character there, no line up to K's matches.
    let K = L;
    while (K < n && isJsSpace(t.charCodeAt(K))) K++;
    if (K >= n) return false;
    if (!isKeyChar(t.charCodeAt(K))) {
      L = t.indexOf('\n', K) + 1;
      if (L === 0) return false;
      continue;
    }
    if (fastMatch(t, K, m)) return true;
    return regexMatch(t, L, re, m);
  }
}

function regexMatch(t: string, from: number, re: RegExp, m: LineMatch): boolean {
  re.lastIndex = from;
  for (;;) {
    const r = re.exec(t);
    if (r === null) return false;
    if (r[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const indices = r.indices!;
    m.ks = indices[1]![0];
    m.ke = indices[1]![1];
    const v = indices[2];
    m.vs = v ? v[0] : -1;
    m.ve = v ? v[1] : -1;
    m.end = r.index + r[0].length;
    return true;
  }
}

/**
 * DOTENV_LINE at K (a key character after the line's leading whitespace), for lines of the form
 * `[export ]KEY=` followed by nothing, a comment, an unquoted value or a closed quoted value with
 * only whitespace or a comment after it. False (nothing decided) for any other line.
 */
function fastMatch(t: string, K: number, m: LineMatch): boolean {
  const n = t.length;
  let ks = K;
  // `(?:export\s+)?`: tried first; when taken, the key must follow on the same line.
  if (t.charCodeAt(K) === 101 && t.startsWith('export', K) && K + 6 < n && isJsSpace(t.charCodeAt(K + 6))) {
    let j = K + 6;
    while (j < n && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    if (j >= n || !isKeyChar(t.charCodeAt(j))) return false;
    ks = j;
  }
  let ke = ks;
  while (ke < n && isKeyChar(t.charCodeAt(ke))) ke++;
  if (ke >= n || t.charCodeAt(ke) !== 61 /* = */) return false;
  const vs = ke + 1;
  m.ks = ks;
  m.ke = ke;
  if (vs >= n) {
    m.vs = m.ve = -1;
    m.end = n;
    return true;
  }
  const c = t.charCodeAt(vs);
  if (c === 35 /* # */) {
    m.vs = m.ve = -1;
    m.end = lineEnd(t, vs);
    return true;
  }
  if (c === 10) {
    // The value group's `\s*'` could reach a quote on a later line: only decided when it cannot.
    let N = vs;
    while (N < n && isJsSpace(t.charCodeAt(N))) N++;
    if (N < n) {
      const q = t.charCodeAt(N);
      if (q === 39 || q === 34 || q === 96) return false;
    }
    m.vs = m.ve = -1;
    m.end = tailEnd(t, vs, N);
    return true;
  }
  if (isJsSpace(c)) return false;
  if (c === 39 || c === 34 || c === 96) {
    // `q(?:\\q|[^q])*q`, greedy: up to the first quote not escaped by the backslash before it.
    let j = vs + 1;
    for (;;) {
      if (j >= n) return false;
      const d = t.charCodeAt(j);
      if (d === 92 && t.charCodeAt(j + 1) === c) j += 2;
      else if (d === c) break;
      else j++;
    }
    const after = j + 1;
    let N = after;
    while (N < n && isJsSpace(t.charCodeAt(N))) N++;
    // The tail `\s*(?:#.*)?$` must match right after the quote, or the expression backtracks.
    if (N < n && t.charCodeAt(N) !== 35) {
      const nl = t.lastIndexOf('\n', N - 1);
      if (nl < after) return false;
    }
    m.vs = vs;
    m.ve = after;
    m.end = tailEnd(t, after, N);
    return true;
  }
  // `[^#\r\n]+` (the text holds no \r here), then the tail, which always matches.
  let d = vs + 1;
  while (d < n) {
    const e = t.charCodeAt(d);
    if (e === 35 || e === 10) break;
    d++;
  }
  m.vs = vs;
  m.ve = d;
  if (d >= n) m.end = n;
  else if (t.charCodeAt(d) === 35) m.end = lineEnd(t, d);
  else {
    let N = d;
    while (N < n && isJsSpace(t.charCodeAt(N))) N++;
    m.end = tailEnd(t, d, N);
  }
  return true;
}

/** End of the line holding `at`: the next "\n" or the end of the text (`.*$`). */
function lineEnd(t: string, at: number): number {
  const nl = t.indexOf('\n', at);
  return nl === -1 ? t.length : nl;
}

/**
 * Where `\s*(?:#.*)?$` ends when started at `from`, `N` being the first non-space at or after it
 * and the tail known to match: at the end of a comment at N, at the end of the text, or else
 * (backtracking) at the last "\n" before N.
 */
function tailEnd(t: string, from: number, N: number): number {
  if (N >= t.length) return t.length;
  if (t.charCodeAt(N) === 35) return lineEnd(t, N);
  return t.lastIndexOf('\n', N - 1);
}

/**
 * Parses a .env text losslessly: the text is kept as it is and every entry records where its key
 * and value sit, so edits replace exactly the value's bytes. CRLF, lone CR and a BOM-less text are
 * handled by mapping dotenv's normalised offsets back onto the original text.
 */
export function parseDotenv(path: string, text: string): ParsedSource {
  const problems: ParseProblem[] = [];
  // dotenv replaces \r\n and lone \r by \n before matching; we match on that text and map back.
  const removedCr: number[] = [];
  let norm = text;
  if (text.indexOf('\r') !== -1) {
    let out = '';
    let last = 0;
    for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
      out += text.slice(last, i);
      if (text.charCodeAt(i + 1) === 10) {
        removedCr.push(out.length);
        last = i + 1;
      } else {
        out += '\n';
        last = i + 1;
      }
    }
    norm = out + text.slice(last);
  }
  const toOrig = (n: number): number => {
    if (removedCr.length === 0) return n;
    let lo = 0;
    let hi = removedCr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (removedCr[mid] < n) lo = mid + 1;
      else hi = mid;
    }
    return n + lo;
  };

  let lineCount = 1;
  for (let i = norm.indexOf('\n'); i !== -1; i = norm.indexOf('\n', i + 1)) lineCount++;
  const lineStarts = new Int32Array(lineCount);
  for (let i = norm.indexOf('\n'), l = 1; i !== -1; i = norm.indexOf('\n', i + 1)) lineStarts[l++] = i + 1;
  const lineEndNorm = (line: number): number => (line + 1 < lineCount ? lineStarts[line + 1] - 1 : norm.length);

  // Very long lines are cut out of the text the expression sees (replaced by blank lines of
  // the same length), so a 5 MB line can neither hang the parser nor be half-read.
  let matchText = norm;
  const longLines: number[] = [];
  for (let line = 0; line < lineCount; line++) {
    if (lineEndNorm(line) - lineStarts[line] > MAX_LINE_CHARS) longLines.push(line);
  }
  if (longLines.length > 0) {
    let out = '';
    let last = 0;
    for (const line of longLines) {
      const s = lineStarts[line];
      const e = lineEndNorm(line);
      out += norm.slice(last, s) + ' '.repeat(e - s);
      last = e;
      problems.push({
        start: toOrig(s),
        end: toOrig(Math.min(e, s + 200)),
        message: `Line ${line + 1} is ${e - s} characters long, over the ${MAX_LINE_CHARS} limit; it was not read`,
        severity: 'error',
        kind: 'line-too-long',
      });
    }
    matchText = out + norm.slice(last);
  }

  // U+2028 and U+2029 end lines for the expression's "^" and "$" (and only there).
  const lineSeparators = /[\u2028\u2029]/.test(matchText);
  /** The line holding offset n, searching forward from `from` (matches come in text order). */
  const lineFrom = (from: number, n: number): number => {
    let l = from;
    while (l + 1 < lineCount && lineStarts[l + 1] <= n) l++;
    return l;
  };

  const entries: EnvEntry[] = [];
  const covered = new Uint8Array(lineCount);
  const re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  const m: LineMatch = { ks: 0, ke: 0, vs: -1, ve: -1, end: 0 };
  let at = 0;
  let line = 0;
  while (nextMatch(matchText, at, re, !lineSeparators, m)) {
    at = m.end;
    const keyStart = m.ks;
    const keyEnd = m.ke;
    const hasValue = m.vs !== -1;
    const key = matchText.slice(keyStart, keyEnd);
    // `raw.trim()`: the value group without the whitespace around it, as [ts, te).
    let s = hasValue ? m.vs : 0;
    let e = hasValue ? m.ve : 0;
    while (s < e && isJsSpace(matchText.charCodeAt(s))) s++;
    while (e > s && isJsSpace(matchText.charCodeAt(e - 1))) e--;
    const ts = s;
    const te = e;
    const q0 = s < e ? matchText.charCodeAt(s) : -1;
    const maybeQuote = q0 === -1 ? undefined : matchText[s];
    const nl = s < e ? matchText.indexOf('\n', s) : -1;
    const lineBreak = (nl !== -1 && nl < e) || (lineSeparators && /[\u2028\u2029]/.test(matchText.slice(s, e)));
    // dotenv's quote stripping (see stripQuotes); without a line break, the same quotes as below.
    let value: string;
    if (lineBreak) value = stripQuotes(matchText.slice(s, e), true);
    else if (e - s >= 2 && (q0 === 34 || q0 === 39 || q0 === 96) && matchText.charCodeAt(e - 1) === q0) value = matchText.slice(s + 1, e - 1);
    else value = s === e ? '' : matchText.slice(s, e);
    if (q0 === 34 && value.indexOf('\\') !== -1) {
      value = value.replace(/\\n/g, '\n');
      value = value.replace(/\\r/g, '\r');
    }

    // Where the value's content sits: inside the quotes when dotenv stripped them.
    let vStart: number;
    let vEnd: number;
    let quote: QuoteStyle = 'none';
    if (hasValue) {
      if (e - s >= 2 && (q0 === 34 || q0 === 39 || q0 === 96) && matchText.charCodeAt(e - 1) === q0) {
        quote = q0 === 34 ? 'double' : q0 === 39 ? 'single' : 'backtick';
        s++;
        e--;
      }
      // A blank value (`KEY=   # c`) is placed right after the separator, so that writing a value
      // there gives `KEY=new   # c`, not `KEY=   new# c` (which would glue "#" to it).
      if (s === e && quote === 'none') s = e = m.vs;
      vStart = s;
      vEnd = e;
    } else {
      // No value: place the (empty) value right after the separator.
      vStart = vEnd = keyEnd + (matchText.slice(keyEnd, m.end).search(/[=:]/) + 1);
    }

    line = lineFrom(line, keyStart);
    const firstLine = line;
    const exported = keyStart - lineStarts[firstLine] > 6 && /export\s+$/.test(matchText.slice(lineStarts[firstLine], keyStart));
    const lastLine = lineFrom(firstLine, Math.max(keyStart, (hasValue ? m.ve : keyEnd) - 1));
    for (let l = firstLine; l <= lastLine; l++) covered[l] = 1;

    // The value is the slice between the offsets (with dotenv's escapes in double quotes), except
    // in dotenv's corner cases such as U+2028 inside a value, where its quote stripping works per
    // line. Such a value cannot be rewritten by replacing the slice. Without a line break in the
    // value, both strip the same quotes from the same text, so they are equal.
    let readOnly = false;
    if (lineBreak) {
      let literal = matchText.slice(vStart, vEnd);
      if (maybeQuote === '"' && literal.indexOf('\\') !== -1) literal = literal.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      readOnly = literal !== value;
    }

    const entry: EnvEntry = {
      key,
      value,
      keyStart: toOrig(keyStart),
      keyEnd: toOrig(keyEnd),
      valueStart: toOrig(vStart),
      valueEnd: toOrig(vEnd),
      quote,
      exported,
      line: firstLine,
      reference: value.charCodeAt(0) === 36 /* $ */ && /^\$\{[^}]*\}$|^\$[A-Za-z_]\w*$/.test(value),
    };
    // Set only when true, as before; an object spread per entry was a tenth of the parse.
    if (readOnly) entry.readOnly = true;
    entries.push(entry);

    checkEntryShape(matchText, m, key, ts, te, value, maybeQuote, toOrig, problems);
    if (quote !== 'none') {
      const quoteLine = lineFrom(firstLine, vStart - 1);
      if (quoteLine !== lastLine) checkSwallowedLines(matchText, key, vStart - 1, quoteLine, lastLine, lineStarts, lineEndNorm, toOrig, problems);
    }
  }

  const commented: CommentedEntry[] = [];
  for (let line = 0; line < lineCount; line++) {
    if (covered[line]) continue;
    const s = lineStarts[line];
    const e = lineEndNorm(line);
    if (s === e) continue;
    const lineText = matchText.slice(s, e);
    const trimmed = lineText.trim();
    if (trimmed === '') continue;
    if (trimmed.charCodeAt(0) === 35 /* # */) {
      const cm = COMMENTED_ASSIGNMENT.exec(lineText);
      if (cm && cm[2].trim() !== '') {
        const vs = s + lineText.length - cm[2].length;
        let ve = e;
        while (ve > vs && isJsSpace(matchText.charCodeAt(ve - 1))) ve--;
        commented.push({ key: cm[1], line, valueStart: toOrig(vs), valueEnd: toOrig(ve) });
      }
      continue;
    }
    if (longLines.length > 0 && longLines.includes(line)) continue;
    const lead = s + (lineText.length - lineText.trimStart().length);
    problems.push({
      start: toOrig(lead),
      end: toOrig(e),
      message: skippedLineMessage(trimmed),
      severity: 'error',
      kind: 'skipped-line',
    });
  }

  reportDuplicates(entries, problems);

  return {
    path,
    format: 'dotenv',
    text,
    entries,
    commented,
    problems,
    suppressions: parseSuppressions(text, '#'),
  };
}

/**
 * Later definitions win in dotenv; the earlier one is dead text that misleads readers. Each
 * entry whose key was defined before flags the definition just before it. (An open-addressing
 * table of entry indices: a Map of 100k fresh key strings was a third of the parse, in GC.)
 */
function reportDuplicates(entries: EnvEntry[], problems: ParseProblem[]): void {
  const count = entries.length;
  if (count < 2) return;
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size); // entry index + 1; 0 is empty
  for (let i = 0; i < count; i++) {
    const entry = entries[i];
    const key = entry.key;
    let h = 0x811c9dc5;
    for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
    let slot = h & mask;
    for (;;) {
      const at = table[slot];
      if (at === 0) break;
      const prior = entries[at - 1];
      if (prior.key === key) {
        problems.push({
          start: prior.keyStart,
          end: prior.keyEnd,
          message: `${key} is defined again on line ${entry.line + 1}; dotenv uses the last definition and ignores this one`,
          severity: 'warning',
          kind: 'duplicate-key',
        });
        break;
      }
      slot = (slot + 1) & mask;
    }
    table[slot] = i + 1;
  }
}

/**
 * dotenv's `value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')`. Without a line terminator in the
 * value (nearly always), "^" and "$" can only match at its ends, so the quotes go when the value
 * starts and ends with the same one; values with line breaks take dotenv's own expression.
 */
function stripQuotes(value: string, lineBreak: boolean): string {
  if (!lineBreak) {
    const q = value.charCodeAt(0);
    if ((q === 34 || q === 39 || q === 96) && value.length >= 2 && value.charCodeAt(value.length - 1) === q) return value.slice(1, -1);
    return value;
  }
  return value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
}

/** `/\s/.test(char)`, without a regular expression per character. */
function isJsSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

function skippedLineMessage(trimmed: string): string {
  if (!trimmed.includes('=') && !trimmed.includes(':')) return 'dotenv skips this line: it has no "=" (expected KEY=value)';
  // Whitespace before the first "=" (an indexOf, not /^[^=]*\s[^=]*=/, which backtracks quadratically on long lines).
  const eq = trimmed.indexOf('=');
  if (eq !== -1 && /\s/.test(trimmed.slice(0, eq))) return 'dotenv skips this line: the key contains a space';
  return 'dotenv skips this line: the key has characters other than letters, digits, "_", "." and "-"';
}

function checkEntryShape(
  text: string,
  m: LineMatch,
  key: string,
  ts: number,
  te: number,
  value: string,
  maybeQuote: string | undefined,
  toOrig: (n: number) => number,
  problems: ParseProblem[],
): void {
  const keyEnd = m.ke;
  const end = m.end;
  const hasValue = m.vs !== -1;
  // `KEY=` (nearly every line) has neither a colon nor a space before the "=".
  if (text.charCodeAt(keyEnd) !== 61 /* = */) {
    const between = text.slice(keyEnd, hasValue ? m.vs : end);
    if (/^\s*:/.test(between)) {
      problems.push({
        start: toOrig(keyEnd),
        end: toOrig(keyEnd + between.indexOf(':') + 1),
        message: `${key} uses ":" instead of "=": dotenv accepts it, shells and docker --env-file do not`,
        severity: 'warning',
        kind: 'colon-separator',
      });
    } else if (/^\s+=/.test(between)) {
      problems.push({
        start: toOrig(keyEnd),
        end: toOrig(keyEnd + between.indexOf('=') + 1),
        message: `Space before "=" after ${key}: dotenv reads it, but shells and docker --env-file read a different key or fail`,
        severity: 'warning',
        kind: 'spaces-around-equals',
      });
    }
  }
  if (!hasValue) {
    // `KEY=#ff0000`: dotenv reads "#" right after "=" as the start of a comment, so the value is empty.
    const sep = text.slice(keyEnd, end).search(/[=:]/);
    const after = keyEnd + sep + 1;
    if (sep !== -1 && text.charCodeAt(keyEnd + sep) === 61 && text.charCodeAt(after) === 35) {
      problems.push({
        start: toOrig(after),
        end: toOrig(end),
        message: `dotenv reads the value of ${key} as empty: "#" right after "=" starts a comment. Quote the value if "#" belongs to it`,
        severity: 'error',
        kind: 'hash-in-value',
      });
    }
    return;
  }
  const rs = m.vs;
  const re = m.ve;
  const c0 = text.charCodeAt(rs);
  if (c0 === 32 || c0 === 9) {
    const rawValue = text.slice(rs, re);
    if (/^[ \t]+\S/.test(rawValue) && !/^\s*['"`]/.test(rawValue)) {
      problems.push({
        start: toOrig(rs),
        end: toOrig(rs + (rawValue.length - rawValue.trimStart().length)),
        message: `Space after "=" in ${key}: dotenv trims it, docker --env-file keeps it in the value`,
        severity: 'warning',
        kind: 'spaces-around-equals',
      });
    }
  }
  // The value group trimmed is text[ts, te); its first character is maybeQuote.
  const q = maybeQuote;
  const quoted = q === '"' || q === "'" || q === '`';
  if (quoted && value.startsWith(q)) {
    // dotenv did not strip the quotes: either never closed, or text follows the closing quote.
    const trimmed = text.slice(ts, te);
    const closing = trimmed.indexOf(q, 1);
    const s = ts;
    if (closing === -1) {
      problems.push({
        start: toOrig(s),
        end: toOrig(s + 1),
        message: `Unterminated ${quoteName(q)} quote in ${key}: dotenv keeps the quote character as part of the value`,
        severity: 'error',
        kind: 'unterminated-quote',
      });
    } else {
      problems.push({
        start: toOrig(s + closing + 1),
        end: toOrig(s + trimmed.length),
        message: `Text after the closing quote of ${key}: dotenv then keeps the quotes as part of the value`,
        severity: 'error',
        kind: 'text-after-quote',
      });
    }
    return;
  }
  // Unquoted value cut at "#": dotenv drops everything from "#" on, even without a space before it.
  if (!quoted && re < end && re > rs && text.charCodeAt(re) === 35 && !isJsSpace(text.charCodeAt(re - 1))) {
    problems.push({
      start: toOrig(re),
      end: toOrig(end),
      message: `dotenv cuts the value of ${key} at "#": the rest is read as a comment. Quote the value if "#" belongs to it`,
      severity: 'error',
      kind: 'hash-in-value',
    });
  }
}

const ASSIGNMENT_LIKE = /^[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*=/;

/**
 * A quote left open on one line is closed by the next line that ends with the same quote, and
 * dotenv silently reads every line in between as part of the value. Lines in between that look
 * like assignments say that this is probably not what the author meant. The message gives line
 * numbers only: the swallowed text is part of the value now.
 */
function checkSwallowedLines(
  text: string,
  key: string,
  openQuote: number,
  firstLine: number,
  lastLine: number,
  lineStarts: Int32Array,
  lineEnd: (line: number) => number,
  toOrig: (n: number) => number,
  problems: ParseProblem[],
): void {
  const swallowed: number[] = [];
  for (let l = firstLine + 1; l <= lastLine; l++) {
    if (ASSIGNMENT_LIKE.test(text.slice(lineStarts[l], lineEnd(l)))) swallowed.push(l + 1);
  }
  if (swallowed.length === 0) return;
  const lines = swallowed.length === 1 ? `line ${swallowed[0]}` : `lines ${swallowed.slice(0, 5).join(', ')}${swallowed.length > 5 ? ', ...' : ''}`;
  problems.push({
    start: toOrig(openQuote),
    end: toOrig(openQuote + 1),
    message: `The quoted value of ${key} runs on to line ${lastLine + 1}; dotenv reads ${lines}, which look like assignments, as part of it. Close the quote on line ${firstLine + 1} if the value ends there`,
    severity: 'warning',
    kind: 'quoted-value-spans-assignments',
  });
}

function quoteName(q: string): string {
  return q === '"' ? 'double' : q === "'" ? 'single' : 'backtick';
}
