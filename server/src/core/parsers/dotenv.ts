import type { CommentedEntry, EnvEntry, ParseProblem, ParsedSource, QuoteStyle, Suppression } from '../types';
import { parseSuppressions, suppressionsInLines } from '../suppressions';
import { flatCopy, lfLineStarts } from '../text';
import { ObjectMemo } from '../object-memo';

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
  /** Where the expression was started, or -1 when the scanner decided the line itself. */
  regexFrom: number;
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
  m.regexFrom = -1;
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
  m.regexFrom = from;
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
 * Per-entry facts of a parse, kept with its ParsedSource so that the next version of the text can
 * be re-parsed only where an edit can change the result (see `reparseDotenv`). Kept only for texts
 * without "\r", U+2028/U+2029 and over-long lines (whose offsets the plain scan does not model).
 */
interface DotenvMemo {
  /** Per entry: where its match ended (the search for the next entry starts there). */
  ends: Int32Array;
  /**
   * Per entry: the furthest offset the search for it and its match read (the first non-space
   * after the match; REACH_ALL when the expression tried a quoted value, which can read on to any
   * later quote). An edit before that offset may change the entry; an edit after it cannot.
   */
  reach: Int32Array;
  /** Per entry: the last line it covers. */
  lastLines: Int32Array;
  /** Per entry: the problems of its own text (checkEntryShape, swallowed lines), in order. */
  probs: (ParseProblem[] | undefined)[];
  /** The skipped-line problems, in line order, and their lines. */
  skipped: ParseProblem[];
  skippedLines: number[];
  lineCount: number;
  /** Where the lines of the text start (shared with the analyzer's LineIndex). */
  lineStarts: Int32Array;
  /** Per entry: the hash of its key (see `reportDuplicates`). */
  keyHashes: Int32Array;
  /** Set when this parse was built from an earlier one (see `reuseOf`). */
  reuse?: DotenvReuse;
}

/**
 * How an incremental parse relates to the parse it was built from: entries [0, kept) are the same
 * objects; the old entries from `oldResume` on are the new ones from `newResume` on, moved by
 * `delta` characters and `lineDelta` lines (new objects unless both are 0); the rest are new.
 */
export interface DotenvReuse {
  kept: number;
  oldResume: number;
  newResume: number;
  delta: number;
  lineDelta: number;
}

/** How `source` reused the parse it was built from, when `parseDotenv` was given one and could. */
export function reuseOf(source: ParsedSource): DotenvReuse | undefined {
  return memos.get(source)?.reuse;
}

/** The line starts computed by the parse (for a text with "\n" breaks only), if it kept them. */
export function lineStartsOf(source: ParsedSource): Int32Array | undefined {
  return memos.get(source)?.lineStarts;
}

const REACH_ALL = 0x7fffffff;
const memos = new ObjectMemo<ParsedSource, DotenvMemo>('memos');
/** The lines a 'quoted-value-spans-assignments' message names, to renumber it when lines shift. */
const swallowedInfo = new ObjectMemo<ParseProblem, { key: string; quoteLine: number; lastLine: number; swallowed: number[] }>('swallowedInfo');

/** What one match of DOTENV_LINE becomes, given the lines of the (normalised) text. */
interface ScanContext {
  t: string;
  lineStarts: Int32Array;
  lineCount: number;
  lineSeparators: boolean;
  toOrig: (n: number) => number;
  /** Out: the first and last line of the entry just built. */
  firstLine: number;
  lastLine: number;
}

function lineEndOf(c: ScanContext, line: number): number {
  return line + 1 < c.lineCount ? c.lineStarts[line + 1] - 1 : c.t.length;
}

/** The line holding offset n, searching forward from `from` (matches come in text order). */
function lineFrom(c: ScanContext, from: number, n: number): number {
  let l = from;
  while (l + 1 < c.lineCount && c.lineStarts[l + 1] <= n) l++;
  return l;
}

/** See DotenvMemo.reach. */
function reachOf(t: string, m: LineMatch): number {
  const n = t.length;
  let N = m.end;
  while (N < n && isJsSpace(t.charCodeAt(N))) N++;
  if (m.regexFrom !== -1) {
    const stop = Math.min(N, n - 1);
    for (let i = m.regexFrom; i <= stop; i++) {
      const q = t.charCodeAt(i);
      if (q === 34 || q === 39 || q === 96) return REACH_ALL;
    }
  }
  return N;
}

