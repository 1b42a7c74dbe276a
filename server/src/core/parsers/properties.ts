import type { CommentedEntry, EnvEntry, ParsedSource, ParseProblem } from '../types';
import { parseSuppressions } from '../suppressions';
import { LineIndex } from '../text';
import { interpolate } from './interpolation';

/**
 * Java `.properties` (Spring application.properties), read the way `java.util.Properties.load`
 * reads it: `key=value`, `key: value` and `key value`; `#` and `!` comment lines; a line ending
 * in an odd number of backslashes continues on the next one (its leading whitespace dropped);
 * `\uXXXX`, `\t`, `\n`, `\r`, `\f` and `\x` escapes. Values keep their trailing whitespace, as
 * Java does. Continued or escaped values are read-only: their text is not the value.
 * Spring placeholders `${VAR:default}` count as their default.
 */
export function parseProperties(path: string, text: string): ParsedSource {
  const lines = new LineIndex(text);
  const entries: EnvEntry[] = [];
  const problems: ParseProblem[] = [];
  const commented: CommentedEntry[] = [];
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  while (pos < n) {
    // One natural line: [pos, end), then its line break.
    let end = nextBreak(text, pos);
    let i = pos;
    while (i < end && isWhite(text.charCodeAt(i))) i++;
    if (i === end) {
      pos = afterBreak(text, end);
      continue;
    }
    const first = text[i];
    if (first === '#' || first === '!') {
      const c = COMMENTED.exec(text.slice(pos, end));
      if (c) {
        const vs = pos + c.index + c[0].length - c[2].length - c[3].length;
        commented.push({ key: c[1], line: lines.positionAt(pos).line, valueStart: vs, valueEnd: vs + c[2].length });
      }
      pos = afterBreak(text, end);
      continue;
    }

    // A logical line: natural lines joined where a line ends in an odd number of backslashes.
    // `chars[k]` was read at `offs[k]` in the text.
    const chars: string[] = [];
    const offs: number[] = [];
    let continued = false;
    for (;;) {
      for (let k = i; k < end; k++) {
        chars.push(text[k]);
        offs.push(k);
      }
      let backslashes = 0;
      for (let k = chars.length - 1; k >= 0 && chars[k] === '\\'; k--) backslashes++;
      if (backslashes % 2 === 0) break;
      chars.pop();
      offs.pop();
      continued = true;
      if (end >= n) break;
      pos = afterBreak(text, end);
      end = nextBreak(text, pos);
      i = pos;
      while (i < end && isWhite(text.charCodeAt(i))) i++;
    }
    const lineEnd = end;
    pos = afterBreak(text, end);
    if (chars.length === 0) continue; // a lone "\" continuing into nothing

    // The key ends at the first unescaped "=", ":" or whitespace.
    let k = 0;
    let escaped = false;
    let hasSep = false;
    for (; k < chars.length; k++) {
      const c = chars[k];
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c === '\\') escaped = true;
      else if (c === '=' || c === ':' || isWhite(c.charCodeAt(0))) break;
    }
    const keyEndK = k;
    let v = k;
    if (v < chars.length && (chars[v] === '=' || chars[v] === ':')) {
      hasSep = true;
      v++;
    }
    while (v < chars.length) {
      const c = chars[v];
      if (isWhite(c.charCodeAt(0))) v++;
      else if (!hasSep && (c === '=' || c === ':')) {
        hasSep = true;
        v++;
      } else break;
    }

    const keyStart = offs[0];
    const keyEnd = keyEndK > 0 ? offs[keyEndK - 1] + 1 : keyStart;
    const rawKey = chars.slice(0, keyEndK).join('');
    const rawValue = chars.slice(v).join('');
    const key = unescape(rawKey, offs.slice(0, keyEndK), problems, 'key');
    const value = unescape(rawValue, offs.slice(v), problems, key.text || 'a key');
    const valueStart = v < chars.length ? offs[v] : v > 0 ? offs[v - 1] + 1 : lineEnd;
    const valueEnd = v < chars.length ? offs[chars.length - 1] + 1 : valueStart;
    const literal = !continued && text.slice(valueStart, valueEnd) === value.text;

    if (key.text === '') {
      problems.push({ start: keyStart, end: lineEnd, message: 'This line has no key before its separator; Java reads it as an empty key', severity: 'warning', kind: 'empty-key' });
      continue;
    }
    if (/[ \t\f]$/.test(value.text) && value.text.trim() !== '') {
      const trimmedEnd = keyStart + text.slice(keyStart, valueEnd).trimEnd().length;
      problems.push({
        start: trimmedEnd,
        end: valueEnd,
        message: `The value of ${key.text} ends in whitespace; Java keeps it as part of the value`,
        severity: 'warning',
        kind: 'trailing-whitespace',
      });
    }

    const entry: EnvEntry = {
      key: key.text,
      value: value.text,
      keyStart,
      keyEnd,
      valueStart,
      valueEnd,
      quote: 'none',
      exported: false,
      line: lines.positionAt(keyStart).line,
      ...(literal ? {} : { readOnly: true }),
    };
    applyPlaceholders(entry);
    entries.push(entry);
  }

  // Java keeps the last definition of a key.
  const seen = new Map<string, EnvEntry>();
  for (const entry of entries) {
    const prior = seen.get(entry.key);
    if (prior) {
      problems.push({
        start: prior.keyStart,
        end: prior.keyEnd,
        message: `${entry.key} is defined again on line ${entry.line + 1}; the last definition wins and this one is ignored`,
        severity: 'warning',
        kind: 'duplicate-key',
      });
    }
    seen.set(entry.key, entry);
  }

  return { path, format: 'properties', text, entries, commented, problems, suppressions: parseSuppressions(text) };
}

