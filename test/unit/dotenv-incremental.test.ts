/**
 * The .env parser's incremental path (`parseDotenv(path, text, previous)`) gives exactly the parse
 * of the whole text: entries, offsets, lines, problems (and their messages), commented entries and
 * suppressions, for generated files and generated edits, also chains of edits (each parse built
 * on the previous incremental one). Failures report the fast-check seed, never a value.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { lineStartsOf, parseDotenv } from '../../server/src/core/parsers/dotenv';
import { LineIndex } from '../../server/src/core/text';
import type { ParsedSource } from '../../server/src/core/types';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);

const token = fc.constantFrom(
  'KEY', 'JWT_SECRET', 'A', 'b.c-d', 'export ', 'export', '=', ' = ', ': ', ':', '"', "'", '`', '\\"', "\\'", '#', ' # c', '\n', '\n', '\n',
  '\r\n', '\r', ' ', '\t', 'value', 'x', '${A}', '$B', 'secret-hygiene-disable-next-line weak-secret', '\\n', '\u2028', 'é', '',
);
const lineGen = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('A', 'KEY', 'JWT_SECRET', 'export B', '  C', 'D.E'), fc.constantFrom('=', ' = ', ': ', '='), fc.constantFrom('', 'v', '"q v"', "'s'", '`b`', '"open', "'open", 'x # c', 'x#y', '"a" tail', '"multi\nLINE=1\nend"')).map(([k, s, v]) => k + s + v) },
  { weight: 2, arbitrary: fc.constantFrom('# comment', '# JWT_SECRET=old', '', '   ', 'BROKEN LINE', 'no_equals', '# secret-hygiene-disable-next-line', '"', "'") },
  { weight: 2, arbitrary: fc.array(token, { maxLength: 6 }).map((ts) => ts.join('')) },
);
const fileGen = fc.array(lineGen, { maxLength: 14 }).chain((ls) => fc.constantFrom('\n', '\n', '\r\n').map((eol) => ls.join(eol) + (ls.length % 2 ? eol : '')));
const editGen = fc.record({ at: fc.nat(), len: fc.nat({ max: 12 }), text: fc.array(token, { maxLength: 3 }).map((t) => t.join('')) });

/** A parse that keeps what re-parsing needs, as the first parse of a file being edited does. */
function editable(text: string): ParsedSource {
  return parseDotenv('.env', text, parseDotenv('.env', ''));
}

function edit(text: string, e: { at: number; len: number; text: string }): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  return text.slice(0, at) + e.text + text.slice(Math.min(text.length, at + e.len));
}

/** Everything a parse says, as a comparable value (the text is compared separately). */
function facts(s: ParsedSource): unknown {
  return { entries: s.entries, commented: s.commented, problems: s.problems, suppressions: s.suppressions };
}