/**
 * Parses a .env text losslessly: the text is kept as it is and every entry records where its key
 * and value sit, so edits replace exactly the value's bytes. CRLF, lone CR and a BOM-less text are
 * handled by mapping dotenv's normalised offsets back onto the original text.
 *
 * With `previous` (the parse of an earlier version of the same file), only the part of the text an
 * edit can affect is parsed again; the result is the same as a full parse (a property test checks it).
 * The first parse given a `previous` is a full one that keeps what the next edits need.
 */
export function parseDotenv(path: string, text: string, previous?: ParsedSource): ParsedSource {
  if (previous) {
    const r = reparseDotenv(path, text, previous);
    if (r) return r;
  }
  const problems: ParseProblem[] = [];
  // dotenv replaces \r\n and lone \r by \n before matching; we match on that text and map back.
  const removedCr: number[] = [];
  let norm = text;
  const hasCr = text.indexOf('\r') !== -1;
  if (hasCr) {
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

  const lineStarts = lfLineStarts(norm);
  const lineCount = lineStarts.length;
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
  const c: ScanContext = { t: matchText, lineStarts, lineCount, lineSeparators, toOrig, firstLine: 0, lastLine: 0 };
  // Kept only for a file being edited (a parse given its previous version): a workspace load or
  // a CLI run parses each file once and does not pay for the per-entry facts.
  const memoize = previous !== undefined && !hasCr && !lineSeparators && longLines.length === 0;
  const ends = memoize ? new Int32Array(lineCount) : undefined;
  const reach = memoize ? new Int32Array(lineCount) : undefined;
  const lastLines = memoize ? new Int32Array(lineCount) : undefined;
  const probs: (ParseProblem[] | undefined)[] = [];

  const entries: EnvEntry[] = [];
  const covered = new Uint8Array(lineCount);
  const re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  const m: LineMatch = { ks: 0, ke: 0, vs: -1, ve: -1, end: 0, regexFrom: -1 };
  let at = 0;
  let line = 0;
  while (nextMatch(matchText, at, re, !lineSeparators, m)) {
    at = m.end;
    const p0 = problems.length;
    entries.push(buildEntry(c, m, line, problems));
    line = c.firstLine;
    for (let l = c.firstLine; l <= c.lastLine; l++) covered[l] = 1;
    if (memoize) {
      const i = entries.length - 1;
      ends![i] = m.end;
      reach![i] = reachOf(matchText, m);
      lastLines![i] = c.lastLine;
      probs.push(problems.length > p0 ? problems.slice(p0) : undefined);
    }
  }

  const commented: CommentedEntry[] = [];
  const skippedStart = problems.length;
  const skippedLines: number[] = [];
  lineItems(c, 0, lineCount, covered, longLines, commented, problems, skippedLines);
  const source: ParsedSource = {
    path,
    format: 'dotenv',
    text,
    entries,
    commented,
    problems,
    suppressions: parseSuppressions(text, '#'),
  };
  const keyHashes = new Int32Array(entries.length);
  hashKeys(entries, 0, entries.length, keyHashes);
  if (memoize) {
    const count = entries.length;
    memos.set(source, {
      keyHashes,
      ends: ends!.slice(0, count),
      reach: reach!.slice(0, count),
      lastLines: lastLines!.slice(0, count),
      probs,
      skipped: problems.slice(skippedStart),
      skippedLines,
      lineCount,
      lineStarts,
    });
  }
  reportDuplicates(entries, keyHashes, problems);
  return source;
}

/** The entry of one match; sets c.firstLine and c.lastLine, and adds the problems of its text. */
function buildEntry(c: ScanContext, m: LineMatch, lineHint: number, problems: ParseProblem[]): EnvEntry {
  const matchText = c.t;
  const toOrig = c.toOrig;
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
  const lineBreak = (nl !== -1 && nl < e) || (c.lineSeparators && /[\u2028\u2029]/.test(matchText.slice(s, e)));
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

  const firstLine = lineFrom(c, lineHint, keyStart);
  const lineStart = c.lineStarts[firstLine];
  const exported = keyStart - lineStart > 6 && /export\s+$/.test(matchText.slice(lineStart, keyStart));
  const lastLine = lineFrom(c, firstLine, Math.max(keyStart, (hasValue ? m.ve : keyEnd) - 1));
  c.firstLine = firstLine;
  c.lastLine = lastLine;

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

  checkEntryShape(matchText, m, key, ts, te, value, maybeQuote, toOrig, problems);
  if (quote !== 'none') {
    const quoteLine = lineFrom(c, firstLine, vStart - 1);
    if (quoteLine !== lastLine) checkSwallowedLines(c, key, vStart - 1, quoteLine, lastLine, problems);
  }
  return entry;
}

/** Commented assignments and skipped-line problems of the lines [from, to) no entry covers. */
function lineItems(
  c: ScanContext,
  from: number,
  to: number,
  covered: Uint8Array,
  longLines: number[],
  commented: CommentedEntry[],
  problems: ParseProblem[],
  skippedLines: number[],
): void {
  const matchText = c.t;
  const toOrig = c.toOrig;
  for (let line = from; line < to; line++) {
    if (covered[line]) continue;
    const s = c.lineStarts[line];
    const e = lineEndOf(c, line);
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
    skippedLines.push(line);
  }
}

function identity(n: number): number {
  return n;
}

function shiftEntry(e: EnvEntry, d: number, dl: number): EnvEntry {
  const out: EnvEntry = {
    key: e.key,
    value: e.value,
    keyStart: e.keyStart + d,
    keyEnd: e.keyEnd + d,
    valueStart: e.valueStart + d,
    valueEnd: e.valueEnd + d,
    quote: e.quote,
    exported: e.exported,
    line: e.line + dl,
    reference: e.reference,
  };
  if (e.readOnly) out.readOnly = true;
  return out;
}

function shiftProblem(p: ParseProblem, d: number, dl: number): ParseProblem {
  const info = swallowedInfo.get(p);
  if (info && dl !== 0) {
    const moved = { key: info.key, quoteLine: info.quoteLine + dl, lastLine: info.lastLine + dl, swallowed: info.swallowed.map((l) => l + dl) };
    const q: ParseProblem = { start: p.start + d, end: p.end + d, message: swallowedMessage(moved.key, moved.quoteLine, moved.lastLine, moved.swallowed), severity: p.severity, kind: p.kind };
    swallowedInfo.set(q, moved);
    return q;
  }
  const q: ParseProblem = { start: p.start + d, end: p.end + d, message: p.message, severity: p.severity, kind: p.kind };
  if (info) swallowedInfo.set(q, info);
  return q;
}

/**
 * The parse of `text` from the parse of an earlier version: the entries whose match read nothing
 * at or after the first changed character are kept; parsing restarts after them and stops where
 * the search is back at the end of an old match after the changed text, from where the old
 * entries follow, moved by the change in length. Undefined when the texts are outside what this
 * models (then the caller parses in full).
 */
function reparseDotenv(path: string, text: string, previous: ParsedSource): ParsedSource | undefined {
  const memo = memos.get(previous);
  if (!memo || previous.path !== path) return undefined;
  const old = previous.text;
  // A text built by concatenation (an editor applying a change) is flattened by a search; reading
  // it character by character before that walks the concatenation for every character.
  text.indexOf('\r');
  const minLen = Math.min(old.length, text.length);
  // The common prefix and suffix, compared a block at a time (string equality is a memory
  // compare; a loop over characters was most of a keystroke in a 100k-line file).
  let p = 0;
  while (p + BLOCK <= minLen && old.substring(p, p + BLOCK) === text.substring(p, p + BLOCK)) p += BLOCK;
  while (p < minLen && old.charCodeAt(p) === text.charCodeAt(p)) p++;
  let sfx = 0;
  const maxSfx = minLen - p;
  const ol = old.length;
  const tl = text.length;
  while (sfx + BLOCK <= maxSfx && old.substring(ol - sfx - BLOCK, ol - sfx) === text.substring(tl - sfx - BLOCK, tl - sfx)) sfx += BLOCK;
  while (sfx < maxSfx && old.charCodeAt(ol - 1 - sfx) === text.charCodeAt(tl - 1 - sfx)) sfx++;
  const oldEnd = old.length - sfx;
  const newEnd = text.length - sfx;
  const delta = newEnd - oldEnd;
  for (let i = p; i < newEnd; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 || ch === 0x2028 || ch === 0x2029) return undefined;
  }
  const lineStarts = movedLineStarts(memo.lineStarts, text, p, oldEnd, newEnd);
  const lineCount = lineStarts.length;
  const c: ScanContext = { t: text, lineStarts, lineCount, lineSeparators: false, toOrig: identity, firstLine: 0, lastLine: 0 };
  // Over-long lines can only be among the lines the change touches.
  {
    let l = lineFrom(c, 0, p);
    for (; l < lineCount && lineStarts[l] <= newEnd; l++) if (lineEndOf(c, l) - lineStarts[l] > MAX_LINE_CHARS) return undefined;
  }
  const lineDelta = lineCount - memo.lineCount;
  const oldEntries = previous.entries;
  const oldCount = oldEntries.length;

  // Entries kept as they are: those before the first whose reach is at or after the change.
  let k = 0;
  while (k < oldCount && memo.reach[k] < p) k++;
  let at = k > 0 ? memo.ends[k - 1] : 0;
  const lineRestart = k > 0 ? memo.lastLines[k - 1] + 1 : 0;

  const newEntries: EnvEntry[] = [];
  const newEnds: number[] = [];
  const newReach: number[] = [];
  const newLast: number[] = [];
  const newProbs: (ParseProblem[] | undefined)[] = [];
  const covered = new Uint8Array(lineCount);
  const re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  const m: LineMatch = { ks: 0, ke: 0, vs: -1, ve: -1, end: 0, regexFrom: -1 };
  let line = k > 0 ? memo.lastLines[k - 1] : 0;
  // The old entry whose end the search may come back to; resumed from j + 1 when it does.
  let j = k;
  let resumeAt = -1;
  const scratch: ParseProblem[] = [];
  while (nextMatch(text, at, re, true, m)) {
    at = m.end;
    scratch.length = 0;
    newEntries.push(buildEntry(c, m, line, scratch));
    line = c.firstLine;
    for (let l = c.firstLine; l <= c.lastLine; l++) covered[l] = 1;
    newEnds.push(m.end);
    newReach.push(reachOf(text, m));
    newLast.push(c.lastLine);
    newProbs.push(scratch.length > 0 ? scratch.slice() : undefined);
    if (at - 1 >= newEnd) {
      while (j < oldCount && memo.ends[j] + delta < at) j++;
      if (j < oldCount && memo.ends[j] + delta === at) {
        resumeAt = j + 1;
        break;
      }
    }
  }
  // What the re-parse made is copied out of this version's text: the next versions keep these
  // entries (and their problems), and slices would keep every version of the text they were parsed
  // in alive (a 100k-line file: 4 MB more per keystroke in a value, until the entry is re-parsed).
  for (const e of newEntries) detachEntry(e);
  for (const ps of newProbs) if (ps) for (const q of ps) detachProblem(q);
  const suffixFrom = resumeAt === -1 ? oldCount : resumeAt;
  const suffixCount = oldCount - suffixFrom;
  const lineResync = suffixCount > 0 ? oldEntries[suffixFrom].line + lineDelta : lineCount;

  // Assemble entries and the per-entry memo.
  const count = k + newEntries.length + suffixCount;
  const entries: EnvEntry[] = new Array(count);
  const ends = new Int32Array(count);
  const reach = new Int32Array(count);
  const lastLines = new Int32Array(count);
  const probs: (ParseProblem[] | undefined)[] = new Array(count);
  for (let i = 0; i < k; i++) {
    entries[i] = oldEntries[i];
    probs[i] = memo.probs[i];
  }
  ends.set(memo.ends.subarray(0, k));
  reach.set(memo.reach.subarray(0, k));
  lastLines.set(memo.lastLines.subarray(0, k));
  for (let i = 0; i < newEntries.length; i++) {
    const o = k + i;
    entries[o] = newEntries[i];
    ends[o] = newEnds[i];
    reach[o] = newReach[i];
    lastLines[o] = newLast[i];
    probs[o] = newProbs[i];
  }
  const base = k + newEntries.length;
  const same = delta === 0 && lineDelta === 0;
  for (let i = 0; i < suffixCount; i++) {
    const from = suffixFrom + i;
    const o = base + i;
    const e = oldEntries[from];
    entries[o] = same ? e : shiftEntry(e, delta, lineDelta);
    ends[o] = memo.ends[from] + delta;
    const r = memo.reach[from];
    reach[o] = r === REACH_ALL ? REACH_ALL : r + delta;
    lastLines[o] = memo.lastLines[from] + lineDelta;
    const ps = memo.probs[from];
    probs[o] = ps === undefined || same ? ps : ps.map((q) => shiftProblem(q, delta, lineDelta));
  }

  const problems: ParseProblem[] = [];
  for (let i = 0; i < count; i++) {
    const ps = probs[i];
    if (ps !== undefined) for (const q of ps) problems.push(q);
  }

  // Commented entries and skipped lines: kept before the re-parsed lines, found again in them,
  // moved after them.
  const commented: CommentedEntry[] = [];
  const oldResyncLine = lineResync - lineDelta;
  for (const ce of previous.commented) {
    if (ce.line >= lineRestart) break;
    commented.push(ce);
  }
  const skippedStart = problems.length;
  const skippedLines: number[] = [];
  let si = 0;
  for (; si < memo.skippedLines.length && memo.skippedLines[si] < lineRestart; si++) {
    problems.push(memo.skipped[si]);
    skippedLines.push(memo.skippedLines[si]);
  }
  const commentedFrom = commented.length;
  const problemsFrom = problems.length;
  lineItems(c, lineRestart, lineResync, covered, NO_LINES, commented, problems, skippedLines);
  for (let i = commentedFrom; i < commented.length; i++) commented[i].key = flatCopy(commented[i].key);
  for (let i = problemsFrom; i < problems.length; i++) detachProblem(problems[i]);
  // Suppression comments likewise (a search of the whole text was ~1 ms of a 100k-line keystroke,
  // 1-7 ms with a suppression comment in the file).
  const suppressions: Suppression[] = [];
  for (const sp of previous.suppressions) {
    if (sp.commentLine >= lineRestart) break;
    suppressions.push(sp);
  }
  suppressionsInLines(text, lineStarts, lineRestart, lineResync, suppressions);
  if (suffixCount > 0) {
    for (const sp of previous.suppressions) {
      if (sp.commentLine < oldResyncLine) continue;
      suppressions.push(same ? sp : { line: sp.line + lineDelta, rules: sp.rules, commentLine: sp.commentLine + lineDelta });
    }
    for (const ce of previous.commented) {
      if (ce.line < oldResyncLine) continue;
      commented.push(same ? ce : { key: ce.key, line: ce.line + lineDelta, valueStart: ce.valueStart + delta, valueEnd: ce.valueEnd + delta });
    }
    for (; si < memo.skippedLines.length; si++) {
      if (memo.skippedLines[si] < oldResyncLine) continue;
      problems.push(same ? memo.skipped[si] : shiftProblem(memo.skipped[si], delta, lineDelta));
      skippedLines.push(memo.skippedLines[si] + lineDelta);
    }
  }
  const source: ParsedSource = {
    path,
    format: 'dotenv',
    text,
    entries,
    commented,
    problems,
    suppressions,
  };
  const keyHashes = new Int32Array(count);
  keyHashes.set(memo.keyHashes.subarray(0, k));
  hashKeys(entries, k, base, keyHashes);
  keyHashes.set(memo.keyHashes.subarray(suffixFrom), base);
  const reuse: DotenvReuse = { kept: k, oldResume: suffixFrom, newResume: base, delta, lineDelta };
  memos.set(source, { ends, reach, lastLines, probs, skipped: problems.slice(skippedStart), skippedLines, lineCount, lineStarts, keyHashes, reuse });
  reportDuplicates(entries, keyHashes, problems);
  return source;
}

