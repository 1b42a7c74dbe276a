/**
 * The .env parser against the `dotenv` package itself: for our own fixtures and for generated
 * inputs, the values we report must be the values `dotenv.parse` returns, and every entry must say
 * exactly where its key and value sit in the original text.
 *
 * Assertion messages name keys, lengths and short hashes only, never values; a failing generated
 * case reports its fast-check seed and path instead of the input (FUZZ_SEED / FUZZ_PATH replay it).
 */
import * as assert from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as dotenv from 'dotenv';
import { parseDotenv } from '../../server/src/core/parsers/dotenv';
import { decodeBytes, LineIndex } from '../../server/src/core/text';
import type { ParsedSource } from '../../server/src/core/types';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'dotenv');
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = Number(process.env.FUZZ_SEED) || 0x5ec2e7;
const PATH = process.env.FUZZ_PATH;

/** A value's shape for messages: its length and a short hash, so two values can be told apart unseen. */
function shape(value: string | undefined): string {
  if (value === undefined) return 'absent';
  return `${value.length} chars, sha256:${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

/** strictEqual for texts that may be values: a failure shows lengths and hashes only. */
function sameText(actual: string, expected: string, label: string): void {
  if (actual !== expected) assert.fail(`${label}: got ${shape(actual)}, expected ${shape(expected)}`);
}

/** Text with letters and digits masked: enough to see the structure of a failing input, not its content. */
function skeleton(text: string): string {
  const masked = text.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9');
  return JSON.stringify(masked).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function oursAsObject(parsed: ParsedSource): Record<string, string> {
  return Object.fromEntries(parsed.entries.map((e) => [e.key, e.value]));
}

/** Compares our key -> value map with dotenv's, reporting differences by key and shape only. */
function assertSameAsDotenv(parsed: ParsedSource, label: string): void {
  const ours = oursAsObject(parsed);
  const theirs: Record<string, string> = { ...dotenv.parse(parsed.text) };
  const diffs: string[] = [];
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const a = Object.prototype.hasOwnProperty.call(ours, key) ? ours[key] : undefined;
    const b = Object.prototype.hasOwnProperty.call(theirs, key) ? theirs[key] : undefined;
    if (a !== b) diffs.push(`${key}: ours ${shape(a)}, dotenv ${shape(b)}`);
  }
  if (diffs.length > 0) assert.fail(`${label}: values differ from dotenv.parse for ${diffs.join('; ')}`);
}

/** Offsets and lines of every entry, problem and commented line point at what they describe. */
function assertPositions(parsed: ParsedSource, label: string): void {
  const text = parsed.text;
  const lines = new LineIndex(text);
  for (const e of parsed.entries) {
    const where = `${label}: ${e.key} (line ${e.line + 1})`;
    assert.ok(0 <= e.keyStart && e.keyStart < e.keyEnd && e.keyEnd <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= text.length, `${where}: offsets out of order`);
    assert.strictEqual(text.slice(e.keyStart, e.keyEnd), e.key, `${where}: key offsets do not cover the key`);
    assert.strictEqual(lines.positionAt(e.keyStart).line, e.line, `${where}: line is not the key's line`);
    const literal = text.slice(e.valueStart, e.valueEnd);
    // dotenv reads CRLF and lone CR as LF, so a multi-line value differs from its slice only there.
    const normalized = literal.replace(/\r\n?/g, '\n');
    // dotenv turns `\n` and `\r` into line breaks when the trimmed value starts with a double quote.
    const escapes = e.quote === 'double' || (e.quote === 'none' && literal.startsWith('"'));
    const escapeFree = !escapes || !/\\[nr]/.test(literal);
    if (e.readOnly) {
      // dotenv strips quotes per line around U+2028/U+2029; nothing else makes a value non-literal.
      assert.ok(/[\u2028\u2029]/.test(literal), `${where}: read-only without a reason`);
    } else if (escapeFree) {
      assert.ok(normalized === e.value, `${where}: value offsets do not cover the value (slice ${shape(literal)}, value ${shape(e.value)}, quote ${e.quote})`);
      if (!literal.includes('\r')) assert.ok(literal === e.value, `${where}: slice differs from value`);
    }
    if (e.quote !== 'none') {
      const q = e.quote === 'double' ? '"' : e.quote === 'single' ? "'" : '`';
      assert.ok(text[e.valueStart - 1] === q && text[e.valueEnd] === q, `${where}: ${e.quote} quotes expected around the value`);
    }
  }
  for (const p of parsed.problems) {
    assert.ok(0 <= p.start && p.start <= p.end && p.end <= text.length, `${label}: problem ${p.kind} has offsets outside the text`);
    assert.ok(p.message.length > 0, `${label}: problem ${p.kind} has no message`);
  }
  for (const c of parsed.commented) {
    assert.ok(0 <= c.valueStart && c.valueStart <= c.valueEnd && c.valueEnd <= text.length, `${label}: commented ${c.key} out of range`);
    assert.strictEqual(lines.positionAt(c.valueStart).line, c.line, `${label}: commented ${c.key} line`);
  }
}

