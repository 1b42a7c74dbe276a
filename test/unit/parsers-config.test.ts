/**
 * Config parsers: docker compose, YAML (Spring, Kubernetes), JSON (appsettings) and .properties.
 * Every entry must say exactly where its key and value are written; malformed input must give
 * problems, never an exception. Assertion messages name keys, lengths and hashes, never values.
 */
import * as assert from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify as yamlStringify } from 'yaml';
import { parseCompose, resolveEnvFile } from '../../server/src/core/parsers/compose';
import { parseYamlConfig } from '../../server/src/core/parsers/yaml';
import { parseJsonConfig } from '../../server/src/core/parsers/json';
import { parseProperties } from '../../server/src/core/parsers/properties';
import { interpolate } from '../../server/src/core/parsers/interpolation';
import { firstTooDeepOffset, MAX_YAML_DEPTH } from '../../server/src/core/parsers/yaml-support';
import { parseSource } from '../../server/src/core/parse';
import { formatOf } from '../../server/src/core/files';
import { LineIndex } from '../../server/src/core/text';
import type { EnvEntry, ParsedSource } from '../../server/src/core/types';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'config');
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = Number(process.env.FUZZ_SEED) || 0xc0f16;
const PATH = process.env.FUZZ_PATH;
/** The deep-nesting property is heavier per run: a tenth of the runs, 20 to 200. */
const DEEP_RUNS = Math.min(200, Math.max(20, Math.round(RUNS / 10)));

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

function shape(value: string): string {
  return `${value.length} chars, sha256:${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

/** strictEqual for texts that may be secret values: a failure shows lengths and hashes only. */
function sameText(actual: string, expected: string, label: string): void {
  if (actual !== expected) assert.fail(`${label}: got ${shape(actual)}, expected ${shape(expected)}`);
}

function entries(parsed: ParsedSource, key: string): EnvEntry[] {
  return parsed.entries.filter((e) => e.key === key);
}

function only(parsed: ParsedSource, key: string): EnvEntry {
  const found = entries(parsed, key);
  assert.strictEqual(found.length, 1, `one entry ${key} expected, found ${found.length}`);
  return found[0];
}

const valueSlice = (p: ParsedSource, e: EnvEntry) => p.text.slice(e.valueStart, e.valueEnd);
const keySlice = (p: ParsedSource, e: EnvEntry) => p.text.slice(e.keyStart, e.keyEnd);

/** What every parser promises about every entry, problem and commented line. */
function assertInvariants(parsed: ParsedSource, label: string): void {
  const text = parsed.text;
  const lines = new LineIndex(text);
  for (const e of parsed.entries) {
    const where = `${label}: ${e.key} (line ${e.line + 1})`;
    assert.ok(0 <= e.keyStart && e.keyStart <= e.keyEnd && e.keyEnd <= text.length, `${where}: key offsets out of range`);
    assert.ok(0 <= e.valueStart && e.valueStart <= e.valueEnd && e.valueEnd <= text.length, `${where}: value offsets out of range`);
    assert.strictEqual(lines.positionAt(e.keyStart).line, e.line, `${where}: line is not the key's line`);
    assert.strictEqual(typeof e.value, 'string', `${where}: value is not a string`);
    const slice = text.slice(e.valueStart, e.valueEnd);
    if (e.encodedAs === 'base64') {
      if (!e.readOnly) sameText(Buffer.from(slice, 'base64').toString('utf8'), e.value, `${where}: base64 slice decodes to the value`);
    } else if (!e.readOnly) {
      sameText(slice, e.value, `${where}: a writable value is its slice`);
    }
  }
  for (const p of parsed.problems) {
    assert.ok(0 <= p.start && p.start <= p.end && p.end <= text.length, `${label}: problem ${p.kind} out of range`);
    assert.ok(p.message.length > 0 && ['error', 'warning', 'info', 'hint'].includes(p.severity), `${label}: problem ${p.kind} shape`);
    for (const e of parsed.entries) {
      if (e.value.length >= 8) assert.ok(!p.message.includes(e.value), `${label}: problem ${p.kind} message contains the value of ${e.key}`);
    }
  }
  for (const c of parsed.commented) {
    assert.ok(0 <= c.valueStart && c.valueStart < c.valueEnd && c.valueEnd <= text.length, `${label}: commented ${c.key} out of range`);
    assert.strictEqual(lines.positionAt(c.valueStart).line, c.line, `${label}: commented ${c.key} line`);
  }
}