const COMMENTED = /^[ \t\f]*[#!]+[ \t\f]*([A-Za-z_][\w.\-[\]]*)[ \t\f]*[=:][ \t\f]*([^\s#!]+)([ \t\f]*)$/;

function isWhite(c: number): boolean {
  return c === 32 || c === 9 || c === 12;
}

function nextBreak(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

function afterBreak(text: string, end: number): number {
  if (end >= text.length) return text.length + 1;
  return end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
}

/** `Properties.loadConvert`: decodes escapes; a malformed `\uXXXX` is a problem (Java throws). */
function unescape(raw: string, offs: number[], problems: ParseProblem[], owner: string): { text: string } {
  if (raw.indexOf('\\') === -1) return { text: raw };
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    i++;
    if (i >= raw.length) break;
    const e = raw[i];
    if (e === 'u') {
      const hex = raw.slice(i + 1, i + 5);
      if (/^[0-9A-Fa-f]{4}$/.test(hex)) {
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
      } else {
        const start = offs[i - 1];
        problems.push({
          start,
          end: (offs[Math.min(i + hex.length, offs.length - 1)] ?? start) + 1,
          message: `Malformed \\uXXXX escape in ${owner}: Java refuses to load the file`,
          severity: 'error',
          kind: 'invalid-escape',
        });
        out += 'u';
      }
    } else out += e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  }
  return { text: out };
}

/** Spring placeholders: `${JWT_SECRET:default}` runs with the default when nobody sets JWT_SECRET. */
function applyPlaceholders(entry: EnvEntry): void {
  if (entry.value.indexOf('${') === -1) return;
  const interp = interpolate(entry.value, 'spring');
  switch (interp.kind) {
    case 'reference':
      entry.reference = true;
      entry.interpolationVar = interp.variable;
      return;
    case 'default':
      entry.interpolationDefault = true;
      entry.interpolationVar = interp.variable;
      entry.value = interp.value;
      if (!entry.readOnly && interp.literal) {
        entry.valueEnd = entry.valueStart + interp.end;
        entry.valueStart += interp.start;
      } else entry.readOnly = true;
      return;
    case 'mixed':
      entry.value = interp.value;
      entry.readOnly = true;
      return;
    default:
      return;
  }
}
