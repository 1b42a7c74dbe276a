import type { DecodedText, Position, Range } from './types';

/** Maps offsets to positions in O(log lines). Built once per text. */
export class LineIndex {
  /** Offsets where lines start (after "\n", "\r\n" or a lone "\r"); 4 bytes a line, outside the JS heap's objects. */
  private readonly starts: Int32Array;

  /** `starts`, when given, must be the line starts of `text` (a parser that computed them already). */
  constructor(readonly text: string, starts?: Int32Array) {
    this.starts = starts ?? (text.indexOf('\r') === -1 ? lfLineStarts(text) : anyEolStarts(text));
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1] - 1;
    if (this.text.charCodeAt(end) === 10 && end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(offset);
    return { line, character: offset - this.starts[line] };
  }

  /** `positionAt(offset).line`, without the Position object. */
  lineAt(offset: number): number {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.text.length;
    return Math.min(this.lineStart(position.line) + position.character, this.lineEnd(position.line));
  }

  /**
   * `sameRange(range, this.range(start, end))`, without making the range or searching the lines:
   * each position of `range` is checked to be the offset's (its line holds the offset).
   */
  isRange(range: Range, start: number, end: number): boolean {
    const len = this.text.length;
    return this.isPosition(range.start, Math.max(0, Math.min(start, len))) && this.isPosition(range.end, Math.max(0, Math.min(end, len)));
  }

  /** `positionAt(offset)` is `p` (offset within the text). */
  private isPosition(p: Position, offset: number): boolean {
    const l = p.line;
    if (l < 0 || l >= this.starts.length || p.character < 0 || this.starts[l] + p.character !== offset) return false;
    return l + 1 >= this.starts.length || offset < this.starts[l + 1];
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** The same start and end positions. */
export function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** Line starts of a text without "\r": indexOf finds the breaks far faster than a loop over characters. */
export function lfLineStarts(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  for (let i = text.indexOf('\n'), l = 1; i !== -1; i = text.indexOf('\n', i + 1)) starts[l++] = i + 1;
  return starts;
}

function anyEolStarts(text: string): Int32Array {
  let count = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) count++;
  }
  const starts = new Int32Array(count);
  for (let i = 0, l = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts[l++] = i + 1;
  }
  return starts;
}

export function dominantEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

export type DecodeResult = ({ ok: true } & DecodedText) | { ok: false; reason: string };

/** Files larger than this are skipped with a reason unless the config raises the limit. */
export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Decodes a file's bytes: UTF-8 (with or without BOM) and UTF-16 LE/BE (PowerShell's `>` writes
 * UTF-16 LE with a BOM; without a BOM it is recognised by its zero bytes). Binary files and invalid
 * UTF-8 get a reason instead of text, never an exception.
 */
export function decodeBytes(bytes: Uint8Array, maxBytes = DEFAULT_MAX_FILE_BYTES): DecodeResult {
  if (bytes.length > maxBytes) {
    return { ok: false, reason: `file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxBytes)} limit (setting maxFileBytes)` };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf16le', true);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf16be', true);
  let bom = false;
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bom = true;
    body = bytes.subarray(3);
  }
  const nul = body.indexOf(0);
  if (nul !== -1) {
    const guess = guessUtf16WithoutBom(body);
    if (guess) return decodeUtf16(body, guess, false);
    return { ok: false, reason: `binary file (NUL byte at offset ${nul + (bom ? 3 : 0)})` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return { ok: false, reason: `not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(body) + (bom ? 3 : 0)}); save the file as UTF-8` };
  }
  return { ok: true, text, encoding: 'utf8', bom, eol: dominantEol(text) };
}

function decodeUtf16(body: Uint8Array, encoding: 'utf16le' | 'utf16be', bom: boolean): DecodeResult {
  if (body.length % 2 !== 0) return { ok: false, reason: `odd number of bytes for ${encoding === 'utf16le' ? 'UTF-16 LE' : 'UTF-16 BE'} text` };
  let text: string;
  try {
    text = new TextDecoder(encoding === 'utf16le' ? 'utf-16le' : 'utf-16be', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return { ok: false, reason: `not valid ${encoding === 'utf16le' ? 'UTF-16 LE' : 'UTF-16 BE'} text` };
  }
  if (text.indexOf('\u0000') !== -1) return { ok: false, reason: 'binary file (NUL character in UTF-16 text)' };
  return { ok: true, text, encoding, bom, eol: dominantEol(text) };
}

/** UTF-16 without a BOM: ASCII text has a zero in every other byte. */
function guessUtf16WithoutBom(body: Uint8Array): 'utf16le' | 'utf16be' | undefined {
  if (body.length < 4 || body.length % 2 !== 0) return undefined;
  const n = Math.min(body.length, 4096);
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    if (body[i] === 0) evenZero++;
    if (body[i + 1] === 0) oddZero++;
  }
  const pairs = Math.floor(n / 2);
  if (oddZero >= pairs * 0.9 && evenZero === 0) return 'utf16le';
  if (evenZero >= pairs * 0.9 && oddZero === 0) return 'utf16be';
  return undefined;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

/** Encodes text back to the bytes of its original encoding (BOM included). */
export function encodeText(text: string, encoding: DecodedText['encoding'], bom: boolean): Buffer {
  if (encoding === 'utf8') {
    const body = Buffer.from(text, 'utf8');
    return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  }
  const le = Buffer.from(text, 'utf16le');
  if (encoding === 'utf16be') le.swap16();
  const mark = encoding === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), le]) : le;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Applies non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: readonly { start: number; end: number; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error('overlapping edits');
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/**
 * A copy of a string that shares no storage with a larger one. A key or value parsed out of a file
 * is a slice of the file's text (and a message built from it a concatenation holding the slice):
 * a table or a later file version holding the slice would hold that whole text. Unlike
 * classify's `ownCopy`, whose `(' ' + s).slice(1)` is itself a slice of a one-longer copy, this is
 * one flat string. (V8 copies substrings shorter than 13 characters.)
 */
export function flatCopy(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** Scratch bitmap of the ASCII characters `distinctChars` has seen. */
const seenAscii = new Uint32Array(4);

/**
 * `new Set(s).size` (distinct code points) without making the set: the strength and placeholder
 * checks ask it of every value of a workspace load, and the sets were ~100 MB of its garbage.
 * ASCII strings are counted in a bitmap; others go through a Set.
 */
export function distinctChars(s: string): number {
  seenAscii.fill(0);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return new Set(s).size;
    const bit = 1 << (c & 31);
    const w = c >> 5;
    if ((seenAscii[w] & bit) === 0) {
      seenAscii[w] |= bit;
      n++;
    }
  }
  return n;
}