describe('dotenv parser: the incremental path equals a full parse', function () {
  this.timeout(120_000);

  it('after chains of random edits (quotes, newlines, "#", CRLF, multi-line values)', () => {
    fc.assert(
      fc.property(fileGen, fc.array(editGen, { minLength: 1, maxLength: 8 }), (initial, edits) => {
        let text = initial;
        let prev = editable(text);
        for (const e of edits) {
          text = edit(text, e);
          const inc = parseDotenv('.env', text, prev);
          const full = parseDotenv('.env', text);
          assert.equal(inc.text, text);
          assert.deepStrictEqual(facts(inc), facts(full));
          // The line starts kept for the analyzer's LineIndex are those of the new text.
          const starts = lineStartsOf(inc);
          if (starts) assert.deepStrictEqual([...starts], [...Array(new LineIndex(text).lineCount).keys()].map((l) => new LineIndex(text).lineStart(l)));
          prev = inc;
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || 0x1ce },
    );
  });

  it('typing one character at a time into a large file, and deleting it again', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(i % 17 === 0 ? `# section ${i}` : i % 23 === 0 ? `K${i}="multi\nline ${i}"` : `K${i}=value${i}`);
    const base = lines.join('\n') + '\n';
    let prev = editable(base);
    let text = base;
    for (const [i, ch] of [...'="#\n\' x'].entries()) {
      const at = (i * 977) % text.length;
      text = text.slice(0, at) + ch + text.slice(at);
      const inc = parseDotenv('.env', text, prev);
      assert.deepStrictEqual(facts(inc), facts(parseDotenv('.env', text)), `insert #${i}`);
      prev = inc;
    }
    const back = parseDotenv('.env', base, prev);
    assert.deepStrictEqual(facts(back), facts(parseDotenv('.env', base)));
  });

  it('suppression comments on many lines: kept above the re-parsed lines, found again in them, moved below them', () => {
    // The re-parse keeps the suppressions outside the lines it reads again; every line around an
    // edit holds one here, so a line too few or too many at either end shows.
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      lines.push(
        i % 3 === 0
          ? `# secret-hygiene-disable-next-line weak-secret -- ${i}`
          : i % 3 === 1
            ? `JWT_SECRET_${i}=changeme # secret-hygiene-disable-line short-secret,committed-credential`
            : `K${i}=v${i}`,
      );
    }
    const base = lines.join('\n') + '\n';
    fc.assert(
      fc.property(fc.array(editGen, { minLength: 1, maxLength: 6 }), (edits) => {
        let text = base;
        let prev = editable(text);
        for (const e of edits) {
          text = edit(text, e);
          const inc = parseDotenv('.env', text, prev);
          assert.deepStrictEqual(inc.suppressions, parseDotenv('.env', text).suppressions);
          assert.deepStrictEqual(facts(inc), facts(parseDotenv('.env', text)));
          prev = inc;
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || 0x5a9 },
    );
  });

  it('edits that change an entry above them: a quote that a blank value or an open quote reaches', () => {
    const cases: [string, string][] = [
      ['A=\n\nB=1\n', 'A=\n\n"v"\nB=1\n'],
      ['A = \n\n  B=1\n', "A = \n\n  'v'B=1\n"],
      ["A='open\nB=1\nC=2\n", "A='open\nB=1\nC=2'\n"],
      ['A="x" y\nB=1\n', 'A="x" y"\nB=1\n'],
      ['A=1\n#\nB=2\n', 'A=1\n#c\nB=2\n'],
      ['A\n\nB=1\n', 'A\n\n=B=1\n'],
    ];
    for (const [i, [a, b]] of cases.entries()) {
      const inc = parseDotenv('.env', b, editable(a));
      assert.deepStrictEqual(facts(inc), facts(parseDotenv('.env', b)), `case ${i}`);
      const back = parseDotenv('.env', a, inc);
      assert.deepStrictEqual(facts(back), facts(parseDotenv('.env', a)), `case ${i} reverted`);
    }
  });

  it('an edit below a line keeps the entries above it as the same objects (nothing re-parsed there)', () => {
    const base = 'A=1\nB=2\nC=3\nD=4\n';
    const before = editable(base);
    const after = parseDotenv('.env', base.replace('C=3', 'C=33'), before);
    assert.equal(after.entries[0], before.entries[0]);
    assert.equal(after.entries[1], before.entries[1]);
    assert.equal(after.entries[2].value, '33');
    assert.equal(after.entries[3].keyStart, before.entries[3].keyStart + 1);
  });
});

describe('incremental parse: memory', () => {
  it('typing into values of a large .env keeps no old version of the text alive (heap after 60 edits, forced GC, in a child process)', function () {
    this.timeout(60_000);
    // 20k lines (~1 MB): were every edited version kept by the entries re-parsed in it, 60 edits
    // would hold ~60 MB more; the bound allows for caches and the collector's slack.
    const analyzer = require.resolve('../../server/src/core/analyzer');
    const script = `
      const { Analyzer } = require(${JSON.stringify(analyzer)});
      const lines = [];
      let x = 12345;
      const hex = () => { let h = ''; for (let k = 0; k < 40; k++) { x = (x * 1103515245 + 12345) % 2147483648; h += (x >> 16 & 15).toString(16); } return h; };
      for (let i = 0; i < 20000; i++) lines.push(i % 4 === 0 ? 'SERVICE_' + i + '_SECRET=' + hex() : 'SERVICE_' + i + '_URL=https://svc' + i + '.example.com/api/v1');
      const text = lines.join('\\n') + '\\n';
      const a = new Analyzer({ hashKey: Buffer.from('k') });
      a.setFile({ path: '.env', text }); a.findings('.env');
      global.gc(); const before = process.memoryUsage().heapUsed;
      let t = text;
      for (let n = 0; n < 60; n++) {
        const at = t.indexOf('\\n', (n * 7919 * 13) % t.length);
        t = t.slice(0, at) + 'q' + t.slice(at);
        a.setFile({ path: '.env', text: t });
        if (n % 20 === 19) a.findings('.env');
      }
      global.gc(); global.gc();
      process.stdout.write(String(process.memoryUsage().heapUsed - before));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const grownMB = Number(r.stdout) / 1e6;
    assert.ok(grownMB < 25, `heap grew ${grownMB.toFixed(1)} MB over 60 edits of a ${(20000 * 45) / 1e6} MB file`);
  });

  it('suppression comments carried by re-parses keep no old version of the text alive (20 edits, one per comment)', function () {
    this.timeout(60_000);
    // A rule name of 13+ characters split out of a line is a slice of the whole text: carried to
    // later versions, each re-read comment would keep its version (~0.9 MB here) alive.
    const dotenv = require.resolve('../../server/src/core/parsers/dotenv');
    const script = `
      const { parseDotenv } = require(${JSON.stringify(dotenv)});
      const lines = [];
      for (let i = 0; i < 20000; i++) lines.push(i % 1000 === 0 ? '# secret-hygiene-disable-next-line committed-credential' : 'SERVICE_' + i + '_URL=https://svc' + i + '.example.com/api/v1');
      let t = lines.join('\\n') + '\\n';
      let prev = parseDotenv('.env', t, parseDotenv('.env', ''));
      const lineOffset = (k) => { let o = 0; for (let i = 0; i < k; i++) o = t.indexOf('\\n', o) + 1; return o; };
      global.gc(); const before = process.memoryUsage().heapUsed;
      for (let n = 0; n < 20; n++) {
        const at = t.indexOf('committed-credential', lineOffset(n * 1000));
        t = t.slice(0, at) + ' ' + t.slice(at);
        prev = parseDotenv('.env', t, prev);
      }
      if (prev.suppressions.length !== 20) throw new Error('expected 20 suppressions, got ' + prev.suppressions.length);
      global.gc(); global.gc();
      process.stdout.write(String(process.memoryUsage().heapUsed - before));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const grownMB = Number(r.stdout) / 1e6;
    assert.ok(grownMB < 10, `heap grew ${grownMB.toFixed(1)} MB over 20 edits of a ~0.9 MB file`);
  });
});