/** Values must never leak into problem messages. */
function assertNoValueInMessages(parsed: ParsedSource, label: string): void {
  for (const e of parsed.entries) {
    if (e.value.length < 8) continue;
    for (const p of parsed.problems) {
      assert.ok(!p.message.includes(e.value), `${label}: problem ${p.kind} message contains the value of ${e.key}`);
    }
  }
}

function checkAll(parsed: ParsedSource, label: string): void {
  assertSameAsDotenv(parsed, label);
  assertPositions(parsed, label);
  assertNoValueInMessages(parsed, label);
}

/** Runs a property with a fixed seed; on failure reports seed, path and the error, not the input. */
function assertProperty<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, describeInput: (input: T) => string): void {
  const details = fc.check(
    fc.property(arb, (input) => {
      try {
        check(input);
      } catch (e) {
        const message = e instanceof Error ? e.message : 'non-Error thrown';
        throw new Error(`${message} [input ${describeInput(input)}]`);
      }
    }),
    { seed: SEED, numRuns: RUNS, path: PATH },
  );
  if (details.failed) {
    const err = details.errorInstance;
    assert.fail(
      `${name}: failed after ${details.numRuns} run(s): ${err instanceof Error ? err.message : 'error'}; ` +
        `replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`,
    );
  }
}

function loadFixture(name: string): ParsedSource {
  const decoded = decodeBytes(readFileSync(join(FIXTURES, name)));
  assert.ok(decoded.ok, `${name} should decode`);
  return parseDotenv(name, decoded.text);
}

function kinds(parsed: ParsedSource): string[] {
  const lines = new LineIndex(parsed.text);
  return parsed.problems.map((p) => `${lines.positionAt(p.start).line + 1}:${p.kind}`).sort();
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/** The problems each fixture must give, as `line:kind` (1-based lines); nothing else may appear. */
const EXPECTED_PROBLEMS: Record<string, string[]> = {
  'basic.env': [],
  'bom.env': [],
  'bom-crlf.env': [],
  'colon.env': ['1:colon-separator', '2:colon-separator', '3:skipped-line'],
  'crlf.env': ['7:spaces-around-equals', '7:spaces-around-equals', '8:hash-in-value'],
  'duplicates.env': ['1:duplicate-key', '3:duplicate-key'],
  'empty.env': [],
  'escapes.env': [],
  'export.env': [],
  'hash-in-values.env': ['1:hash-in-value', '2:hash-in-value', '6:hash-in-value'],
  'inline-comments.env': [],
  'lone-cr.env': [],
  'multiline.env': [],
  'quotes.env': ['10:unterminated-quote'],
  'realistic.env': [],
  'skipped.env': ['2:skipped-line', '3:skipped-line', '4:skipped-line', '5:skipped-line', '6:skipped-line', '7:skipped-line'],
  'spaces.env': [
    '1:spaces-around-equals', '1:spaces-around-equals', '2:spaces-around-equals', '3:spaces-around-equals',
    '4:spaces-around-equals', '4:spaces-around-equals', '8:spaces-around-equals',
  ],
  'unterminated.env': ['2:unterminated-quote', '3:unterminated-quote', '5:quoted-value-spans-assignments'],
  'utf16le.env': [],
};

describe('dotenv parser: differential against dotenv.parse', () => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.env')).sort();

  it('has the fixtures this test expects', () => {
    assert.ok(names.length >= 15, `expected at least 15 fixtures, found ${names.length}`);
    assert.deepStrictEqual(names, Object.keys(EXPECTED_PROBLEMS).sort());
  });

  for (const name of names) {
    it(`${name}: same values as dotenv, exact positions, expected problems`, () => {
      const parsed = loadFixture(name);
      checkAll(parsed, name);
      assert.deepStrictEqual(kinds(parsed), [...EXPECTED_PROBLEMS[name]].sort());
    });
  }

  it('the BOM fixture decodes without a BOM and dotenv agrees on the raw text with one', () => {
    const raw = readFileSync(join(FIXTURES, 'bom.env'), 'utf8');
    assert.strictEqual(raw.charCodeAt(0), 0xfeff);
    const fromRaw = parseDotenv('bom.env', raw);
    checkAll(fromRaw, 'bom.env (raw)');
    assert.deepStrictEqual(fromRaw.entries.map((e) => e.key), ['FIRST', 'SECOND']);
    assert.strictEqual(fromRaw.entries[0].keyStart, 1);
  });

  it('the UTF-16 LE fixture (PowerShell) is decoded, not garbage', () => {
    const decoded = decodeBytes(readFileSync(join(FIXTURES, 'utf16le.env')));
    assert.ok(decoded.ok && decoded.encoding === 'utf16le' && decoded.bom && decoded.eol === '\r\n');
    const parsed = parseDotenv('utf16le.env', decoded.text);
    assert.deepStrictEqual(parsed.entries.map((e) => e.key), ['PS_KEY', 'PS_OTHER']);
  });
});

