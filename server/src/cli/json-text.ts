/**
 * `JSON.stringify(value, null, 2)` written out by hand for the plain data of a report (strings,
 * numbers, booleans, null, arrays and plain objects), indented as if the value sat `depth` levels
 * deep: the same bytes as stringifying it and putting the indentation after every newline, without
 * the intermediate string, the second pass over it, or the garbage of both. Anything else (a
 * `toJSON`, a class instance, a bigint) is handed to `JSON.stringify` itself and re-indented.
 */
export function jsonIndented(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || 'toJSON' in value) break;
        if (value.length === 0) return '[]';
        const inner = pad(depth + 1);
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? inner : ',' + inner) + (jsonIndented(value[i], depth + 1) ?? 'null');
        return out + pad(depth) + ']';
      }
      const proto = Object.getPrototypeOf(value);
      if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) break;
      const inner = pad(depth + 1);
      let out = '';
      for (const k of Object.keys(value)) {
        const v = jsonIndented((value as Record<string, unknown>)[k], depth + 1);
        if (v === undefined) continue;
        out += (out === '' ? '{' + inner : ',' + inner) + quote(k) + ': ' + v;
      }
      return out === '' ? '{}' : out + pad(depth) + '}';
    }
  }
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text === undefined ? undefined : text.replaceAll('\n', pad(depth));
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters, and surrogates unless paired (checked by JSON.stringify itself). */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)`; a string with nothing to escape is only put in quotes (no scan-and-copy). */
export function quote(s: string): string {
  return ESCAPED.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const pads: string[] = [];

/** A newline and the indentation of `depth` levels. */
export function pad(depth: number): string {
  return (pads[depth] ??= '\n' + '  '.repeat(depth));
}