function detachEntry(e: EnvEntry): void {
  e.key = flatCopy(e.key);
  e.value = flatCopy(e.value);
  if (e.interpolationVar !== undefined) e.interpolationVar = flatCopy(e.interpolationVar);
}

function detachProblem(q: ParseProblem): void {
  q.message = flatCopy(q.message);
  const info = swallowedInfo.get(q);
  if (info) info.key = flatCopy(info.key);
}

const NO_LINES: number[] = [];
const BLOCK = 2048;

/**
 * The line starts of a text that differs from the one of `old` in [p, oldEnd) (now [p, newEnd)):
 * the same up to p, found again in the changed text, moved after it.
 */
function movedLineStarts(old: Int32Array, text: string, p: number, oldEnd: number, newEnd: number): Int32Array {
  // Old starts x <= p come before the change; x > oldEnd follow it.
  let lo = 0;
  let hi = old.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (old[mid] <= p) lo = mid + 1;
    else hi = mid;
  }
  const before = lo;
  hi = old.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (old[mid] <= oldEnd) lo = mid + 1;
    else hi = mid;
  }
  const after = lo;
  let added = 0;
  for (let i = text.indexOf('\n', p); i !== -1 && i < newEnd; i = text.indexOf('\n', i + 1)) added++;
  const out = new Int32Array(before + added + old.length - after);
  out.set(old.subarray(0, before));
  let o = before;
  for (let i = text.indexOf('\n', p); i !== -1 && i < newEnd; i = text.indexOf('\n', i + 1)) out[o++] = i + 1;
  const d = newEnd - oldEnd;
  for (let i = after; i < old.length; i++) out[o++] = old[i] + d;
  return out;
}