describe('dotenv parser: positions and details', () => {
  it('export, quote style and exact value offsets', () => {
    const parsed = loadFixture('export.env');
    const byKey = new Map(parsed.entries.map((e) => [e.key, e]));
    assert.deepStrictEqual(parsed.entries.map((e) => [e.key, e.exported]), [
      ['JWT_SECRET', true], ['SPACED_EXPORT', true], ['INDENTED', true], ['exportNOT', false], ['TABBED', true],
    ]);
    const indented = byKey.get('INDENTED')!;
    assert.strictEqual(indented.quote, 'double');
    sameText(parsed.text.slice(indented.valueStart - 1, indented.valueEnd + 1), '"quoted"', 'INDENTED with its quotes');
    assert.strictEqual(byKey.get('TABBED')!.quote, 'single');
  });

  it('CRLF: offsets index the original text, multi-line values map across \\r\\n', () => {
    const parsed = loadFixture('crlf.env');
    const d = parsed.entries.find((e) => e.key === 'D')!;
    sameText(parsed.text.slice(d.valueStart, d.valueEnd), 'multi\r\nline', 'D slice');
    sameText(d.value, 'multi\nline', 'D value');
    const h = parsed.entries.find((e) => e.key === 'H')!;
    assert.strictEqual(h.line, 9);
    sameText(parsed.text.slice(h.keyStart, h.valueEnd), 'H=last', 'H line');
    assert.deepStrictEqual(parsed.commented.map((c) => [c.key, c.line]), [['E', 5]]);
  });

  it('lone CR counts as a line break, like dotenv', () => {
    const parsed = loadFixture('lone-cr.env');
    assert.deepStrictEqual(parsed.entries.map((e) => [e.key, e.line]), [['A', 0], ['B', 1], ['C', 2], ['D', 3], ['E', 5]]);
  });

  it('duplicate keys: all definitions kept with positions, the earlier ones flagged', () => {
    const parsed = loadFixture('duplicates.env');
    assert.deepStrictEqual(parsed.entries.filter((e) => e.key === 'DUP').map((e) => e.line), [0, 2, 3]);
    const dups = parsed.problems.filter((p) => p.kind === 'duplicate-key');
    assert.deepStrictEqual(dups.map((p) => parsed.text.slice(p.start, p.end)), ['DUP', 'DUP']);
    assert.strictEqual(dups[0].severity, 'warning');
  });

  it('commented-out assignments are recorded with the value range, not as entries', () => {
    const parsed = loadFixture('inline-comments.env');
    assert.deepStrictEqual(parsed.commented.map((c) => [c.key, parsed.text.slice(c.valueStart, c.valueEnd).length]), [
      ['OLD_SECRET', 'commented-out-value'.length],
      ['COMMENTED_EXPORT', 'also-commented'.length],
    ]);
    assert.ok(!parsed.entries.some((e) => e.key === 'OLD_SECRET'));
  });

  it('an empty value sits right after the separator', () => {
    const text = 'A=\nB=  \nC= # c\n';
    const parsed = parseDotenv('.env', text);
    assert.deepStrictEqual(parsed.entries.map((e) => [e.key, e.valueStart, e.valueEnd]), [['A', 2, 2], ['B', 5, 5], ['C', 10, 10]]);
  });

  it('references are marked', () => {
    const parsed = loadFixture('escapes.env');
    const refs = parsed.entries.filter((e) => e.reference).map((e) => e.key);
    assert.deepStrictEqual(refs, ['REF']);
  });
});

