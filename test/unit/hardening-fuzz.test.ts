/**
 * Fuzzing the readers (issue 7): the dotenv parser and every config parser (`parseSource` for .env,
 * docker-compose.yml, application.yml, Kubernetes Secrets, appsettings.json, .properties) on arbitrary
 * strings, on token soups built from each format's syntax, and on arbitrary bytes decoded with
 * `decodeBytes`; the whole Analyzer on arbitrary workspaces with planted values.
 *
 * Fixed seed; FUZZ_RUNS sets the number of runs (`npm run fuzz` runs 20,000). A failure reports the
 * seed and path to replay (FUZZ_SEED / FUZZ_PATH) and the input's skeleton, never its text. A hang
 * fails at mocha's bound.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/core/analyzer';
import { keyGlob } from '../../server/src/core/config';
import { parseSource } from '../../server/src/core/parse';
import { decodeBytes, encodeText, LineIndex } from '../../server/src/core/text';
import type { ParsedSource, SourceFormat } from '../../server/src/core/types';
import { FUZZ_TIMEOUT_MS, assertProperty, skeleton } from './hardening-support';

/** One file name per reader. */
const FILES: [string, SourceFormat][] = [
  ['.env', 'dotenv'],
  ['docker-compose.yml', 'compose'],
  ['config/application.yml', 'yaml'],
  ['k8s/app-secret.yaml', 'yaml'],
  ['appsettings.json', 'json'],
  ['application.properties', 'properties'],
];

/** Pieces of every format's syntax, so that generated text reaches deep into the parsers. */
const TOKENS = [
  '=', ':', ': ', '"', "'", '`', '\\', '\\"', "\\'", '\\n', '#', ' #', '\n', '\r\n', '\r', ' ', '  ', '    ', '\t', 'export ',
  '${', '}', '$', '$$', '${A}', '${A:-', '${A-', '${A:?', '${A:+', ':-', 'JWT_SECRET', 'KEY', 'A', 'a.b', 'jwt.secret-key', '-', '- ', '[', ']',
  '{', ',', '&a ', '*a', '<<: ', '<<: *a', '|', '|-', '>', '---', '...', '!!binary ', '!!str ', '!tag ', '? ', 'kind: Secret\n', 'data:\n',
  'stringData:\n', 'environment:\n', 'services:\n  app:\n    environment:\n      ', 'env_file: ', 'apiVersion: v1\n', '\u2028', '\u2029',
  '\u0000', '\ufeff', '\\u00', '\\u', '\\uZZ', '//', '/*', '*/', '"a": ', '{"', '"}', 'postgres://u:p@h/db', 'sk_live_', 'null', 'true',
  '0x1F', '1e9', '~', '"\\u0041"', '# secret-hygiene-disable-next-line', '# secret-hygiene-disable-line weak-secret',
  '// secret-hygiene-disable-next-line', 'changeme', 'AUTH_SECRET_1', '_PREVIOUS', '_VERSION=', '_V1', 'NEXT_PUBLIC_', '!', '\\\n', '%',
  'Y2hhbmdlbWU=', 'password', 'https://', '@', '\ud800', '\udfff', '😀',
];

const soup = fc
  .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TOKENS) }, { weight: 2, arbitrary: fc.string({ maxLength: 6 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), { maxLength: 120 })
  .map((parts) => parts.join(''));

const anyText = fc.oneof({ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 400 }) }, { weight: 4, arbitrary: soup });

const fileArb = fc.constantFrom(...FILES);

// ---------------------------------------------------------------------------------------------
// Well-formed files of every format, with planted values (the Analyzer's input, and the seeds of mutations)

