/**
 * The CLI's streamed report: the chunked renderers give the same bytes as stringifying the whole
 * report at once, the chunk writer never splits a character and honours backpressure and a gone
 * stdout, and a real `check | head` ends with the result's exit code and no EPIPE trace.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../server/src/cli';
import { renderJson, renderJsonChunks, renderSarif, renderSarifChunks, renderText, renderTextChunks, type Report } from '../../server/src/cli/format';
import type { CliIO } from '../../server/src/cli/io';
import { jsonIndented } from '../../server/src/cli/json-text';
import { CHUNK_BYTES, writeChunks, writeChunksToFile, type ByteSink } from '../../server/src/cli/output';
import { RULES } from '../../server/src/core/rules';
import type { Finding } from '../../server/src/core/types';

const repo = join(__dirname, '..', '..', '..');

const range = (line: number, character: number, endCharacter = character + 5) => ({ start: { line, character }, end: { line, character: endCharacter } });

function sampleReport(): Report {
  const f1: Finding[] = [
    { ruleId: 'weak-secret', path: 'a/.env', range: range(0, 0), message: 'JWT_SECRET is weak — "quoted" \\ back\u0001slash', severity: 'error', key: 'JWT_SECRET', data: { length: 8, encodings: ['hex', 'base64'], flag: true } },
    {
      ruleId: 'reused-secret',
      path: 'a/.env',
      range: range(2, 4),
      message: 'reused in 2 files 𝄞 ↳',
      severity: 'warning',
      related: [
        { path: 'b/.env', range: range(1, 0), message: 'also here' },
        { path: 'c d/ü.env', range: range(7, 3), message: 'and here\nwith a newline' },
      ],
    },
    { ruleId: 'no-such-rule', path: 'a/.env', range: range(3, 0), message: 'no key, empty related', severity: 'info', related: [] },
  ];
  const f2: Finding[] = [{ ruleId: 'parse-error', path: 'b/.env', range: range(0, 0), message: 'hint', severity: 'hint', key: '' }];
  return {
    root: '/tmp/some root/ü',
    files: [
      { path: 'a/.env', findings: f1 },
      { path: 'b/.env', findings: f2 },
      { path: 'empty/.env', findings: [] },
    ],
    checked: 3,
    skipped: [{ path: 'loop', reason: 'broken or looping symlink' }],
  };
}

/** The renderers as they were before streaming: one JSON.stringify of the whole report. */
function referenceJson(report: Report): string {
  const findings = report.files.flatMap((file) =>
    file.findings.map((f) => ({
      file: file.path,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      severity: f.severity,
      ruleId: f.ruleId,
      message: f.message,
      key: f.key,
      data: f.data,
      related: f.related?.map((r) => ({ file: r.path, line: r.range.start.line + 1, column: r.range.start.character + 1, message: r.message })),
    })),
  );
  return JSON.stringify({ version: 1, checked: report.checked, findings, skipped: report.skipped }, null, 2) + '\n';
}

function join_(chunks: Iterable<string>): string {
  let s = '';
  for (const c of chunks) s += c;
  return s;
}