describe('dotenv parser: problems with precise ranges', () => {
  const problem = (text: string, kind: string) => {
    const parsed = parseDotenv('.env', text);
    const found = parsed.problems.filter((p) => p.kind === kind);
    assert.strictEqual(found.length, 1, `one ${kind} expected, got [${parsed.problems.map((p) => p.kind).join(', ')}]`);
    return { parsed, p: found[0], slice: text.slice(found[0].start, found[0].end) };
  };

  it('KEY = value: space before "=" and after it', () => {
    const parsed = parseDotenv('.env', 'KEY = value\n');
    const spaces = parsed.problems.filter((p) => p.kind === 'spaces-around-equals');
    assert.deepStrictEqual(spaces.map((p) => [p.start, p.end]), [[3, 5], [5, 6]]);
    sameText(parsed.entries[0].value, 'value', 'KEY');
    assert.ok(spaces.every((p) => p.message.includes('KEY') && !p.message.includes('value ')));
  });

  it('"#" glued to an unquoted value: the range is the cut-off comment', () => {
    const { p, slice, parsed } = problem('URL=https://x.test/a#frag\n', 'hash-in-value');
    sameText(slice, '#frag', 'cut-off comment');
    assert.strictEqual(p.severity, 'error');
    sameText(parsed.entries[0].value, 'https://x.test/a', 'URL');
    assert.ok(!p.message.includes('frag'));
  });

  it('"#" right after "=": dotenv reads an empty value', () => {
    const { slice, parsed } = problem('COLOR=#ff0000\n', 'hash-in-value');
    sameText(slice, '#ff0000', 'comment');
    sameText(parsed.entries[0].value, '', 'COLOR');
  });

  it('"#" after a space is a comment, not a problem', () => {
    for (const text of ['A=value #comment\n', 'A= #comment\n', 'A="v#x"\n']) {
      assert.deepStrictEqual(parseDotenv('.env', text).problems, []);
    }
  });

  it('unterminated quote points at the opening quote', () => {
    const { p, slice } = problem('A=1\nKEY="never closed\nB=2\n', 'unterminated-quote');
    assert.strictEqual(slice, '"');
    assert.strictEqual(p.start, 8);
  });

  it('text after the closing quote', () => {
    const { slice, parsed } = problem("KEY='abc'def\n", 'text-after-quote');
    sameText(slice, 'def', 'text after the quote');
    sameText(parsed.entries[0].value, "'abc'def", 'KEY');
  });

  it('a quoted value that swallows following assignments is flagged at the opening quote', () => {
    const text = 'A="one\nB=two\nC=three"\nD=4\n';
    const { slice, p, parsed } = problem(text, 'quoted-value-spans-assignments');
    assert.strictEqual(slice, '"');
    assert.strictEqual(p.start, 2);
    assert.match(p.message, /lines 2, 3/);
    assert.deepStrictEqual(Object.keys(oursAsObject(parsed)), ['A', 'D']);
    // a PEM or JSON block spanning lines is not flagged
    assert.deepStrictEqual(loadFixture('multiline.env').problems, []);
  });

  it('skipped lines name the reason and cover the line without its break', () => {
    const { slice, p } = problem('OK=1\r\nKEY WITH SPACE=1\r\nB=2\r\n', 'skipped-line');
    sameText(slice, 'KEY WITH SPACE=1', 'skipped line');
    assert.match(p.message, /space/);
    const noEq = problem('just words\n', 'skipped-line');
    assert.match(noEq.p.message, /no "="/);
  });

  it('colon separator is read like dotenv and flagged', () => {
    const { slice, parsed } = problem('KEY: value\n', 'colon-separator');
    assert.strictEqual(slice, ':');
    sameText(parsed.entries[0].value, 'value', 'KEY');
  });

  it('a line over the length limit is reported, not read, and does not hang', () => {
    const text = 'A=1\nBIG=' + 'x'.repeat(300 * 1024) + '\nB=2\n';
    const parsed = parseDotenv('.env', text);
    assert.deepStrictEqual(parsed.entries.map((e) => e.key), ['A', 'B']);
    assert.deepStrictEqual(parsed.problems.map((p) => p.kind), ['line-too-long']);
  });
});

// ---------------------------------------------------------------------------------------------
// Generated inputs
// ---------------------------------------------------------------------------------------------

/** Any UTF-16 code units, lone surrogates included (cheaper to build than fc.string's 'binary' unit). */
const utf16Text = (max: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: max }).map((cs) => String.fromCharCode(...cs));