/**
 * Later definitions win in dotenv; the earlier one is dead text that misleads readers. Each
 * entry whose key was defined before flags the definition just before it. (An open-addressing
 * table of entry indices: a Map of 100k fresh key strings was a third of the parse, in GC.)
 */
function reportDuplicates(entries: EnvEntry[], hashes: Int32Array, problems: ParseProblem[]): void {
  const count = entries.length;
  if (count < 2) return;
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size); // entry index + 1; 0 is empty
  for (let i = 0; i < count; i++) {
    const h = hashes[i];
    let slot = h & mask;
    for (;;) {
      const at = table[slot];
      if (at === 0) break;
      // The entries (objects spread over the heap) are read only when the hashes agree: a check
      // of 100k entries without duplicates reads none of them.
      if (hashes[at - 1] === h && entries[at - 1].key === entries[i].key) {
        const prior = entries[at - 1];
        const entry = entries[i];
        const key = entry.key;
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

/** FNV-1a of the keys of entries [from, to), into `out` (kept per entry: an edit re-hashes only its entries). */
function hashKeys(entries: EnvEntry[], from: number, to: number, out: Int32Array): void {
  for (let i = from; i < to; i++) {
    const key = entries[i].key;
    let h = 0x811c9dc5;
    for (let k = 0; k < key.length; k++) h = Math.imul(h ^ key.charCodeAt(k), 0x01000193);
    out[i] = h;
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
function checkSwallowedLines(c: ScanContext, key: string, openQuote: number, quoteLine: number, lastLine: number, problems: ParseProblem[]): void {
  const swallowed: number[] = [];
  for (let l = quoteLine + 1; l <= lastLine; l++) {
    if (ASSIGNMENT_LIKE.test(c.t.slice(c.lineStarts[l], lineEndOf(c, l)))) swallowed.push(l);
  }
  if (swallowed.length === 0) return;
  const problem: ParseProblem = {
    start: c.toOrig(openQuote),
    end: c.toOrig(openQuote + 1),
    message: swallowedMessage(key, quoteLine, lastLine, swallowed),
    severity: 'warning',
    kind: 'quoted-value-spans-assignments',
  };
  swallowedInfo.set(problem, { key, quoteLine, lastLine, swallowed });
  problems.push(problem);
}

/** The message names lines (one-based), so it is built again when an edit above moves them. */
function swallowedMessage(key: string, quoteLine: number, lastLine: number, swallowed: number[]): string {
  const shown = swallowed.map((l) => l + 1);
  const lines = shown.length === 1 ? `line ${shown[0]}` : `lines ${shown.slice(0, 5).join(', ')}${shown.length > 5 ? ', ...' : ''}`;
  return `The quoted value of ${key} runs on to line ${lastLine + 1}; dotenv reads ${lines}, which look like assignments, as part of it. Close the quote on line ${quoteLine + 1} if the value ends there`;
}

function quoteName(q: string): string {
  return q === '"' ? 'double' : q === "'" ? 'single' : 'backtick';
}