describe('CLI streamed report (cli-perf)', () => {
  it('JSON chunks are byte for byte one JSON.stringify of the whole report, also when empty', () => {
    const report = sampleReport();
    assert.equal(join_(renderJsonChunks(report)), referenceJson(report));
    assert.equal(renderJson(report), referenceJson(report));
    const empty: Report = { root: '/r', files: [], checked: 0, skipped: [] };
    assert.equal(join_(renderJsonChunks(empty)), referenceJson(empty));
  });

  it('SARIF chunks parse to the same document as before and lay results out as JSON.stringify does', () => {
    const report = sampleReport();
    const text = join_(renderSarifChunks(report, RULES));
    assert.equal(text, renderSarif(report, RULES));
    const doc = JSON.parse(text);
    assert.equal(text, JSON.stringify(doc, null, 2) + '\n');
    assert.equal(doc.runs[0].results.length, 4);
    assert.equal(doc.runs[0].results[1].relatedLocations.length, 2);
    assert.equal(doc.runs[0].results[2].ruleIndex, undefined);
    assert.equal(doc.runs[0].results[2].relatedLocations, undefined);
    const none = join_(renderSarifChunks({ root: '/r', files: [], checked: 0, skipped: [] }, RULES));
    assert.equal(none, JSON.stringify(JSON.parse(none), null, 2) + '\n');
    assert.deepEqual(JSON.parse(none).runs[0].results, []);
  });

  it('text chunks end every line with a newline and count findings in the summary', () => {
    const report = sampleReport();
    const text = renderText(report, false);
    assert.equal(join_(renderTextChunks(report, false)), text);
    assert.match(text, /^a\/\.env:1:1 error weak-secret /);
    assert.match(text, /\n {4}↳ c d\/ü\.env:8:4 and here\\u000awith a newline\n/);
    assert.match(text, /\nskipped loop: broken or looping symlink\n3 files checked: 1 error, 1 warning, 1 info, 1 hint\n$/);
  });

  it('the chunk writer never splits a character, passes big pieces whole and reuses only what the sink is done with', async () => {
    const pieces: string[] = [];
    for (let i = 0; i < 5000; i++) pieces.push(`${i}: é 𝄞 ${'x'.repeat(i % 97)}\n`);
    pieces.push('𝄞'.repeat(CHUNK_BYTES)); // bigger than a chunk on its own
    pieces.push('tail\n');
    const expected = pieces.join('');
    for (const keeps of [false, true]) {
      const got: Buffer[] = [];
      const sink: ByteSink = {
        write: (bytes) => {
          // A sink that keeps the buffer must get bytes that are never overwritten later.
          got.push(keeps ? bytes : Buffer.from(bytes));
          return !keeps;
        },
      };
      assert.equal(await writeChunks(pieces, sink), true);
      assert.ok(got.length > 2);
      for (const b of got) assert.equal(Buffer.from(b.toString('utf8'), 'utf8').compare(b), 0, 'each chunk is whole UTF-8');
      assert.equal(Buffer.concat(got).toString('utf8'), expected);
    }
  });

  it('the chunk writer waits for drain and stops when the sink is gone', async () => {
    const pieces = Array.from({ length: 50_000 }, (_, i) => `line ${i}\n`);
    let writes = 0;
    let drains = 0;
    const stopped = await writeChunks(pieces, {
      write: () => {
        writes++;
        return true;
      },
      drain: async () => {
        drains++;
        return writes < 2;
      },
    });
    assert.equal(stopped, false);
    assert.equal(writes, 2);
    assert.equal(drains, 2);
  });

  it('check --output streams the same bytes as stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-cli-perf-'));
    try {
      writeFileSync(join(dir, '.env'), 'NOEQ\nA = b\nJWT_SECRET=changeme\n');
      for (const format of ['text', 'json', 'sarif']) {
        let out = '';
        const io: CliIO = { cwd: dir, stdout: (t) => (out += t), stderr: () => undefined, isTTY: false, env: {}, now: () => new Date('2026-11-22T00:00:00Z') };
        const code = await main(['check', '--format', format], io);
        let none = '';
        const io2: CliIO = { ...io, stdout: (t) => (none += t) };
        const code2 = await main(['check', '--format', format, '--output', join(dir, `report.${format}`)], io2);
        assert.equal(code2, code);
        assert.equal(none, '');
        assert.equal(readFileSync(join(dir, `report.${format}`), 'utf8'), out);
      }
      await writeChunksToFile(['a', 'é'], join(dir, 'small'));
      assert.equal(readFileSync(join(dir, 'small'), 'utf8'), 'aé');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('check | head: a reader that closes early ends the CLI with the exit code of its findings and no trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-cli-perf-'));
    try {
      // ~20,000 error findings: megabytes of text, far more than a pipe holds.
      writeFileSync(join(dir, '.env'), Array.from({ length: 20_000 }, (_, i) => `NOEQ_${i}`).join('\n') + '\n');
      const child = spawn(process.execPath, [join(repo, 'dist', 'cli.js'), 'check', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(err, '');
      assert.equal(code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('jsonIndented is JSON.stringify(value, null, 2) indented to its depth, for any JSON-like value', () => {
    const value = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withObjectString: true, withDate: true, withSet: true, withMap: true });
    fc.assert(
      fc.property(value, fc.nat(5), (v, depth) => {
        const ref = JSON.stringify(v, null, 2) as string | undefined;
        assert.equal(jsonIndented(v, depth), ref === undefined ? undefined : ref.replaceAll('\n', '\n' + '  '.repeat(depth)));
      }),
      { numRuns: 2000 },
    );
    for (const v of [-0, NaN, Infinity, 1e21, 5e-7, { toJSON: () => 'x' }, [undefined, () => 1], { a: undefined }, { 2: 'b', 1: 'a', z: [] }, '\u2028"\\', 'lone \ud800 high', 'lone \udc00 low', 'pair \ud834\udd1e', '\u007f\u0000\u001f', { '\ud800"': ['\n\t'] }]) {
      assert.equal(jsonIndented(v, 1), JSON.stringify(v, null, 2).replaceAll('\n', '\n  '));
    }
  });

  it('JSON chunks match one JSON.stringify for random findings, also when findings share related locations', () => {
    const str = fc.string({ unit: 'binary', maxLength: 12 });
    const related = fc.record({ path: str, range: fc.record({ start: fc.record({ line: fc.nat(99), character: fc.nat(99) }), end: fc.record({ line: fc.nat(99), character: fc.nat(99) }) }), message: str });
    const data = fc.option(fc.dictionary(str, fc.oneof(str, fc.integer(), fc.boolean(), fc.array(str, { maxLength: 3 }))), { nil: undefined });
    const finding = (pool: RelatedLocationT[]) =>
      fc.record(
        {
          ruleId: str,
          path: str,
          range: related.map((r) => r.range),
          message: str,
          severity: fc.constantFrom('error' as const, 'warning' as const, 'info' as const, 'hint' as const),
          key: fc.option(str, { nil: undefined }),
          data,
          related: fc.option(fc.array(fc.nat(pool.length - 1).map((i) => pool[i]), { maxLength: 4 }), { nil: undefined }),
        },
        { requiredKeys: ['ruleId', 'path', 'range', 'message', 'severity'] },
      );
    const report = fc.array(related, { minLength: 1, maxLength: 5 }).chain((pool) =>
      fc.record({
        root: str,
        files: fc.array(fc.record({ path: str, findings: fc.array(finding(pool), { maxLength: 4 }) }), { maxLength: 4 }),
        checked: fc.nat(),
        skipped: fc.array(fc.record({ path: str, reason: str }), { maxLength: 2 }),
      }),
    );
    fc.assert(
      fc.property(report, (r) => {
        assert.equal(join_(renderJsonChunks(r as Report)), referenceJson(r as Report));
        const sarif = join_(renderSarifChunks(r as Report, RULES));
        assert.equal(sarif, JSON.stringify(JSON.parse(sarif), null, 2) + '\n');
      }),
      { numRuns: 300 },
    );
  });
});

type RelatedLocationT = NonNullable<Finding['related']>[number];
