/**
 * Variable interpolation inside config values: docker compose (`${VAR:-default}`) and Spring
 * placeholders (`${VAR:default}`). What matters for secrets is the value that runs when nobody
 * sets the variable: the default. Offsets are relative to the string handed in.
 */

export type Interpolation =
  /** No interpolation: the string is the value. */
  | { kind: 'literal' }
  /** The whole string stands for a variable with no default (`${VAR}`, `$VAR`, `${VAR:?err}`). */
  | { kind: 'reference'; variable: string }
  /**
   * The whole string is `${VAR:-default}`: `value` is the default, found at [start, end) of the
   * string; `literal` says whether that slice is the value as it stands (no `$$`, no nesting).
   */
  | { kind: 'default'; variable: string; value: string; start: number; end: number; literal: boolean }
  /** Text around interpolations: defaults substituted, references kept as written, `$$` read as `$`. */
  | { kind: 'mixed'; value: string }
  /** Not a valid interpolation; compose refuses the file. The range is the bad expression; the message quotes no text of it. */
  | { kind: 'invalid'; message: string; start: number; end: number };

export type InterpolationSyntax = 'compose' | 'spring';

interface Expr {
  variable: string;
  /** compose: '', '-', ':-', '?', ':?', '+', ':+'; spring: '' or ':'. */
  op: string;
  argStart: number;
  argEnd: number;
  end: number;
}

/** Nested defaults deeper than this are read as text: no real file nests that far. */
const MAX_NESTING = 16;

const COMPOSE_NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const COMPOSE_OPS = [':-', ':?', ':+', '-', '?', '+'];

/** Reads `${...}` at `i` (s[i] === '$', s[i + 1] === '{'). */
function readBraced(s: string, i: number, syntax: InterpolationSyntax): Expr | { error: string; end: number } {
  let j = i + 2;
  let variable: string;
  if (syntax === 'compose') {
    COMPOSE_NAME.lastIndex = j;
    const m = COMPOSE_NAME.exec(s);
    if (!m) return { error: 'a variable name must follow "${"', end: Math.min(s.length, j + 1) };
    variable = m[0];
    j += variable.length;
  } else {
    const start = j;
    while (j < s.length && s[j] !== ':' && s[j] !== '}' && s[j] !== '{' && s[j] !== '$') j++;
    variable = s.slice(start, j).trim();
    if (variable === '') return { error: 'a property name must follow "${"', end: Math.min(s.length, j + 1) };
  }
  if (s[j] === '}') return { variable, op: '', argStart: j, argEnd: j, end: j + 1 };
  let op = '';
  if (syntax === 'compose') {
    op = COMPOSE_OPS.find((o) => s.startsWith(o, j)) ?? '';
    if (op === '') return { error: 'unexpected character after the variable name in "${...}"', end: Math.min(s.length, j + 1) };
  } else {
    if (s[j] !== ':') return { error: 'unexpected character after the property name in "${...}"', end: Math.min(s.length, j + 1) };
    op = ':';
  }
  const argStart = j + op.length;
  let depth = 0;
  for (let k = argStart; k < s.length; k++) {
    const c = s[k];
    if (c === '$' && s[k + 1] === '$' && syntax === 'compose') {
      k++;
    } else if (c === '$' && s[k + 1] === '{') {
      depth++;
      k++;
    } else if (c === '}') {
      if (depth === 0) return { variable, op, argStart, argEnd: k, end: k + 1 };
      depth--;
    }
  }
  return { error: 'a "${" is never closed with "}"', end: s.length };
}

function isDefaultOp(op: string, syntax: InterpolationSyntax): boolean {
  return syntax === 'compose' ? op === '-' || op === ':-' : op === ':';
}

/** Interprets a config value's interpolations. Never throws. */
export function interpolate(s: string, syntax: InterpolationSyntax, nesting = 0): Interpolation {
  if (s.indexOf('$') === -1 || nesting > MAX_NESTING) return { kind: 'literal' };
  // The whole value is one expression.
  if (s.startsWith('${')) {
    const e = readBraced(s, 0, syntax);
    if ('error' in e) return { kind: 'invalid', message: e.error, start: 0, end: e.end };
    if (e.end === s.length) {
      if (!isDefaultOp(e.op, syntax)) return { kind: 'reference', variable: e.variable };
      const arg = s.slice(e.argStart, e.argEnd);
      const inner = interpolate(arg, syntax, nesting + 1);
      switch (inner.kind) {
        case 'literal':
          return { kind: 'default', variable: e.variable, value: arg, start: e.argStart, end: e.argEnd, literal: true };
        case 'reference':
          return { kind: 'reference', variable: e.variable };
        case 'default':
          return { ...inner, variable: e.variable, start: e.argStart + inner.start, end: e.argStart + inner.end };
        case 'mixed':
          return { kind: 'default', variable: e.variable, value: inner.value, start: e.argStart, end: e.argEnd, literal: false };
        case 'invalid':
          return { ...inner, start: e.argStart + inner.start, end: e.argStart + inner.end };
      }
    }
  }
  if (syntax === 'compose') {
    COMPOSE_NAME.lastIndex = 1;
    const m = s[0] === '$' ? COMPOSE_NAME.exec(s) : null;
    if (m && m[0].length === s.length - 1) return { kind: 'reference', variable: m[0] };
  }
  // Text with interpolations inside.
  let out = '';
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      continue;
    }
    if (syntax === 'compose' && s[i + 1] === '$') {
      out += '$';
      i++;
      changed = true;
      continue;
    }
    if (s[i + 1] === '{') {
      const e = readBraced(s, i, syntax);
      if ('error' in e) return { kind: 'invalid', message: e.error, start: i, end: e.end };
      if (isDefaultOp(e.op, syntax)) {
        const arg = s.slice(e.argStart, e.argEnd);
        const inner = interpolate(arg, syntax, nesting + 1);
        if (inner.kind === 'invalid') return { ...inner, start: e.argStart + inner.start, end: e.argStart + inner.end };
        out += inner.kind === 'literal' ? arg : inner.kind === 'reference' ? s.slice(i, e.end) : inner.value;
        changed = true;
      } else {
        out += s.slice(i, e.end);
      }
      i = e.end - 1;
      continue;
    }
    out += c;
  }
  return changed ? { kind: 'mixed', value: out } : { kind: 'literal' };
}
