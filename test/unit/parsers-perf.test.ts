/**
 * The fast .env parser (hand-written scanner in front of dotenv's line expression, typed arrays,
 * no Map of keys) against the parser it replaced, kept here verbatim as the reference: for
 * fixtures and generated texts aimed at the scanner's decisions (export, separators, quotes,
 * escapes, comments, blank lines, every kind of whitespace, CR, U+2028), the whole ParsedSource
 * must be the same, entry for entry and problem for problem. Failures show the input's skeleton
 * (letters and digits masked) and the first differing field, never values.
 */
import * as assert from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { Parser, stringify as yamlStringify } from 'yaml';
import { version as yamlVersion } from 'yaml/package.json';
import { parseDotenv } from '../../server/src/core/parsers/dotenv';
import { LEAN_PARSER_YAML_VERSION, LeanParser } from '../../server/src/core/parsers/yaml-support';
import { parseSuppressions } from '../../server/src/core/suppressions';
import { LineIndex, distinctChars } from '../../server/src/core/text';
import type { CommentedEntry, EnvEntry, ParseProblem, ParsedSource, QuoteStyle } from '../../server/src/core/types';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = Number(process.env.FUZZ_SEED) || 0xfa57;
const PATH = process.env.FUZZ_PATH;
const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

function skeleton(text: string): string {
  const masked = text.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9');
  return JSON.stringify(masked).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Where two parses differ, by field name and index only. */
function firstDifference(a: ParsedSource, b: ParsedSource): string | undefined {
  for (const field of ['entries', 'commented', 'problems', 'suppressions'] as const) {
    const x = a[field] as unknown[];
    const y = b[field] as unknown[];
    if (x.length !== y.length) return `${field}: ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (isDeepStrictEqual(x[i], y[i])) continue;
      const xi = x[i] as Record<string, unknown>;
      const yi = y[i] as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(xi), ...Object.keys(yi)])].filter((k) => !isDeepStrictEqual(xi[k], yi[k]));
      return `${field}[${i}] differs in ${keys.join(', ')}`;
    }
  }
  if (!isDeepStrictEqual(a, b)) return 'other fields';
  return undefined;
}

function assertSame(text: string, label: string): void {
  const diff = firstDifference(parseDotenv('.env', text), referenceParseDotenv('.env', text));
  if (diff) assert.fail(`${label}: ${diff} [input ${skeleton(text).slice(0, 2000)}]`);
}

function envFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...envFiles(p));
    else if (/\.env|env\.|\.txt$/.test(name)) out.push(p);
  }
  return out;
}

describe('dotenv parser (fast path) against the previous parser', function () {
  this.timeout(Math.max(30_000, RUNS * 40));

  it('the same ParsedSource for every fixture', () => {
    const files = envFiles(FIXTURES);
    assert.ok(files.length >= 19, `expected the dotenv fixtures, found ${files.length}`);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      assertSame(text, f);
      assertSame(text.replace(/\r?\n/g, '\r\n'), `${f} (CRLF)`);
    }
  });

  it('the same for hand-picked corner cases of the scanner', () => {
    const cases = [
      '', 'A', 'A=', 'A=\n', 'A=\n\n', 'A=\n"x"\n', "A=\n  'x'\nB=1", 'A=\n`x`', 'A=\n#c\nB=2', 'A=\n  \n', 'A=#c', 'A=#',
      'export A=1', 'export\tA=1', 'export  A="x"', 'export =1', 'export=1', 'exportA=1', 'export\nA=1', 'export \u00a0A=1', 'export',
      'export A', 'export A:1', 'A="x"', 'A="x" # c', 'A="x"#c', 'A="x"y', 'A="x" y', 'A="x"\ny', 'A="x"\n\nB=1', 'A="x\\"y"',
      'A="x\\"', 'A="x\\\\"', "A='x\\'y'z'", 'A="a\nb"', 'A="a\nB=2\nc"', 'A="unterminated\nB=2', 'A=`x`', 'A=x#y', 'A=x #y',
      'A=x\n#c\nB=y', 'A=x\n\n\n', 'A=x   ', 'A= x', 'A =x', 'A: x', 'A:x', 'A:\n x', '  A=1', '\uFEFFA=1', '\u00a0A=1', 'A.b-c=1',
      '#A=1', '# export A=1', 'A=1\u2028B=2', '# c\u2028A=1', 'A="x\u2028y"', 'A=\u2028"x"', 'A=1\r\nB=2\rC=3', 'A="1\r\n2"',
      'A=\\n"x"', 'A="\\n\\r"', 'A="a\\\\"\n"', "A='a\\\\'\n'", 'A=`a\\`\n`', 'A="a\\"\n"',
      'A=\t"x#y"', 'A=\u00a0"x#y"', "A=\v'a#b'", 'A= "x#y"', 'A=\t#c', 'A=\t\n"x"', 'A=${B}', 'A=$B', 'A=${B', 'A=1\nA=2\nA=3', 'é=1', 'A\u00e9=1', 'A=\v\f', 'A=\u3000x', '\u2029A=1',
    ];
    for (const [i, text] of cases.entries()) {
      assertSame(text, `case ${i}`);
      assertSame(text + '\n', `case ${i} + LF`);
      assertSame('X=0\n' + text + '\nY=9', `case ${i} between lines`);
    }
  });

  const pieces = [
    'A', 'KEY', 'K_1', 'a.b-c', 'export', 'export ', 'export\t', ' ', '  ', '\t', '=', '= ', ' =', ':', ': ', '#', ' #c', '"', "'", '`',
    '\\', '\\"', "\\'", '\\n', 'x', 'value', '$', '${A}', '\n', '\n', '\n', '\r\n', '\r', '\u2028', '\u2029', '\u00a0', '\uFEFF', '\v',
    'é', '😀', '"quoted"', "'single'", '`back`', 'A=1', 'B="two"', '# comment', 'export C=3',
  ];
  const textArb = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((p) => p.join(''));
  const lineArb = fc
    .record({
      lead: fc.constantFrom('', '', '', ' ', '\t', 'export ', 'export\t', '  export  ', '#', '# ', '\u00a0'),
      key: fc.constantFrom('A', 'KEY_1', 'a.b-c', 'export', 'X', 'A B', ''),
      sep: fc.constantFrom('=', '=', '=', ' =', '= ', ':', ': ', ' : ', ''),
      value: fc.oneof(
        fc.constantFrom('', 'v', 'value with spaces', '#c', 'a#b', '${A}', '$B'),
        fc.tuple(fc.constantFrom('"', "'", '`'), textArb, fc.constantFrom('"', "'", '`', '')).map(([a, b, c]) => a + b + c),
        textArb,
      ),
      tail: fc.constantFrom('', '', ' # c', '#c', '  ', 'x', ' "', '\t#'),
    })
    .map((r) => r.lead + r.key + r.sep + r.value + r.tail);
  const fileArb = fc
    .array(fc.tuple(fc.oneof({ weight: 4, arbitrary: lineArb }, { weight: 1, arbitrary: textArb }), fc.constantFrom('\n', '\n', '\n', '\n\n', '\r\n', '\r', '\n  \n')), { maxLength: 10 })
    .map((lines) => lines.map(([l, eol]) => l + eol).join(''));

  for (const [name, arb] of [['line-shaped texts', fileArb], ['texts of pieces', textArb], ['arbitrary strings', fc.string({ maxLength: 120 })]] as const) {
    it(`the same for generated ${name} (${RUNS} runs)`, () => {
      const details = fc.check(
        fc.property(arb as fc.Arbitrary<string>, (text) => {
          const diff = firstDifference(parseDotenv('.env', text), referenceParseDotenv('.env', text));
          if (diff) throw new Error(`${diff} [input ${skeleton(text)}]`);
        }),
        { seed: SEED, numRuns: RUNS, path: PATH },
      );
      if (details.failed) {
        const err = details.errorInstance;
        assert.fail(`${name}: ${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
      }
    });
  }

  it('LineIndex: positions and line texts as a plain scan gives them', () => {
    for (const text of ['', 'a', '\n', 'a\nb', 'a\r\nb\rc\n', '\r\r\n\n', 'x\r', 'x\n\r']) {
      const lines = new LineIndex(text);
      const starts = [0];
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
      }
      assert.strictEqual(lines.lineCount, starts.length);
      for (let o = 0; o <= text.length + 1; o++) {
        const p = lines.positionAt(o);
        const clamped = Math.min(o, text.length);
        let l = 0;
        while (l + 1 < starts.length && starts[l + 1] <= clamped) l++;
        assert.deepStrictEqual(p, { line: l, character: clamped - starts[l] }, `${JSON.stringify(text)} at ${o}`);
        assert.strictEqual(lines.lineAt(o), l);
        assert.strictEqual(lines.offsetAt(p), clamped === text.length ? clamped : Math.min(clamped, lines.lineEnd(l)));
      }
    }
  });

  it('LineIndex.isRange: exactly when the range is the one `range(start, end)` makes', () => {
    const sameRange = (a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a) =>
      a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
    const pos = fc.record({ line: fc.integer({ min: -1, max: 6 }), character: fc.integer({ min: -1, max: 6 }) });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', '\n', '\r\n', '\r'), { maxLength: 12 }), fc.integer({ min: -2, max: 16 }), fc.integer({ min: -2, max: 16 }), pos, pos, fc.boolean(), (parts, start, end, p, q, exact) => {
        const text = parts.join('');
        const lines = new LineIndex(text);
        const made = lines.range(start, end);
        // Half the cases compare with the range made for the offsets (must be true), half with any range.
        const range = exact ? made : { start: p, end: q };
        assert.strictEqual(lines.isRange(range, start, end), sameRange(range, made), `${JSON.stringify(text)} ${start}-${end} ${JSON.stringify(range)}`);
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  });

  it('distinctChars counts what `new Set(s).size` counts (code points), for ASCII and any other text', () => {
    const unit = fc.oneof(fc.constantFrom('a', 'A', '0', '~', ' ', '\x7f', '\x00'), fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), fc.constantFrom('é', '\u{1F600}', '\ud800', '\udc00', '€'));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (parts) => {
        const s = parts.join('');
        assert.strictEqual(distinctChars(s), new Set(s).size, JSON.stringify(s));
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
    // The scratch bitmap starts empty each time.
    assert.strictEqual(distinctChars('abc'), 3);
    assert.strictEqual(distinctChars('abc'), 3);
    assert.strictEqual(distinctChars(''), 0);
  });
});

describe('suppression comments: found by searching for the word, as splitting every line finds them', function () {
  this.timeout(60_000);

  /** The previous implementation, verbatim: every line of the text, one regex each. */
  function splitEveryLine(text: string): { line: number; rules: string[]; commentLine: number }[] {
    if (text.indexOf('secret-hygiene-disable') === -1) return [];
    const out: { line: number; rules: string[]; commentLine: number }[] = [];
    const lines = text.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i++) {
      const m = /(?:#|\/\/|!|;)\s*secret-hygiene-disable-(next-line|line)\b([^\r\n]*)/.exec(lines[i]);
      if (!m) continue;
      const rest = m[2].split(/\s--\s|\s--$/)[0];
      const rules = rest
        .split(/[\s,]+/)
        .map((r) => r.trim())
        .filter((r) => r !== '');
      out.push({ line: m[1] === 'line' ? i : i + 1, rules, commentLine: i });
    }
    return out;
  }

  it('the same suppressions for hand-picked texts (CRLF, lone CR, two on a line, the word as a value)', () => {
    const texts = [
      '# secret-hygiene-disable-next-line weak-secret\nJWT_SECRET=changeme\n',
      'A=1\r\n# secret-hygiene-disable-next-line\r\nB=2\r\n',
      'A=1\r# secret-hygiene-disable-line weak-secret -- reason\rB=2',
      'A=secret-hygiene-disable-line # secret-hygiene-disable-line short-secret, weak-secret\n',
      'K=v # secret-hygiene-disable-line\n'.repeat(3) + '\n\n# secret-hygiene-disable-next-line x\r\n',
      'secret-hygiene-disable-line',
      '\n\n\n# secret-hygiene-disable-next-line\r',
    ];
    for (const t of texts) assert.deepStrictEqual(parseSuppressions(t), splitEveryLine(t), JSON.stringify(t));
  });

  it(`the same suppressions for generated texts (${RUNS} runs)`, () => {
    const piece = fc.constantFrom('# secret-hygiene-disable-next-line', '# secret-hygiene-disable-line', ' weak-secret', ',short-secret', ' -- why', '//', '!', ';', 'secret-hygiene-disable', 'KEY=v', ' ', '\t', '\n', '\n', '\r\n', '\r', '#', '-', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const t = pieces.join('');
        assert.deepStrictEqual(parseSuppressions(t), splitEveryLine(t));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('LeanParser (yaml Parser without the per-token process.env read)', function () {
  this.timeout(Math.max(30_000, RUNS * 40));

  it(`is written against the installed yaml version (${LEAN_PARSER_YAML_VERSION}); after an upgrade, compare LeanParser.next with the package's Parser.next again and update the version`, () => {
    assert.strictEqual(yamlVersion, LEAN_PARSER_YAML_VERSION);
    assert.ok(String(Parser.prototype.next).includes('LOG_TOKENS'), "the package's next still reads LOG_TOKENS");
  });

  const tokens = (parser: Parser, text: string): unknown[] => Array.from(parser.parse(text));
  const sameTokens = (text: string, label: string): void => {
    if (!isDeepStrictEqual(tokens(new LeanParser(), text), tokens(new Parser(), text))) assert.fail(`${label}: CST tokens differ [input ${skeleton(text).slice(0, 2000)}]`);
  };

  it('gives the same CST tokens as the package Parser for every fixture', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(FIXTURES);
    assert.ok(files.some((f) => /\.ya?ml$/.test(f)), 'YAML fixtures found');
    for (const f of files) sameTokens(readFileSync(f, 'utf8'), f);
  });

  const yamlPieces = [
    'a', 'key', ':', ': ', '-', '- ', '? ', ' ', '  ', '\t', '\n', '\n', '\r\n', '#', ' # c', '"', "'", '|', '>', '|-', '[', ']', '{', '}', ',',
    '&a ', '*a', '!!str ', '---\n', '...\n', '%YAML 1.2\n', '\\', 'é', '\uFEFF', '${X:-y}', '<<: ', 'env:\n  - name: A\n    value: b\n',
  ];
  const yamlArb = fc.oneof(
    fc.array(fc.constantFrom(...yamlPieces), { maxLength: 50 }).map((p) => p.join('')),
    fc.jsonValue({ maxDepth: 4 }).map((v) => yamlStringify(v)),
    fc.string({ maxLength: 120 }),
  );
  it(`gives the same CST tokens for generated YAML (${RUNS} runs)`, () => {
    const details = fc.check(
      fc.property(yamlArb, (text) => {
        if (!isDeepStrictEqual(tokens(new LeanParser(), text), tokens(new Parser(), text))) throw new Error(`CST tokens differ [input ${skeleton(text)}]`);
      }),
      { seed: SEED, numRuns: RUNS, path: PATH },
    );
    if (details.failed) {
      const err = details.errorInstance;
      assert.fail(`${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The previous parser, verbatim (server/src/core/parsers/dotenv.ts before the scanner).
// ---------------------------------------------------------------------------------------------


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

/**
 * Parses a .env text losslessly: the text is kept as it is and every entry records where its key
 * and value sit, so edits replace exactly the value's bytes. CRLF, lone CR and a BOM-less text are
 * handled by mapping dotenv's normalised offsets back onto the original text.
 */
function referenceParseDotenv(path: string, text: string): ParsedSource {
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

  const lineStarts = [0];
  for (let i = norm.indexOf('\n'); i !== -1; i = norm.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (n: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= n) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const lineEndNorm = (line: number): number => (line + 1 < lineStarts.length ? lineStarts[line + 1] - 1 : norm.length);

  // Very long lines are cut out of the text the expression sees (replaced by blank lines of
  // the same length), so a 5 MB line can neither hang the parser nor be half-read.
  let matchText = norm;
  const longLines: number[] = [];
  for (let line = 0; line < lineStarts.length; line++) {
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

  const entries: EnvEntry[] = [];
  const covered = new Uint8Array(lineStarts.length);
  const re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  let m: RegExpExecArray | null;
  while ((m = re.exec(matchText)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const indices = m.indices!;
    const [keyStart, keyEnd] = indices[1]!;
    const key = m[1];
    const raw = m[2] ?? '';
    let value = raw.trim();
    const maybeQuote = value[0];
    value = stripQuotes(value);
    if (maybeQuote === '"' && value.indexOf('\\') !== -1) {
      value = value.replace(/\\n/g, '\n');
      value = value.replace(/\\r/g, '\r');
    }

    // Where the value's content sits: inside the quotes when dotenv stripped them.
    let vStart: number;
    let vEnd: number;
    let quote: QuoteStyle = 'none';
    if (indices[2]) {
      const [rs, re2] = indices[2];
      let s = rs;
      let e = re2;
      while (s < e && isJsSpace(matchText.charCodeAt(s))) s++;
      while (e > s && isJsSpace(matchText.charCodeAt(e - 1))) e--;
      const first = matchText[s];
      if (e - s >= 2 && (first === '"' || first === "'" || first === '`') && matchText[e - 1] === first) {
        quote = first === '"' ? 'double' : first === "'" ? 'single' : 'backtick';
        s++;
        e--;
      }
      // A blank value (`KEY=   # c`) is placed right after the separator, so that writing a value
      // there gives `KEY=new   # c`, not `KEY=   new# c` (which would glue "#" to it).
      if (s === e && quote === 'none') s = e = rs;
      vStart = s;
      vEnd = e;
    } else {
      // No value: place the (empty) value right after the separator.
      vStart = vEnd = keyEnd + (matchText.slice(keyEnd, m.index + m[0].length).search(/[=:]/) + 1);
    }

    const firstLine = lineOf(keyStart);
    const lineStartText = matchText.slice(lineStarts[firstLine], keyStart);
    const exported = lineStartText.length > 6 && /export\s+$/.test(lineStartText);
    const lastLine = lineOf(Math.max(keyStart, (indices[2] ? indices[2][1] : keyEnd) - 1));
    for (let l = firstLine; l <= lastLine; l++) covered[l] = 1;

    // The value is the slice between the offsets (with dotenv's escapes in double quotes), except
    // in dotenv's corner cases such as U+2028 inside a value, where its quote stripping works per
    // line. Such a value cannot be rewritten by replacing the slice.
    let literal = matchText.slice(vStart, vEnd);
    if (maybeQuote === '"' && literal.indexOf('\\') !== -1) literal = literal.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    const readOnly = literal !== value;

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

    checkEntryShape(matchText, m, key, keyEnd, indices[2], value, maybeQuote, toOrig, problems);
    if (quote !== 'none' && lineOf(vStart - 1) !== lastLine) {
      checkSwallowedLines(matchText, key, vStart - 1, lineOf(vStart - 1), lastLine, lineStarts, lineEndNorm, toOrig, problems);
    }
  }

  const commented: CommentedEntry[] = [];
  for (let line = 0; line < lineStarts.length; line++) {
    if (covered[line]) continue;
    const s = lineStarts[line];
    const e = lineEndNorm(line);
    const lineText = matchText.slice(s, e);
    const trimmed = lineText.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      const cm = COMMENTED_ASSIGNMENT.exec(lineText);
      if (cm && cm[2].trim() !== '') {
        const vs = s + lineText.length - cm[2].length;
        let ve = e;
        while (ve > vs && /\s/.test(matchText[ve - 1])) ve--;
        commented.push({ key: cm[1], line, valueStart: toOrig(vs), valueEnd: toOrig(ve) });
      }
      continue;
    }
    if (longLines.includes(line)) continue;
    const lead = s + (lineText.length - lineText.trimStart().length);
    problems.push({
      start: toOrig(lead),
      end: toOrig(e),
      message: skippedLineMessage(trimmed),
      severity: 'error',
      kind: 'skipped-line',
    });
  }

  // Later definitions win in dotenv; the earlier one is dead text that misleads readers.
  const seen = new Map<string, EnvEntry>();
  for (const entry of entries) {
    const prior = seen.get(entry.key);
    if (prior) {
      problems.push({
        start: prior.keyStart,
        end: prior.keyEnd,
        message: `${entry.key} is defined again on line ${entry.line + 1}; dotenv uses the last definition and ignores this one`,
        severity: 'warning',
        kind: 'duplicate-key',
      });
    }
    seen.set(entry.key, entry);
  }

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
 * dotenv's `value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')`. Without a line terminator in the
 * value (nearly always), "^" and "$" can only match at its ends, so the quotes go when the value
 * starts and ends with the same one; values with line breaks take dotenv's own expression.
 */
function stripQuotes(value: string): string {
  if (!/[\n\r\u2028\u2029]/.test(value)) {
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
  m: RegExpExecArray,
  key: string,
  keyEnd: number,
  valueIdx: [number, number] | undefined,
  value: string,
  maybeQuote: string | undefined,
  toOrig: (n: number) => number,
  problems: ParseProblem[],
): void {
  const sepEnd = valueIdx ? valueIdx[0] : m.index + m[0].length;
  // `KEY=` (nearly every line) has neither a colon nor a space before the "=".
  const between = text.charCodeAt(keyEnd) === 61 /* = */ ? '=' : text.slice(keyEnd, sepEnd);
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
  if (!valueIdx) {
    // `KEY=#ff0000`: dotenv reads "#" right after "=" as the start of a comment, so the value is empty.
    const end = m.index + m[0].length;
    const sep = text.slice(keyEnd, end).search(/[=:]/);
    const after = keyEnd + sep + 1;
    if (sep !== -1 && text[keyEnd + sep] === '=' && text[after] === '#') {
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
  const [rs, re] = valueIdx;
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
  const trimmed = rawValue.trim();
  const q = trimmed[0];
  if ((q === '"' || q === "'" || q === '`') && maybeQuote === q && value.startsWith(q)) {
    // dotenv did not strip the quotes: either never closed, or text follows the closing quote.
    const closing = trimmed.indexOf(q, 1);
    const s = rs + (rawValue.length - rawValue.trimStart().length);
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
  const end = m.index + m[0].length;
  if (q !== '"' && q !== "'" && q !== '`' && re < end && text[re] === '#' && re > rs && !/\s/.test(text[re - 1])) {
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
  lineStarts: number[],
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