const KEYS = [
  'JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'JWT_SECRET_OLD', 'SESSION_SECRET', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'AUTH_SECRET_1', 'API_KEY', 'DB_PASSWORD',
  'DATABASE_URL', 'NEXT_PUBLIC_API_SECRET', 'VITE_JWT_SECRET', 'WALLET_ENCRYPTION_KEY', 'WALLET_ENCRYPTION_KEY_VERSION', 'WALLET_ENCRYPTION_KEY_V1',
  'ACCESS_TOKEN_SECRET_0', 'ACCESS_TOKEN_SECRET_1', 'STRIPE_SECRET_KEY', 'JWT_ALGORITHM', 'SALT_ROUNDS', 'PORT', 'APP_KEYS', 'jwt.secret-key',
  'spring.datasource.password', 'ConnectionStrings.Default', 'Jwt.Key',
];

/** A planted value: random, long enough to be told apart, never a key or a word of a message. */
const planted = fc.stringMatching(/^[A-Za-z0-9]{4}[0-9][A-Za-z0-9+/_-]{7,30}$/).map((v) => 'q' + v);

/** What a key may hold: a planted value, a URL around one, a weak word, a reference, a publishable key... */
const valueArb = fc.oneof(
  { weight: 4, arbitrary: planted.map((v) => ({ text: v, secret: v })) },
  { weight: 1, arbitrary: planted.map((v) => ({ text: `postgres://app:${v}@db:5432/app`, secret: v })) },
  { weight: 1, arbitrary: planted.map((v) => ({ text: `${v},${v.split('').reverse().join('')}`, secret: v })) },
  { weight: 2, arbitrary: fc.constantFrom('changeme', 'secret', '', '${OTHER}', '<your-key>', 'HS512', '10', 'true', 'pk_test_abc', 'sk_live_' + 'x'.repeat(24)).map((t) => ({ text: t, secret: undefined as string | undefined })) },
);

const pairArb = fc.record({ key: fc.constantFrom(...KEYS), value: valueArb, quote: fc.constantFrom('', '"', "'"), exported: fc.boolean(), commented: fc.boolean() });

type Pair = { key: string; value: { text: string; secret?: string }; quote: string; exported: boolean; commented: boolean };