/** Characters that break naive .env parsers. */
const NASTY = ['a', 'Z', '0', '9', '_', '-', '.', ' ', '\t', '#', '=', ':', '"', "'", '`', '\\', '$', '{', '}', '/', '@', 'n', 'r', 'é', '\u00a0', '\u2028', '\uFEFF', '😀'];
const nastyText = (max: number) => fc.array(fc.constantFrom(...NASTY), { maxLength: max }).map((cs) => cs.join(''));
const lineSafeText = (max: number) => nastyText(max);
const multiLineText = (max: number) =>
  fc.array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...NASTY) }, { weight: 1, arbitrary: fc.constantFrom('\n', '\r\n', '\r', '\\n', '\\"', "\\'") }), { maxLength: max }).map((cs) => cs.join(''));

const keyArb = fc
  .oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/) },
    { weight: 3, arbitrary: fc.stringMatching(/^[\w.-]{1,8}$/) },
    { weight: 1, arbitrary: fc.constantFrom('KEY WITH SPACE', 'ÜML', 'A*B', '', 'export', 'export_X', 'JWT_SECRET', 'JWT_SECRET') },
  )
  .filter((k) => k !== '__proto__');

const valueArb = fc.oneof(
  { weight: 5, arbitrary: lineSafeText(20) },
  { weight: 2, arbitrary: multiLineText(20).map((v) => `'${v}'`) },
  { weight: 2, arbitrary: multiLineText(20).map((v) => `"${v}"`) },
  { weight: 1, arbitrary: multiLineText(20).map((v) => '`' + v + '`') },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('"', "'", '`'), lineSafeText(12)).map(([q, v]) => q + v) },
  { weight: 1, arbitrary: fc.constantFrom('${OTHER}', '${A:-b}', '$HOME', 'postgres://u:p@h:5432/d', '#ff0000', 'a#b', '""', "''") },
);

const assignmentArb = fc
  .record({
    prefix: fc.constantFrom('', '', '', 'export ', '  ', '\t', 'export\t', 'export  '),
    key: keyArb,
    sep: fc.constantFrom('=', '=', '=', ' = ', '= ', ' =', ': ', ':', '\t=\t', '='),
    value: valueArb,
    suffix: fc.constantFrom('', '', '', ' # comment', '#c', '   ', ' #', '\t# x=y'),
  })
  .map((r) => r.prefix + r.key + r.sep + r.value + r.suffix);

const lineArb = fc.oneof(
  { weight: 10, arbitrary: assignmentArb },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: lineSafeText(15).map((t) => '#' + t) },
  { weight: 1, arbitrary: assignmentArb.map((a) => '# ' + a) },
  { weight: 1, arbitrary: lineSafeText(15) },
);

const envTextArb = fc
  .record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\n', '\n', '\r\n', '\r\n', '\r')), { maxLength: 12 }),
    finalEol: fc.boolean(),
  })
  .map(({ bom, lines, finalEol }) => {
    let text = bom ? '\uFEFF' : '';
    lines.forEach(([line, eol], i) => {
      text += line + (i < lines.length - 1 || finalEol ? eol : '');
    });
    return text;
  });

describe('dotenv parser: generated inputs (fast-check)', function () {
  // FUZZ_RUNS=20000 (npm run fuzz) takes longer than mocha's default timeout.
  this.timeout(Math.max(30_000, RUNS * 20));
  it(`realistic .env texts with nasty characters agree with dotenv (${RUNS} runs)`, () => {
    assertProperty('realistic .env', envTextArb, (text) => checkAll(parseDotenv('.env', text), 'generated'), skeleton);
  });

  it(`arbitrary strings: never throws, agrees with dotenv (${RUNS} runs)`, () => {
    const arb = fc.oneof(fc.string({ maxLength: 200 }), utf16Text(200), fc.string({ unit: fc.constantFrom(...NASTY, '\n', '\r'), maxLength: 200 }));
    assertProperty('arbitrary string', arb, (text) => checkAll(parseDotenv('.env', text), 'arbitrary'), skeleton);
  });

  it(`arbitrary bytes decoded with decodeBytes: never throws (${RUNS} runs)`, () => {
    assertProperty(
      'arbitrary bytes',
      fc.uint8Array({ maxLength: 300 }),
      (bytes) => {
        const decoded = decodeBytes(bytes);
        if (!decoded.ok) {
          assert.ok(decoded.reason.length > 0);
          return;
        }
        checkAll(parseDotenv('.env', decoded.text), 'bytes');
      },
      (bytes) => `${bytes.length} bytes`,
    );
  });
});
