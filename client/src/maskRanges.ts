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

/** Files whose values are masked: env files, whatever language the editor gave them. */
export function isMaskedFile(fileName: string, languageId: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  if (languageId === 'dotenv') return true;
  if (/^\.envrc$/i.test(base)) return false;
  return /^\.env(\..*)?$/i.test(base) || /\.env$/i.test(base);
}