function renderFile(format: string, pairs: Pair[], noise: string[]): string {
  switch (format) {
    case 'dotenv':
      return pairs.map((p, i) => `${p.commented ? '# ' : ''}${p.exported ? 'export ' : ''}${p.key}=${p.quote}${p.value.text}${p.quote}${noise[i] ? '\n' + noise[i] : ''}`).join('\n') + '\n';
    case 'properties':
      return pairs.map((p, i) => `${p.commented ? '# ' : ''}${p.key}=${p.value.text}${noise[i] ? '\n' + noise[i] : ''}`).join('\n') + '\n';
    case 'compose':
      return `services:\n  app:\n    environment:\n${pairs.map((p) => `      ${p.commented ? '# ' : ''}${p.key}: "${p.value.text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('\n')}\n  worker:\n    environment:\n${pairs.map((p) => `      - ${p.key}=${p.value.text}`).join('\n')}\n`;
    case 'yaml':
      return pairs.map((p) => `${p.commented ? '# ' : ''}${p.key.replace(/\./g, '_')}: ${p.quote === '' ? "'" : p.quote}${p.value.text.replace(/'/g, "''")}${p.quote === '' ? "'" : p.quote}`).join('\n') + '\n' + noise.join('\n');
    case 'k8s':
      return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n${pairs.map((p) => `  ${p.key.replace(/\./g, '_')}: ${Buffer.from(p.value.text).toString('base64')}`).join('\n')}\nstringData:\n${pairs.map((p) => `  ${p.key.replace(/\./g, '_')}_S: '${p.value.text.replace(/'/g, "''")}'`).join('\n')}\n`;
    default: {
      const obj: Record<string, unknown> = {};
      for (const p of pairs) {
        const parts = p.key.split('.');
        let o = obj;
        for (const part of parts.slice(0, -1)) o = (o[part] = typeof o[part] === 'object' && o[part] !== null ? o[part] : {}) as Record<string, unknown>;
        o[parts[parts.length - 1]] = p.value.text;
      }
      return JSON.stringify(obj, null, 2) + (noise[0] ? '\n// ' + noise[0].replace(/[\r\n]/g, ' ') : '');
    }
  }
}

const PATHS: [string, string][] = [
  ['.env', 'dotenv'], ['.env.production', 'dotenv'], ['.env.example', 'dotenv'], ['apps/web/.env.local', 'dotenv'], ['docker-compose.yml', 'compose'],
  ['src/main/resources/application.yml', 'yaml'], ['k8s/app-secret.yaml', 'k8s'], ['appsettings.json', 'json'], ['application.properties', 'properties'],
];

/** A well-formed file, then a few random edits (insert a syntax token, delete or duplicate a slice). */
const mutatedArb = fc
  .record({
    file: fc.constantFrom(...PATHS),
    pairs: fc.array(pairArb, { maxLength: 8 }),
    noise: fc.array(soup, { maxLength: 2 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom('insert', 'delete', 'duplicate'), fc.constantFrom(...TOKENS)), { maxLength: 6 }),
  })
  .map(({ file, pairs, noise, edits }) => {
    let text = renderFile(file[1], pairs, noise);
    for (const [at, len, op, token] of edits) {
      const i = text.length === 0 ? 0 : at % (text.length + 1);
      if (op === 'insert') text = text.slice(0, i) + token + text.slice(i);
      else if (op === 'delete') text = text.slice(0, i) + text.slice(i + len);
      else text = text.slice(0, i) + text.slice(i, i + len) + text.slice(i);
    }
    return { path: file[0], text };
  });

/** Any text under any file name, or a mutated well-formed file under its own name. */
const inputArb = fc.oneof(
  fc.tuple(fileArb, anyText).map(([[path], text]) => ({ path, text })),
  mutatedArb,
);

/** Offsets, lines and messages of a parsed source are sane; the parser itself did not fail. */
function assertSane(src: ParsedSource, text: string, label: string): void {
  assert.ok(!src.unreadable || !/parser failed/.test(src.unreadable), `${label}: the parser threw (${src.unreadable})`);
  assert.equal(src.text, text, `${label}: the text is kept as given`);
  const lines = new LineIndex(text);
  for (const e of src.entries) {
    const where = `${label}: entry on line ${e.line + 1}`;
    assert.ok(0 <= e.keyStart && e.keyStart <= e.keyEnd && e.keyEnd <= text.length, `${where}: key offsets out of range`);
    assert.ok(0 <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= text.length, `${where}: value offsets out of range`);
    assert.ok(e.line >= 0 && e.line < lines.lineCount, `${where}: line out of range`);
    assert.equal(typeof e.value, 'string', `${where}: value is a string`);
  }
  for (const p of src.problems) {
    assert.ok(0 <= p.start && p.start <= p.end && p.end <= text.length, `${label}: problem ${p.kind} out of range`);
    assert.ok(p.message.trim().length > 0, `${label}: problem ${p.kind} without a message`);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(p.severity), `${label}: problem ${p.kind} severity`);
  }
  for (const c of src.commented) assert.ok(0 <= c.valueStart && c.valueStart <= c.valueEnd && c.valueEnd <= text.length, `${label}: commented ${c.line + 1} out of range`);
  for (const s of src.suppressions) assert.ok(s.line >= 0 && s.commentLine >= 0, `${label}: suppression line`);
}

/**
 * What an edit relies on: a writable entry's value is the text between its offsets (dotenv double
 * quotes turn `\n`/`\r` into line breaks, dotenv reads CRLF as LF; Kubernetes `data:` is base64).
 */
function assertWritableValuesAreLiteral(src: ParsedSource, label: string): void {
  for (const e of src.entries) {
    if (e.readOnly || e.reference) continue;
    let literal = src.text.slice(e.valueStart, e.valueEnd);
    if (e.encodedAs === 'base64') literal = Buffer.from(literal.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (src.format === 'dotenv') {
      literal = literal.replace(/\r\n?/g, '\n');
      if (e.quote === 'double' || (e.quote === 'none' && literal.startsWith('"'))) literal = literal.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    }
    if (literal !== e.value) {
      assert.fail(`${label}: writable entry on line ${e.line + 1} (${src.format}, quote ${e.quote}${e.encodedAs ? ', base64' : ''}${e.interpolationDefault ? ', default' : ''}): the text at its offsets (${skeleton(literal, 40)}) is not its value (${skeleton(e.value, 40)})`);
    }
  }
}

describe('hardening: the readers never throw or hang, on any text or bytes', function () {
  this.timeout(FUZZ_TIMEOUT_MS);

  it('parseSource, every format: arbitrary strings and syntax soups give sane offsets, lines and messages', () => {
    assertProperty(
      'parseSource(text)',
      inputArb,
      ({ path, text }) => assertSane(parseSource(path, text), text, path),
      ({ path, text }) => `${path} ${skeleton(text)}`,
    );
  });

  it('every format: a writable value is exactly the text at its offsets (what rotation and quick fixes replace)', () => {
    assertProperty(
      'writable values are literal',
      inputArb,
      ({ path, text }) => assertWritableValuesAreLiteral(parseSource(path, text), path),
      ({ path, text }) => `${path} ${skeleton(text)}`,
    );
  });

  const bytesArb = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    // A BOM (UTF-8, UTF-16 LE/BE) in front of anything.
    fc.tuple(fc.constantFrom([0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], []), fc.uint8Array({ maxLength: 200 })).map(([bom, rest]) => Uint8Array.from([...bom, ...rest])),
    // Text re-encoded: UTF-8, UTF-16 LE and BE with and without a BOM, sometimes with a byte flipped.
    fc.tuple(anyText, fc.constantFrom('utf8', 'utf16le', 'utf16be'), fc.boolean(), fc.option(fc.nat(), { nil: undefined })).map(([text, enc, bom, flip]) => {
      const bytes = Uint8Array.from(encodeText(text, enc as 'utf8' | 'utf16le' | 'utf16be', bom));
      if (flip !== undefined && bytes.length > 0) bytes[flip % bytes.length] ^= 0x80;
      return bytes;
    }),
  );

  it('decodeBytes on arbitrary bytes: text or a reason, never an exception; every format reads the text', () => {
    assertProperty(
      'decodeBytes(bytes) then parseSource',
      fc.tuple(fileArb, bytesArb),
      ([[path], bytes]) => {
        const d = decodeBytes(bytes);
        if (!d.ok) {
          assert.ok(d.reason.length > 0, 'a reason');
          return;
        }
        assertSane(parseSource(path, d.text), d.text, path);
      },
      ([[path], bytes]) => `${path} ${bytes.length} bytes, starting ${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`,
    );
  });

  it('decodeBytes then encodeText gives back the very same bytes (a rewrite loses no byte it did not edit)', () => {
    assertProperty(
      'decode/encode round trip',
      bytesArb,
      (bytes) => {
        const d = decodeBytes(bytes);
        if (!d.ok) return;
        const again = encodeText(d.text, d.encoding, d.bom);
        assert.ok(Buffer.from(bytes).equals(again), `round trip changed the bytes (${d.encoding}, bom ${d.bom}, ${bytes.length} -> ${again.length} bytes)`);
      },
      (bytes) => `${bytes.length} bytes, starting ${Buffer.from(bytes.subarray(0, 4)).toString('hex')}`,
    );
  });
});

const workspaceArb = fc.uniqueArray(
  fc.record({ file: fc.constantFrom(...PATHS), pairs: fc.array(pairArb, { maxLength: 10 }), noise: fc.array(soup, { maxLength: 3 }), mode: fc.constantFrom(0o600, 0o644) }),
  { minLength: 1, maxLength: 5, selector: (f) => f.file[0] },
);

describe('hardening: the Analyzer on arbitrary workspaces', function () {
  this.timeout(FUZZ_TIMEOUT_MS);

  it('never throws, no rule fails, every finding sits inside its file, and no message, related note or data holds a value', () => {
    assertProperty(
      'Analyzer',
      fc.tuple(workspaceArb, fc.boolean(), fc.option(soup, { nil: undefined })),
      ([files, withGitignore, journal]) => {
        const a = new Analyzer({ now: () => new Date('2026-05-03T00:00:00Z') });
        if (withGitignore) a.setGitignore('', '.env\n.env.*\n!.env.example\n');
        if (journal !== undefined) a.setJournal(journal);
        const secrets = new Set<string>();
        const texts = new Map<string, string>();
        for (const f of files) {
          const text = renderFile(f.file[1], f.pairs, f.noise);
          texts.set(f.file[0], text);
          for (const p of f.pairs) if (p.value.secret) secrets.add(p.value.secret);
          a.setFile({ path: f.file[0], text, meta: { mode: f.mode, posix: true } });
        }
        // Keys may be named in messages; a planted value that happens to be written as a key is not a leak.
        const keyText = [...texts.keys()].map((p) => [...(a.source(p)?.entries ?? []).map((e) => e.key), ...(a.source(p)?.commented ?? []).map((c) => c.key)].join('\n')).join('\n');
        const needles = [...secrets].filter((s) => s.length >= 8 && !keyText.includes(s));
        for (const [path, findings] of a.allFindings()) {
          const lines = new LineIndex(texts.get(path)!);
          for (const f of findings) {
            assert.notEqual(f.ruleId, 'internal-error', `${path}: a rule failed: ${f.message}`);
            assert.ok(f.range.start.line < lines.lineCount && f.range.end.line < lines.lineCount, `${path}: ${f.ruleId} range beyond the file`);
            const said = [f.message, ...(f.related ?? []).map((r) => r.message + ' ' + r.path), JSON.stringify(f.data ?? {})].join('\n');
            for (const [i, s] of needles.entries()) {
              if (said.includes(s)) assert.fail(`${path}: ${f.ruleId} output holds planted value #${i}`);
              const b64 = Buffer.from(s).toString('base64');
              if (said.includes(b64)) assert.fail(`${path}: ${f.ruleId} output holds the base64 of planted value #${i}`);
            }
          }
        }
        // Removing every file leaves nothing behind.
        for (const path of texts.keys()) a.removeFile(path);
        assert.deepEqual(a.paths(), []);
      },
      ([files]) => files.map((f) => `${f.file[0]}: ${f.pairs.length} pairs`).join(', '),
    );
  });
});