function assertProperty<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, describeInput: (input: T) => string): void {
  const details = fc.check(
    fc.property(arb, (input) => {
      try {
        check(input);
      } catch (e) {
        if (fc.PreconditionFailure.isFailure(e)) throw e;
        throw new Error(`${e instanceof Error ? e.message : 'non-Error thrown'} [input ${describeInput(input)}]`);
      }
    }),
    { seed: SEED, numRuns: RUNS, path: PATH },
  );
  if (details.failed) {
    const err = details.errorInstance;
    assert.fail(`${name}: failed after ${details.numRuns} run(s): ${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
  }
}

/** Any UTF-16 code units, lone surrogates included (cheaper to build than fc.string's 'binary' unit). */
const utf16Text = (max: number) => fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: max }).map((cs) => String.fromCharCode(...cs));

/** The structure of a generated input without its letters and digits. */
function skeleton(text: string): string {
  const masked = text.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9');
  return JSON.stringify(masked.length > 400 ? masked.slice(0, 400) + '...' : masked).replace(/[^\x20-\x7e]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

// ---------------------------------------------------------------------------------------------

describe('config parsers: routing', () => {
  it('formatOf sends compose files to the compose parser and the rest by extension', () => {
    assert.deepStrictEqual(
      ['docker-compose.yml', 'deploy/docker-compose.override.yaml', 'compose.yaml', 'compose.prod.yml', 'config/app.yml', 'application.properties', 'appsettings.json'].map(formatOf),
      ['compose', 'compose', 'compose', 'compose', 'yaml', 'properties', 'json'],
    );
  });
});

describe('compose parser', () => {
  const text = fixture('deploy/docker-compose.yml');
  const parsed = parseCompose('deploy/docker-compose.yml', text);

  it('keeps every entry consistent with its offsets', () => assertInvariants(parsed, 'docker-compose.yml'));

  it('reads environment as a map, keyed by the variable name, with exact value offsets', () => {
    const pg = entries(parsed, 'POSTGRES_PASSWORD');
    assert.strictEqual(pg.length, 2);
    assert.strictEqual(pg[0].quote, 'double');
    assert.strictEqual(pg[0].line, 16);
    sameText(valueSlice(parsed, pg[0]), 'postgres-dev-pass', 'POSTGRES_PASSWORD (api)');
    assert.strictEqual(text.slice(pg[0].valueStart - 1, pg[0].valueStart), '"');
    assert.strictEqual(keySlice(parsed, pg[0]), 'POSTGRES_PASSWORD');
    assert.strictEqual(pg[1].quote, 'none');
    const redis = only(parsed, 'REDIS_PASSWORD');
    assert.strictEqual(redis.quote, 'single');
    sameText(valueSlice(parsed, redis), 'redis-dev-pass', 'REDIS_PASSWORD');
    const port = only(parsed, 'PORT');
    sameText(port.value, '8080', 'PORT as written');
  });

  it('reads environment as a list of KEY=value', () => {
    const rabbit = only(parsed, 'RABBITMQ_DEFAULT_PASS');
    sameText(valueSlice(parsed, rabbit), 'rabbit-dev-pass', 'RABBITMQ_DEFAULT_PASS');
    assert.strictEqual(keySlice(parsed, rabbit), 'RABBITMQ_DEFAULT_PASS');
    assert.strictEqual(rabbit.line, 31);
    const queue = only(parsed, 'QUEUE_PASSWORD');
    assert.strictEqual(queue.quote, 'double');
    sameText(valueSlice(parsed, queue), 'queue dev pass', 'QUEUE_PASSWORD');
    const empty = only(parsed, 'EMPTY_VALUE');
    sameText(empty.value, '', 'EMPTY_VALUE');
    assert.strictEqual(empty.valueStart, text.indexOf('EMPTY_VALUE=') + 'EMPTY_VALUE='.length);
  });

  it('${VAR:-default} and ${VAR-default}: the default is the value, its offsets the default text', () => {
    const [api, worker] = entries(parsed, 'JWT_SECRET');
    for (const e of [api, worker]) {
      assert.ok(e.interpolationDefault, 'JWT_SECRET is an interpolation default');
      assert.strictEqual(e.interpolationVar, 'JWT_SECRET');
      sameText(e.value, 'change-me-jwt', 'JWT_SECRET default');
      sameText(valueSlice(parsed, e), 'change-me-jwt', 'JWT_SECRET default slice');
      assert.ok(!e.reference && !e.readOnly);
    }
    assert.strictEqual(text.slice(api.valueStart - ':-'.length - 'JWT_SECRET'.length - 2, api.valueStart), '${JWT_SECRET:-');
    const prev = only(parsed, 'JWT_SECRET_PREVIOUS');
    assert.ok(prev.interpolationDefault);
    sameText(prev.value, '', 'JWT_SECRET_PREVIOUS');
    assert.strictEqual(text.slice(prev.valueStart - 1, prev.valueStart + 1), '-}');
  });

  it('${VAR} and ${VAR:?err} are references; KEY: and - KEY pass the shell value through', () => {
    for (const key of ['STRIPE_SECRET_KEY', 'SMTP_PASSWORD', 'FROM_SHELL', 'PASS_THROUGH']) {
      const e = only(parsed, key);
      assert.ok(e.reference, `${key} is a reference`);
      assert.ok(!e.interpolationDefault, `${key} has no default`);
    }
    assert.strictEqual(only(parsed, 'SMTP_PASSWORD').interpolationVar, 'SMTP_PASSWORD');
    sameText(only(parsed, 'FROM_SHELL').value, '', 'FROM_SHELL');
  });

  it('defaults inside a longer value are substituted and the entry is read-only', () => {
    const url = only(parsed, 'DATABASE_URL');
    sameText(url.value, 'postgres://app:postgres-dev-pass@db:5432/app', 'DATABASE_URL with its default');
    assert.ok(url.readOnly);
    const dollar = only(parsed, 'DOLLAR_PASS');
    sameText(dollar.value, 'pa$word', '$$ is a literal $');
    assert.ok(dollar.readOnly);
  });

  it('merges <<: *anchor into environment and reads an anchored environment once', () => {
    const session = only(parsed, 'SESSION_SECRET');
    assert.strictEqual(session.line, 3);
    assert.ok(session.interpolationDefault);
    assert.strictEqual(entries(parsed, 'LOG_LEVEL').length, 1);
  });

  it('records env_file entries (string, list, {path}) workspace-relative', () => {
    assert.deepStrictEqual(parsed.envFiles, ['deploy/.env', 'shared/.env.common', 'deploy/.env.worker']);
    const root = parseCompose('compose.ok-crlf.yaml', fixture('compose.ok-crlf.yaml'));
    assert.deepStrictEqual(root.envFiles, ['.env', 'config/app.env']);
    assert.strictEqual(resolveEnvFile('a/b', '../../.env'), '.env');
    assert.strictEqual(resolveEnvFile('.', './x/.env'), 'x/.env');
    assert.strictEqual(resolveEnvFile('a', 'C:\\env\\.env'), 'C:/env/.env');
  });

  it('commented-out assignments are masked, not entries', () => {
    assert.deepStrictEqual(parsed.commented.map((c) => [c.key, c.line]), [['OLD_JWT_SECRET', 24]]);
    assert.ok(!parsed.entries.some((e) => e.key === 'OLD_JWT_SECRET'));
  });

  it('CRLF: offsets index the original text', () => {
    const crlf = parseCompose('compose.ok-crlf.yaml', fixture('compose.ok-crlf.yaml'));
    assertInvariants(crlf, 'compose.ok-crlf.yaml');
    const app = only(crlf, 'APP_SECRET');
    assert.strictEqual(app.line, 4);
    sameText(valueSlice(crlf, app), 'crlf-default-secret', 'APP_SECRET');
    assert.strictEqual(only(crlf, 'QUOTED').line, 5);
  });

  it('malformed compose: problems with positions, entries before the error still read', () => {
    const bad = parseCompose('compose.crlf.yaml', fixture('compose.crlf.yaml'));
    assertInvariants(bad, 'compose.crlf.yaml');
    assert.ok(bad.problems.length > 0 && bad.problems.every((p) => p.kind === 'syntax-error' && p.severity === 'error'));
    const lines = new LineIndex(bad.text);
    assert.ok(bad.problems.some((p) => lines.positionAt(p.start).line === 4), 'a problem on the bad line');
    assert.deepStrictEqual(bad.entries.map((e) => e.key), ['APP_SECRET']);
  });

  it('an invalid interpolation is a problem that does not quote the value', () => {
    const t = 'services:\n  a:\n    environment:\n      BROKEN: abc${oops\n      OK: fine\n';
    const p = parseCompose('compose.yml', t);
    assert.deepStrictEqual(p.problems.map((x) => x.kind), ['invalid-interpolation']);
    sameText(t.slice(p.problems[0].start, p.problems[0].end), '${oops', 'problem range');
    assert.ok(!p.problems[0].message.includes('oops'));
    assert.ok(only(p, 'BROKEN').readOnly);
    sameText(only(p, 'OK').value, 'fine', 'OK');
  });

  it('duplicate keys and non-map roots give problems or nothing, never a throw', () => {
    const dup = parseCompose('compose.yml', 'services:\n  a:\n    environment:\n      K: one\n      K: two\n');
    assert.deepStrictEqual(dup.problems.map((p) => p.kind), ['duplicate-key']);
    for (const t of ['', '- a\n- b', 'services: 3', 'services:\n  a: [1, 2]', 'services:\n  a:\n    environment: 5', '{{{', '\t\tbad: [']) {
      assertInvariants(parseCompose('compose.yml', t), 'odd compose');
    }
  });
});

describe('YAML config parser', () => {
  const text = fixture('spring/application.yml');
  const parsed = parseYamlConfig('src/main/resources/application.yml', text);

  it('keeps every entry consistent with its offsets', () => assertInvariants(parsed, 'application.yml'));

  it('keys are dotted paths; offsets are the leaf key and the value content', () => {
    const url = only(parsed, 'spring.datasource.url');
    sameText(valueSlice(parsed, url), 'jdbc:postgresql://localhost:5432/app', 'url');
    assert.strictEqual(keySlice(parsed, url), 'url');
    assert.strictEqual(url.line, 2);
    const [jwt] = entries(parsed, 'jwt.secret-key');
    assert.strictEqual(jwt.quote, 'double');
    sameText(valueSlice(parsed, jwt), 'spring-jwt-secret-key', 'jwt.secret-key');
    assert.strictEqual(text[jwt.valueEnd], '"');
    assert.strictEqual(only(parsed, 'jwt.issuer').quote, 'single');
    sameText(only(parsed, 'jwt.expiration').value, '86400000', 'numbers as written');
  });

  it('Spring placeholders: ${VAR:default} is its default, ${VAR} a reference', () => {
    const pw = only(parsed, 'spring.datasource.password');
    assert.ok(pw.interpolationDefault);
    assert.strictEqual(pw.interpolationVar, 'DB_PASSWORD');
    sameText(valueSlice(parsed, pw), 'spring-db-dev-pass', 'password default');
    const ref = only(parsed, 'jwt.env-ref');
    assert.ok(ref.reference);
  });

  it('block scalars and escaped strings are read-only with the decoded value', () => {
    const pem = only(parsed, 'jwt.pem');
    assert.ok(pem.readOnly);
    assert.ok(pem.value.startsWith('-----BEGIN PRIVATE KEY-----\n'));
    assert.strictEqual(new LineIndex(text).positionAt(pem.valueStart).line, 11, 'content starts after the | line');
    const esc = only(parsed, 'jwt.escaped');
    assert.ok(esc.readOnly);
    sameText(esc.value, 'tab\tinside', 'escape decoded');
  });

  it('sequence items are list.N; empty values are entries with an empty value', () => {
    assert.deepStrictEqual(parsed.entries.filter((e) => e.key.startsWith('servers.')).map((e) => [e.key, e.line, keySlice(parsed, e)]), [
      ['servers.0', 16, '-'],
      ['servers.1', 17, '-'],
    ]);
    const admin = only(parsed, 'admin.password');
    sameText(admin.value, '', 'admin.password');
    assert.ok(!admin.readOnly);
  });

  it('multi-document YAML: every document is read', () => {
    const keys = entries(parsed, 'jwt.secret-key');
    assert.strictEqual(keys.length, 2);
    assert.strictEqual(keys[1].line, 27);
    assert.ok(keys[1].reference);
    assert.ok(parsed.entries.some((e) => e.key === 'spring.config.activate.on-profile'));
  });

  it('commented-out assignments, not prose comments', () => {
    assert.deepStrictEqual(parsed.commented.map((c) => c.key), ['jwt.old-secret']);
  });

  it('CRLF YAML keeps exact offsets', () => {
    const t = 'a:\r\n  secret: "crlf-yaml-secret"\r\n  list:\r\n    - item\r\n';
    const p = parseYamlConfig('config/app.yml', t);
    assertInvariants(p, 'crlf yaml');
    assert.strictEqual(only(p, 'a.secret').valueStart, t.indexOf('crlf-yaml-secret'));
    assert.strictEqual(only(p, 'a.list.0').line, 3);
  });
});

describe('YAML: Kubernetes manifests', () => {
  const text = fixture('k8s/app-secret.yaml');
  const parsed = parseYamlConfig('k8s/app-secret.yaml', text);

  it('keeps every entry consistent with its offsets', () => assertInvariants(parsed, 'app-secret.yaml'));

  it('data: values are decoded base64, offsets on the encoded text', () => {
    const jwt = only(parsed, 'JWT_SECRET');
    assert.strictEqual(jwt.encodedAs, 'base64');
    sameText(jwt.value, 'k8s-jwt-secret-value', 'decoded');
    sameText(valueSlice(parsed, jwt), 'azhzLWp3dC1zZWNyZXQtdmFsdWU=', 'encoded slice');
    assert.strictEqual(jwt.line, 6);
    const quoted = only(parsed, 'QUOTED');
    assert.strictEqual(quoted.quote, 'double');
    sameText(quoted.value, 'quoted-value', 'decoded quoted');
  });

  it('stringData: plain; metadata is not an entry of a Secret', () => {
    const db = only(parsed, 'DB_PASSWORD');
    assert.ok(!db.encodedAs);
    sameText(valueSlice(parsed, db), 'k8s-plain-db-pass', 'stringData');
    assert.ok(!parsed.entries.some((e) => e.key === 'metadata.name' && e.line === 3));
  });

  it('bad base64, a trailing newline from echo, and templates', () => {
    const lines = new LineIndex(text);
    assert.deepStrictEqual(parsed.problems.map((p) => [p.kind, lines.positionAt(p.start).line]).sort(), [
      ['base64-trailing-newline', 7],
      ['invalid-base64', 9],
    ]);
    assert.ok(!parsed.entries.some((e) => e.key === 'BROKEN'));
    assert.ok(only(parsed, 'TEMPLATED').reference);
    assert.ok(only(parsed, 'ECHOED').value.endsWith('\n'));
  });

  it('other documents: dotted paths, and container env lists keyed by name', () => {
    const token = only(parsed, 'API_TOKEN');
    sameText(valueSlice(parsed, token), 'inline-api-token', 'env value');
    assert.strictEqual(keySlice(parsed, token), 'API_TOKEN');
    assert.ok(!parsed.entries.some((e) => e.key === 'FROM_SECRET'));
    assert.ok(parsed.entries.some((e) => e.key === 'spec.template.spec.containers.0.name'));
  });
});

describe('YAML: hostile input', () => {
  it('a billion-laughs document costs its own size: aliases are references, never expanded', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const p = parseYamlConfig('config/bomb.yml', lines.join('\n'));
    assertInvariants(p, 'bomb');
    assert.ok(p.entries.length <= 9 + 9 * 9, `entries stay proportional to the text (${p.entries.length})`);
    assert.ok(p.entries.filter((e) => e.reference).length === 81);
  });

  it('deep nesting is refused with a problem before the yaml package recurses', () => {
    const inputs = [
      '['.repeat(5000) + ']'.repeat(5000),
      '- '.repeat(5000) + 'x',
      Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n'),
      'a: ' + '{b: '.repeat(3000) + '1' + '}'.repeat(3000),
    ];
    for (const t of inputs) {
      for (const parse of [parseYamlConfig, parseCompose]) {
        const p = parse('config/deep.yml', t);
        assert.deepStrictEqual(p.problems.map((x) => x.kind), ['nesting-too-deep']);
        assert.deepStrictEqual(p.entries, []);
      }
    }
  });

  it('the nesting estimate lets real files through and ignores brackets in text', () => {
    const ok = [
      fixture('spring/application.yml'),
      fixture('deploy/docker-compose.yml'),
      'a: "' + '['.repeat(500) + '"\nb: |\n' + Array.from({ length: 300 }, (_, i) => ' '.repeat(i + 2) + 'x').join('\n') + '\n',
      "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\na: 'x [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['\n",
    ];
    for (const t of ok) assert.strictEqual(firstTooDeepOffset(t, MAX_YAML_DEPTH), -1);
    assert.notStrictEqual(firstTooDeepOffset('['.repeat(MAX_YAML_DEPTH + 1), MAX_YAML_DEPTH), -1);
    // A quote inside a plain scalar opens nothing: the brackets after it still count.
    const sneaky = 'a: b\n  "c\nd: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n';
    const at = firstTooDeepOffset(sneaky, MAX_YAML_DEPTH);
    assert.ok(at > sneaky.indexOf('[') && at <= sneaky.indexOf('[') + MAX_YAML_DEPTH, 'found inside the brackets');
    const sneakyBlock = "a: it's\n" + Array.from({ length: 1500 }, (_, i) => ' '.repeat(i) + 'k:').join('\n');
    assert.deepStrictEqual(parseYamlConfig('config/x.yml', sneakyBlock).problems.map((p) => p.kind), ['nesting-too-deep']);
  });

  it(`generated deep nesting never reaches the yaml package's own stack limit (${DEEP_RUNS} runs)`, () => {
    // Valid deep documents: block levels (maps, sequences, keys with brackets and quotes in them,
    // comments full of brackets), then flow levels down to a scalar.
    const blockLevel = fc.constantFrom('k:', '-', '"k[{":', "it's:", 'k: # [[[[{{', "'[':");
    const flowLevel = fc.constantFrom('[', '{k: ', '["]", ', "{'[': ");
    const deep = fc.tuple(fc.array(blockLevel, { maxLength: 700, size: 'max' }), fc.array(flowLevel, { maxLength: 700, size: 'max' })).map(([blocks, flows]) => {
      let text = '';
      blocks.forEach((b, i) => {
        text += (i === 0 ? '' : '\n') + ' '.repeat(i * 2) + b;
      });
      const opened = flows.map((f) => (f.includes('[') && !f.startsWith('{') ? ']' : '}'));
      return text + (blocks.length > 0 ? ' ' : '') + flows.join('') + 'x' + opened.reverse().join('');
    });
    const details = fc.check(
      fc.property(deep, (text) => {
        for (const parse of [parseYamlConfig, parseCompose]) {
          const p = parse('config/deep.yml', text);
          if (p.problems.some((x) => x.message.includes('RESOURCE_EXHAUSTION'))) throw new Error(`the yaml package ran out of stack (${text.length} chars)`);
        }
      }),
      { seed: SEED, numRuns: DEEP_RUNS, path: PATH },
    );
    if (details.failed) assert.fail(`${details.errorInstance instanceof Error ? details.errorInstance.message : 'failed'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
  });

  it('error messages do not quote the text', () => {
    const p = parseYamlConfig('config/x.yml', 'k: "bad \\q escape-text-here"\nj: |x extra-header-text\n  body\n');
    assert.ok(p.problems.length >= 2);
    for (const x of p.problems) assert.ok(!/escape-text-here|extra-header-text|\\q/.test(x.message), `message of ${x.kind} quotes the text`);
  });
});

describe('JSON config parser', () => {
  const text = fixture('appsettings.Development.json');
  const parsed = parseJsonConfig('appsettings.Development.json', text);

  it('keeps every entry consistent with its offsets', () => assertInvariants(parsed, 'appsettings.json'));

  it('dotted keys, values inside the quotes, comments allowed', () => {
    assert.deepStrictEqual(parsed.problems, []);
    const conn = only(parsed, 'ConnectionStrings.Default');
    assert.strictEqual(conn.quote, 'double');
    assert.strictEqual(keySlice(parsed, conn), 'Default');
    assert.strictEqual(conn.line, 3);
    assert.strictEqual(text[conn.valueStart - 1], '"');
    const key = only(parsed, 'Jwt.Key');
    sameText(valueSlice(parsed, key), 'json-jwt-signing-key', 'Jwt.Key');
    assert.ok(!key.readOnly);
  });

  it('escaped strings are unescaped and read-only; non-strings are read-only', () => {
    const esc = only(parsed, 'Jwt.Escaped');
    sameText(esc.value, 'line\nbreak', 'unescaped');
    assert.ok(esc.readOnly);
    for (const k of ['Jwt.ExpiresMinutes', 'Jwt.Enabled', 'Jwt.Nothing']) assert.ok(only(parsed, k).readOnly, `${k} read-only`);
    sameText(only(parsed, 'Jwt.ExpiresMinutes').value, '60', 'Jwt.ExpiresMinutes');
    sameText(only(parsed, 'Jwt.Nothing').value, '', 'Jwt.Nothing');
    assert.deepStrictEqual(parsed.entries.filter((e) => e.key.startsWith('Jwt.Audiences.')).map((e) => e.key), ['Jwt.Audiences.0', 'Jwt.Audiences.1']);
  });

  it('commented-out JSONC properties are masked', () => {
    assert.deepStrictEqual(parsed.commented.map((c) => [c.key, c.line]), [['OldKey', 13]]);
    sameText(text.slice(parsed.commented[0].valueStart, parsed.commented[0].valueEnd), 'retired-json-value', 'commented value');
  });

  it('CRLF JSON', () => {
    const p = parseJsonConfig('appsettings.crlf.json', fixture('appsettings.crlf.json'));
    assertInvariants(p, 'crlf json');
    assert.deepStrictEqual(p.entries.map((e) => [e.key, e.line]), [['Secret', 1], ['Nested.Key', 2]]);
  });

  it('malformed JSON: problems with offsets, what parses is still read', () => {
    const t = '{\n  "a": "one",\n  "b": ,\n  "c": "unterminated\n}';
    const p = parseJsonConfig('config/bad.json', t);
    assertInvariants(p, 'bad json');
    assert.ok(p.problems.length > 0 && p.problems.every((x) => x.kind === 'syntax-error'));
    assert.strictEqual(new LineIndex(t).positionAt(p.problems[0].start).line, 2);
    assert.ok(p.entries.some((e) => e.key === 'a'));
    for (const odd of ['', '   ', '[]', '"just a string"', '{', '}', '{"a":', '\uFEFF{"a": "b"}', '{"a": {"b": [1, {"c": null}]}}']) {
      assertInvariants(parseJsonConfig('config/odd.json', odd), 'odd json');
    }
  });

  it('10,000 levels of nesting: a problem, no stack overflow, the rest still read', () => {
    const n = 10_000;
    const t = '{"top": "t", "deep": ' + '['.repeat(n) + '"x"' + ']'.repeat(n) + ', "obj": ' + '{"k": '.repeat(n) + '1' + '}'.repeat(n) + ', "after": "y"}';
    const p = parseJsonConfig('config/deep.json', t);
    assertInvariants(p, 'deep json');
    assert.deepStrictEqual(p.problems.map((x) => x.kind), ['nesting-too-deep']);
    assert.deepStrictEqual(p.entries.map((e) => e.key), ['top', 'after']);
    const unclosed = parseJsonConfig('config/deep.json', '['.repeat(n));
    assert.ok(unclosed.problems.some((x) => x.kind === 'nesting-too-deep'));
  });
});

describe('.properties parser', () => {
  const text = fixture('spring/application.properties');
  const parsed = parseProperties('src/main/resources/application.properties', text);

  it('keeps every entry consistent with its offsets', () => assertInvariants(parsed, 'application.properties'));

  it('key=value, key: value and key value', () => {
    const pw = only(parsed, 'spring.datasource.password');
    sameText(valueSlice(parsed, pw), 'props-db-pass', '=');
    assert.strictEqual(keySlice(parsed, pw), 'spring.datasource.password');
    assert.strictEqual(pw.line, 2);
    sameText(only(parsed, 'jwt.secret').value, 'props-colon-secret', ':');
    sameText(only(parsed, 'jwt.issuer').value, 'space separated', 'whitespace');
    const spaced = only(parsed, 'app.key with space');
    sameText(spaced.value, 'spaced key', 'escaped spaces in the key');
    assert.strictEqual(keySlice(parsed, spaced), 'app.key\\ with\\ space');
  });

  it('continuations and unicode escapes are decoded and read-only', () => {
    const multi = only(parsed, 'app.multi');
    sameText(multi.value, 'first second', 'continued');
    assert.ok(multi.readOnly);
    assert.strictEqual(valueSlice(parsed, multi).split('\n').length, 2);
    const uni = only(parsed, 'app.unicode');
    sameText(uni.value, 'café', '\\u00e9');
    assert.ok(uni.readOnly);
  });

  it('Spring placeholder defaults, trailing whitespace kept and flagged, empty values', () => {
    const ph = only(parsed, 'app.placeholder');
    assert.ok(ph.interpolationDefault);
    assert.strictEqual(ph.interpolationVar, 'APP_SECRET');
    sameText(valueSlice(parsed, ph), 'props-default-secret', 'default');
    sameText(only(parsed, 'app.trailing').value, 'value   ', 'trailing whitespace kept');
    const tw = parsed.problems.find((p) => p.kind === 'trailing-whitespace')!;
    assert.strictEqual(text.slice(tw.start, tw.end), '   ');
    sameText(only(parsed, 'app.empty').value, '', 'app.empty');
    assert.deepStrictEqual(parsed.problems.map((p) => p.kind), ['trailing-whitespace']);
  });

  it('# and ! comments; commented assignments are masked', () => {
    assert.ok(!parsed.entries.some((e) => e.key.startsWith('#') || e.key.startsWith('!')));
    assert.deepStrictEqual(parsed.commented.map((c) => [c.key, c.line]), [['jwt.old-secret', 12]]);
  });

  it('CRLF properties with a continuation', () => {
    const t = fixture('spring/application-crlf.properties');
    const p = parseProperties('application-crlf.properties', t);
    assertInvariants(p, 'crlf properties');
    assert.deepStrictEqual(p.entries.map((e) => [e.key, e.line]), [['a.secret', 0], ['b.multi', 1], ['c.last', 3]]);
    sameText(only(p, 'b.multi').value, 'one two', 'continued over CRLF');
    assert.strictEqual(only(p, 'c.last').valueEnd, t.length);
  });

  it('malformed escapes, empty keys and duplicates are problems', () => {
    const t = 'bad=\\u12zz\n=novalue\ndup=1\ndup=2\nlast=ends with backslash\\';
    const p = parseProperties('x.properties', t);
    assertInvariants(p, 'bad properties');
    assert.deepStrictEqual(p.problems.map((x) => x.kind).sort(), ['duplicate-key', 'empty-key', 'invalid-escape']);
    assert.strictEqual(t.slice(p.problems.find((x) => x.kind === 'invalid-escape')!.start, p.problems.find((x) => x.kind === 'invalid-escape')!.end), '\\u12zz');
    assert.strictEqual(entries(p, 'dup').length, 2);
  });
});

describe('interpolation', () => {
  it('compose forms', () => {
    assert.deepStrictEqual(interpolate('plain', 'compose'), { kind: 'literal' });
    assert.deepStrictEqual(interpolate('${A}', 'compose'), { kind: 'reference', variable: 'A' });
    assert.deepStrictEqual(interpolate('$A_1', 'compose'), { kind: 'reference', variable: 'A_1' });
    assert.deepStrictEqual(interpolate('${A:?must be set}', 'compose'), { kind: 'reference', variable: 'A' });
    assert.deepStrictEqual(interpolate('${A:+alt}', 'compose'), { kind: 'reference', variable: 'A' });
    assert.deepStrictEqual(interpolate('${A:-dflt}', 'compose'), { kind: 'default', variable: 'A', value: 'dflt', start: 5, end: 9, literal: true });
    assert.deepStrictEqual(interpolate('${A-dflt}', 'compose'), { kind: 'default', variable: 'A', value: 'dflt', start: 4, end: 8, literal: true });
    assert.deepStrictEqual(interpolate('${A:-${B:-in}}', 'compose'), { kind: 'default', variable: 'A', value: 'in', start: 10, end: 12, literal: true });
    assert.deepStrictEqual(interpolate('${A:-${B}}', 'compose'), { kind: 'reference', variable: 'A' });
    assert.deepStrictEqual(interpolate('${A:-x$$y}', 'compose'), { kind: 'default', variable: 'A', value: 'x$y', start: 5, end: 9, literal: false });
    assert.deepStrictEqual(interpolate('u:${P:-pw}@h/${DB}', 'compose'), { kind: 'mixed', value: 'u:pw@h/${DB}' });
    assert.deepStrictEqual(interpolate('x${A}y', 'compose'), { kind: 'literal' });
    assert.strictEqual(interpolate('${', 'compose').kind, 'invalid');
    assert.strictEqual(interpolate('${1A}', 'compose').kind, 'invalid');
    assert.strictEqual(interpolate('${A!x}', 'compose').kind, 'invalid');
    assert.strictEqual(interpolate('x${A:-open', 'compose').kind, 'invalid');
  });

  it('Spring forms', () => {
    assert.deepStrictEqual(interpolate('${jwt.secret}', 'spring'), { kind: 'reference', variable: 'jwt.secret' });
    assert.deepStrictEqual(interpolate('${DB_URL:jdbc:pg://h/db}', 'spring'), { kind: 'default', variable: 'DB_URL', value: 'jdbc:pg://h/db', start: 9, end: 23, literal: true });
    assert.deepStrictEqual(interpolate('${A:${B:x}}', 'spring'), { kind: 'default', variable: 'A', value: 'x', start: 8, end: 9, literal: true });
    assert.deepStrictEqual(interpolate('$notaref', 'spring'), { kind: 'literal' });
  });

  it('never throws on arbitrary strings', () => {
    assertProperty(
      'interpolate',
      fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '-', '?', '+', 'A', '_', '1', ' '), maxLength: 40 }),
      (s) => {
        for (const syntax of ['compose', 'spring'] as const) {
          const r = interpolate(s, syntax);
          if (r.kind === 'default' && r.literal) sameText(s.slice(r.start, r.end), r.value, 'literal default is its slice');
          if (r.kind === 'invalid') assert.ok(0 <= r.start && r.start <= r.end && r.end <= s.length, 'invalid range');
        }
      },
      skeleton,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Generated inputs
// ---------------------------------------------------------------------------------------------

const PARSERS: [string, (path: string, text: string) => ParsedSource][] = [
  ['compose', parseCompose],
  ['yaml', parseYamlConfig],
  ['json', parseJsonConfig],
  ['properties', parseProperties],
];

/** Flattens a JS value the way the parsers key entries: dotted paths, scalars as text; a null key is no entry. */
function flatten(value: unknown, path: string[] = [], out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, [...path, String(i)], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '') flatten(v, [...path, k], out);
  }
  else if (path.length > 0) out.set(path.join('.'), value === null ? '' : String(value));
  return out;
}

function assertSameFlat(parsed: ParsedSource, expected: Map<string, string>, label: string): void {
  const got = new Map(parsed.entries.map((e) => [e.key, e.value]));
  const diffs: string[] = [];
  for (const key of new Set([...got.keys(), ...expected.keys()])) {
    const a = got.get(key);
    const b = expected.get(key);
    if (a !== b) diffs.push(`${key}: parsed ${a === undefined ? 'absent' : shape(a)}, expected ${b === undefined ? 'absent' : shape(b)}`);
  }
  if (diffs.length > 0) assert.fail(`${label}: ${diffs.slice(0, 5).join('; ')}`);
}

const keyName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const leafString = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '#', ':', '-', '"', "'", '\\', '\n', '\t', 'é', '{', '[', '&', '*', '!', '%', '@', '`', '\u2028'), maxLength: 16 });
const leaf = fc.oneof({ weight: 6, arbitrary: leafString }, { weight: 1, arbitrary: fc.integer() }, { weight: 1, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant(null) });
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', maxDepth: 4, withCrossShrink: true }, leaf, tie('obj'), tie('arr')),
  obj: fc.dictionary(keyName, tie('node'), { maxKeys: 4 }),
  arr: fc.array(tie('node'), { maxLength: 3 }),
})).obj;

describe('config parsers: generated inputs (fast-check)', function () {
  // FUZZ_RUNS=20000 (npm run fuzz) takes longer than mocha's default timeout.
  this.timeout(Math.max(30_000, RUNS * 20));
  it(`JSON: values of generated documents equal JSON.parse's (${RUNS} runs)`, () => {
    assertProperty(
      'json differential',
      fc.tuple(tree, fc.constantFrom(0, 2, '\t'), fc.boolean()),
      ([obj, indent, crlf]) => {
        let text = JSON.stringify(obj, null, indent);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const parsed = parseJsonConfig('config/gen.json', text);
        assertInvariants(parsed, 'generated json');
        assert.deepStrictEqual(parsed.problems, []);
        assertSameFlat(parsed, flatten(JSON.parse(text)), 'generated json');
      },
      (t) => skeleton(JSON.stringify(t[0])),
    );
  });

  it(`YAML: values of generated documents equal the yaml package's (${RUNS} runs)`, () => {
    assertProperty(
      'yaml differential',
      fc.tuple(tree, fc.boolean()),
      ([obj, flow]) => {
        const text = yamlStringify(obj, { collectionStyle: flow ? 'flow' : 'any' });
        // The reference is what the yaml package reads back (its writer does not always round-trip:
        // `" \n"` comes back as `"\n"`), skipping the rare output it cannot read at all.
        const docs = parseAllDocuments(text);
        fc.pre(docs.length === 1 && docs[0].errors.length === 0);
        const parsed = parseYamlConfig('config/gen.yml', text);
        assertInvariants(parsed, 'generated yaml');
        assert.deepStrictEqual(parsed.problems.map((p) => p.kind), []);
        const expected = flatten(docs[0].toJS({ maxAliasCount: 100 }));
        assertSameFlat(parsed, expected, 'generated yaml');
      },
      (t) => skeleton(JSON.stringify(t[0])),
    );
  });

  const yamlishLine = fc
    .tuple(
      fc.constantFrom('', '  ', '    ', '- ', '  - ', '\t'),
      fc.oneof(keyName, fc.constantFrom('<<', '"q k"', "'s'", '? x', '&a k', '*a', 'environment', 'services', 'env_file', 'data', 'kind')),
      fc.constantFrom(': ', ':', '=', ' ', ': |', ': >-', ': &a ', ': *a', ': !!binary ', ': [', ': {'),
      fc.oneof(leafString, fc.constantFrom('${A:-d}', '${A}', '${', '$$', 'Secret', 'c2VjcmV0', '[a, b]', '{k: v}', '"unterminated', "'x''y'", '# c', '---', '...')),
    )
    .map((parts) => parts.join(''));
  const yamlishText = fc.tuple(fc.array(yamlishLine, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r')).map(([ls, eol]) => ls.join(eol));

  for (const [name, parse] of PARSERS) {
    it(`${name}: never throws, offsets stay consistent on YAML-ish and arbitrary text (${RUNS} runs)`, () => {
      assertProperty(
        `${name} arbitrary`,
        fc.oneof(yamlishText, fc.string({ maxLength: 200 }), utf16Text(120), tree.map((t) => JSON.stringify(t, null, 1))),
        (text) => {
          const parsed = parse(`config/gen.${name}`, text);
          assert.strictEqual(parsed.text, text);
          assertInvariants(parsed, name);
        },
        skeleton,
      );
    });
  }

  it(`compose: generated environments classify values as written (${RUNS} runs)`, () => {
    const value = fc.oneof(
      fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,9}$/).map((v) => ({ text: v, kind: 'literal', value: v })),
      fc.stringMatching(/^[A-Z_]{1,6}$/).map((v) => ({ text: '${' + v + '}', kind: 'reference', value: '${' + v + '}' })),
      fc.tuple(fc.stringMatching(/^[A-Z_]{1,6}$/), fc.constantFrom(':-', '-'), fc.stringMatching(/^[a-z0-9-]{0,10}$/)).map(([v, op, d]) => ({ text: '${' + v + op + d + '}', kind: 'default', value: d })),
    );
    const env = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), value, fc.boolean()), { selector: (t) => t[0], maxLength: 6 });
    assertProperty(
      'compose generated',
      fc.tuple(env, fc.boolean()),
      ([vars, asList]) => {
        const body = vars.map(([k, v, quoted]) => (asList ? `      - ${quoted ? `"${k}=${v.text}"` : `${k}=${v.text}`}` : `      ${k}: ${quoted ? `"${v.text}"` : v.text}`));
        const text = ['services:', '  app:', '    environment:' + (vars.length === 0 ? ' {}' : ''), ...body, ''].join('\n');
        const parsed = parseCompose('compose.yml', text);
        assertInvariants(parsed, 'generated compose');
        assert.deepStrictEqual(parsed.problems, []);
        assert.deepStrictEqual(parsed.entries.map((e) => e.key), vars.map(([k]) => k));
        parsed.entries.forEach((e, i) => {
          const v = vars[i][1];
          sameText(e.value, v.value, `${e.key} value`);
          assert.strictEqual(!!e.reference, v.kind === 'reference', `${e.key} reference`);
          assert.strictEqual(!!e.interpolationDefault, v.kind === 'default', `${e.key} default`);
          assert.strictEqual(keySlice(parsed, e), e.key);
        });
      },
      (t) => `${t[0].length} vars, list: ${t[1]}`,
    );
  });

  it('parseSource routes every config format without throwing', () => {
    const samples: [string, string][] = [
      ['docker-compose.yml', fixture('deploy/docker-compose.yml')],
      ['config/app.yml', fixture('spring/application.yml')],
      ['appsettings.json', fixture('appsettings.Development.json')],
      ['application.properties', fixture('spring/application.properties')],
    ];
    for (const [path, text] of samples) {
      const p = parseSource(path, text);
      assert.ok(!p.unreadable && p.entries.length > 0, `${path} read`);
      assert.strictEqual(p.format, formatOf(path));
    }
  });
});