describe('hardening: key globs from the workspace config', function () {
  this.timeout(FUZZ_TIMEOUT_MS);

  /** The glob as a regular expression: the meaning keyGlob keeps, without its backtracking. */
  function oracle(pattern: string): RegExp {
    const src = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${src}$`, 'is');
  }

  it('keyGlob matches exactly what the glob-as-regex matches (case-insensitive, * and ?)', () => {
    const piece = fc.constantFrom('*', '?', 'a', 'A', 'b', '_', '.', 'SECRET', 'jwt', '(', '[', '$', '\\');
    const patternArb = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
    const keyArb = fc.array(fc.constantFrom('a', 'A', 'b', 'B', '_', '.', 'SECRET', 'jwt', 'JWT', '(', '[', '$', '\\', '*', '?'), { maxLength: 10 }).map((k) => k.join(''));
    assertProperty(
      'keyGlob vs regex',
      fc.tuple(patternArb, keyArb),
      ([pattern, key]) => assert.equal(keyGlob(pattern).test(key), oracle(pattern).test(key), 'keyGlob and the regex disagree'),
      ([pattern, key]) => `${JSON.stringify(pattern)} on ${JSON.stringify(key)}`,
    );
  });

  it('a glob bomb against a long key answers (a bound, not a speed claim)', function () {
    this.timeout(20_000);
    assert.equal(keyGlob('*a*a*a*a*a*a*a*a*a*b').test('a'.repeat(100_000)), false);
    assert.equal(keyGlob('*a*a*a*a*a*a*a*a*a*b').test('a'.repeat(100_000) + 'b'), true);
  });
});
