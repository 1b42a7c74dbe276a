/**
 * Rotation planning (issue 4): the seeds' procedures as named tests, refusals, and fast-check
 * properties over generated .env files and every scheme: rotate (then complete) changes only the
 * family's lines, the old value lands in its slot, the new one is fresh and keeps the old shape.
 *
 * Assertion messages name keys, lengths and encodings, never values; a failing generated case
 * reports its seed and path (FUZZ_SEED / FUZZ_PATH replay it) and the file's skeleton.
 */
import * as assert from 'node:assert';
import * as dotenv from 'dotenv';
import fc from 'fast-check';
import { parseDotenv } from '../../server/src/core/parsers/dotenv';
import { parseSource } from '../../server/src/core/parse';
import { parseJournal } from '../../server/src/core/journal-index';
import { analyzeFiles } from '../../server/src/core/analyzer';
import { resolveConfig } from '../../server/src/core/config';
import { encodeSecret, shapeOf, type SecretEncoding } from '../../server/src/core/generate';
import { defaultSlotScheme, planCompletion, planRotation, type CompletionPlan, type PlanRotationInput, type RotationPlan } from '../../server/src/core/rotation';
import type { SlotScheme } from '../../server/src/core/config';
import { applyEdits, LineIndex } from '../../server/src/core/text';
import type { TextEdit } from '../../server/src/core/types';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 150);
const SEED = Number(process.env.FUZZ_SEED) || 0x07a7e;
const PATH = process.env.FUZZ_PATH;

const fp = (v: string) => 'fp:' + v.length; // tests only: a fingerprint that reveals nothing but a length

function env(text: string) {
  return parseDotenv('.env', text);
}

function rotate(text: string, key: string, extra: Partial<PlanRotationInput> = {}): RotationPlan {
  const plan = planRotation({ source: env(text), key, fingerprint: fp, ...extra });
  if (!plan.ok) assert.fail(`expected a plan for ${key}, got a refusal: ${plan.reason}`);
  return plan;
}

function refusal(text: string, key: string, extra: Partial<PlanRotationInput> = {}) {
  const plan = planRotation({ source: env(text), key, fingerprint: fp, ...extra });
  if (plan.ok) assert.fail(`expected ${key} to be refused`);
  return plan;
}

function values(text: string): Record<string, string> {
  return { ...dotenv.parse(text) };
}

/** Value equality without printing either value on failure. */
function same(a: string | undefined, b: string | undefined, what: string): void {
  assert.ok(a === b, `${what}: ${a === undefined ? 'absent' : a.length + ' chars'} vs ${b === undefined ? 'absent' : b.length + ' chars'}`);
}

function hex(bytes: number, seed = 1): string {
  return Buffer.from(Uint8Array.from({ length: bytes }, (_, i) => (i * 131 + seed * 17 + 7) & 255)).toString('hex');
}

function b64(bytes: number, seed = 1, enc: SecretEncoding = 'base64'): string {
  return encodeSecret(Uint8Array.from({ length: bytes }, (_, i) => (i * 197 + seed * 29 + 11) & 255), enc);
}

// ---------------------------------------------------------------------------------------------

describe('rotation: the seeds as procedures', () => {
  it('seed 000 JWT: JWT_SECRET_PREVIOUS := JWT_SECRET, then a new JWT_SECRET; completion empties the previous slot', () => {
    const old = b64(32, 1);
    const text = `# auth\nJWT_SECRET=${old}\nJWT_SECRET_PREVIOUS=\nPORT=3000\n`;
    const plan = rotate(text, 'JWT_SECRET');
    assert.strictEqual(plan.scheme, 'previous');
    const after = applyEdits(text, plan.edits);
    const v = values(after);
    same(v.JWT_SECRET_PREVIOUS, old, 'JWT_SECRET_PREVIOUS holds the old value');
    assert.ok(v.JWT_SECRET !== old, 'JWT_SECRET is new');
    assert.strictEqual(shapeOf(v.JWT_SECRET).encoding, 'base64');
    assert.strictEqual(v.JWT_SECRET.length, old.length, 'same length');
    assert.ok(after.startsWith('# auth\n') && after.endsWith('\nPORT=3000\n'), 'the rest is untouched');

    const done = planCompletion({ source: env(after), key: 'JWT_SECRET', fingerprint: fp });
    assert.ok(done.ok);
    const completed = applyEdits(after, (done as CompletionPlan).edits);
    same(values(completed).JWT_SECRET_PREVIOUS, '', 'previous slot emptied');
    same(values(completed).JWT_SECRET, v.JWT_SECRET, 'current kept');
    assert.match(completed, /^JWT_SECRET_PREVIOUS=$/m, 'the slot line stays');
  });

  it('seed 000 JWT: a project without the slot gets JWT_SECRET_PREVIOUS inserted right after JWT_SECRET', () => {
    const old = b64(32, 2);
    const text = `JWT_SECRET=${old}\nJWT_EXPIRES_IN=15m\n`;
    const plan = rotate(text, 'JWT_SECRET', { createSlot: 'previous' });
    const after = applyEdits(text, plan.edits);
    const lines = after.split('\n');
    assert.ok(lines[1].startsWith('JWT_SECRET_PREVIOUS='), 'inserted on the next line');
    same(values(after).JWT_SECRET_PREVIOUS, old, 'old value in the new slot');
    assert.deepStrictEqual(plan.insertedKeys, ['JWT_SECRET_PREVIOUS']);
    assert.strictEqual(lines[2], 'JWT_EXPIRES_IN=15m');
  });

  it("seed 000 JWT: removal on completion when asked (the seed's \"remove JWT_SECRET_PREVIOUS\")", () => {
    const text = `JWT_SECRET=${b64(32, 3)}\nJWT_SECRET_PREVIOUS=${b64(32, 4)}\nNEXT=1\n`;
    const done = planCompletion({ source: env(text), key: 'JWT_SECRET', fingerprint: fp, removeSlots: true });
    assert.ok(done.ok);
    const after = applyEdits(text, (done as CompletionPlan).edits);
    assert.ok(!/JWT_SECRET_PREVIOUS/.test(after), 'line removed');
    assert.ok(after.endsWith('\nNEXT=1\n'));
  });

  it('seed 000 wallet key: WALLET_ENCRYPTION_KEY_V1 := key, new 32-byte hex key, WALLET_ENCRYPTION_KEY_VERSION=2', () => {
    const old = hex(32, 5);
    const text = `WALLET_ENCRYPTION_KEY=${old}\nWALLET_ENCRYPTION_KEY_VERSION=1\n`;
    const plan = rotate(text, 'WALLET_ENCRYPTION_KEY');
    assert.strictEqual(plan.scheme, 'versioned');
    const after = applyEdits(text, plan.edits);
    const v = values(after);
    same(v.WALLET_ENCRYPTION_KEY_V1, old, 'V1 holds the old key');
    assert.strictEqual(v.WALLET_ENCRYPTION_KEY_VERSION, '2');
    assert.match(v.WALLET_ENCRYPTION_KEY, /^[0-9a-f]{64}$/, 'a 32-byte hex key (AES-256 needs exactly 32)');
    assert.deepStrictEqual(after.split('\n').map((l) => l.split('=')[0]), ['WALLET_ENCRYPTION_KEY', 'WALLET_ENCRYPTION_KEY_VERSION', 'WALLET_ENCRYPTION_KEY_V1', '']);
  });

  it('seed 000 wallet key: a second rotation adds V2 after V1 and raises the version to 3; completion keeps latest-1 (seed 004)', () => {
    const text = `WALLET_ENCRYPTION_KEY=${hex(32, 6)}\nWALLET_ENCRYPTION_KEY_VERSION=2\nWALLET_ENCRYPTION_KEY_V1=${hex(32, 7)}\n`;
    const plan = rotate(text, 'WALLET_ENCRYPTION_KEY');
    const after = applyEdits(text, plan.edits);
    const v = values(after);
    same(v.WALLET_ENCRYPTION_KEY_V2, hex(32, 6), 'V2 holds the key that was current');
    assert.strictEqual(v.WALLET_ENCRYPTION_KEY_VERSION, '3');
    assert.ok(after.indexOf('WALLET_ENCRYPTION_KEY_V2') > after.indexOf('WALLET_ENCRYPTION_KEY_V1'), 'V2 after V1');

    const done = planCompletion({ source: env(after), key: 'WALLET_ENCRYPTION_KEY', fingerprint: fp });
    assert.ok(done.ok);
    assert.match((done as CompletionPlan).confirm ?? '', /re-encrypted/, 'retiring a key asks for confirmation');
    const completed = values(applyEdits(after, (done as CompletionPlan).edits));
    assert.ok(!('WALLET_ENCRYPTION_KEY_V1' in completed), 'V1 retired');
    same(completed.WALLET_ENCRYPTION_KEY_V2, hex(32, 6), 'V2 (latest-1) kept as the recovery floor');
  });

  it('seed 000 wallet key: a key with no version yet creates X_VERSION=2 and X_V1 when asked', () => {
    const old = hex(32, 8);
    const text = `WALLET_ENCRYPTION_KEY=${old}\n`;
    const plan = rotate(text, 'WALLET_ENCRYPTION_KEY', { createSlot: 'versioned' });
    const v = values(applyEdits(text, plan.edits));
    assert.strictEqual(v.WALLET_ENCRYPTION_KEY_VERSION, '2');
    same(v.WALLET_ENCRYPTION_KEY_V1, old, 'V1 holds the old key');
  });

  it('seed 002 numbered: ACCESS_TOKEN_SECRET_0 := ACCESS_TOKEN_SECRET_1, new hex ACCESS_TOKEN_SECRET_1', () => {
    const cur = hex(32, 9);
    const text = `ACCESS_TOKEN_SECRET_1=${cur}\nACCESS_TOKEN_SECRET_0=${hex(32, 10)}\nACCESS_TOKEN_EXPIRES_IN=10min\n`;
    for (const key of ['ACCESS_TOKEN_SECRET', 'ACCESS_TOKEN_SECRET_1']) {
      const plan = rotate(text, key);
      assert.strictEqual(plan.scheme, 'numbered');
      const v = values(applyEdits(text, plan.edits));
      same(v.ACCESS_TOKEN_SECRET_0, cur, '_0 holds the old _1');
      assert.match(v.ACCESS_TOKEN_SECRET_1, /^[0-9a-f]{64}$/);
      assert.ok(v.ACCESS_TOKEN_SECRET_1 !== cur, 'fresh');
      assert.strictEqual(v.ACCESS_TOKEN_EXPIRES_IN, '10min');
    }
  });

  it('seed 003 immediate: JWT_SECRET without a slot is replaced and the plan asks to confirm the logout of everyone', () => {
    const old = b64(32, 11);
    const text = `JWT_SECRET=${old}\nNEXTAUTH_SECRET=${b64(32, 12)}\n`;
    const plan = rotate(text, 'JWT_SECRET');
    assert.strictEqual(plan.scheme, 'immediate');
    assert.match(plan.confirm ?? '', /every session/);
    const v = values(applyEdits(text, plan.edits));
    assert.strictEqual(v.JWT_SECRET.length, 44, 'openssl rand -base64 32 shape kept');
    same(v.NEXTAUTH_SECRET, b64(32, 12), 'the other secret untouched');
  });

  it('seed 003 POSTGRES_PASSWORD: immediate, and the confirmation says to change the database too', () => {
    const plan = rotate('POSTGRES_PASSWORD=nis2-dev-pass\n', 'POSTGRES_PASSWORD');
    assert.match(plan.confirm ?? '', /ALTER USER/);
    assert.deepStrictEqual(plan.newShape, { encoding: 'base64url', bytes: 32, padded: false });
  });

  it('seed 003: a password inside a connection URL is replaced inside the URL only', () => {
    const text = 'DATABASE_URL=postgres://nis2:oldpass@db:5432/nis2\n';
    const plan = rotate(text, 'DATABASE_URL', { scheme: 'immediate' });
    const url = values(applyEdits(text, plan.edits)).DATABASE_URL;
    assert.match(url, /^postgres:\/\/nis2:[A-Za-z0-9_-]{43}@db:5432\/nis2$/);
  });

  it('seed 004: a 48-byte base64 secret (64 chars) keeps its shape', () => {
    const old = b64(48, 13);
    assert.strictEqual(old.length, 64);
    const text = `JWT_SECRET="${old}"\n`;
    const plan = rotate(text, 'JWT_SECRET', { scheme: 'previous' });
    const after = applyEdits(text, plan.edits);
    const v = values(after);
    assert.strictEqual(v.JWT_SECRET.length, 64);
    assert.deepStrictEqual(plan.newShape, { encoding: 'base64', bytes: 48, padded: true });
    assert.match(after, /^JWT_SECRET="[^"]{64}"$/m, 'quoting kept');
    assert.match(after, /^JWT_SECRET_PREVIOUS="[^"]{64}"$/m, 'the slot is quoted like the original');
  });

  it('seed 004: completing inside the overlap window asks for confirmation, outside it does not', () => {
    const text = `JWT_SECRET=${b64(32, 14)}\nJWT_SECRET_PREVIOUS=${b64(32, 15)}\n`;
    const journal = parseJournal('## 2026-05-01\n\n### A2.5 — JWT_SECRET rotation [done 2026-05-01]\n');
    const early = planCompletion({ source: env(text), key: 'JWT_SECRET', fingerprint: fp, journal, now: new Date('2026-05-03T10:00:00Z'), overlapDays: 7 });
    assert.ok(early.ok);
    assert.match((early as CompletionPlan).confirm ?? '', /2 days ago.*7 days/);
    const late = planCompletion({ source: env(text), key: 'JWT_SECRET', fingerprint: fp, journal, now: new Date('2026-05-09T10:00:00Z'), overlapDays: 7 });
    assert.ok(late.ok && !(late as CompletionPlan).confirm, 'no confirmation after the window');
    const unknown = planCompletion({ source: env(text), key: 'JWT_SECRET', fingerprint: fp, journal: parseJournal(''), now: new Date(), overlapDays: 7 });
    assert.ok(unknown.ok && (unknown as CompletionPlan).warnings.some((w) => /no rotation of JWT_SECRET/.test(w)));
  });
});

describe('rotation: Auth.js', () => {
  // @auth/core setEnvDefaults: secret = [AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1, AUTH_SECRET]; index 0 signs.
  it('adds AUTH_SECRET_1 with the new value and leaves AUTH_SECRET (which still decrypts) alone', () => {
    const text = `AUTH_SECRET=${b64(32, 16)}\nAUTH_URL=http://localhost:3000\n`;
    assert.strictEqual(defaultSlotScheme('AUTH_SECRET'), 'authjs');
    const plan = rotate(text, 'AUTH_SECRET', { createSlot: defaultSlotScheme('AUTH_SECRET') });
    assert.strictEqual(plan.scheme, 'authjs');
    const v = values(applyEdits(text, plan.edits));
    same(v.AUTH_SECRET, b64(32, 16), 'AUTH_SECRET unchanged');
    assert.ok(v.AUTH_SECRET_1 && v.AUTH_SECRET_1 !== v.AUTH_SECRET, 'AUTH_SECRET_1 is the new value');
    assert.strictEqual(plan.currentKey, 'AUTH_SECRET_1');
  });

  it('the next rotation adds AUTH_SECRET_2; with 1..3 in use it refuses until the rotation is completed', () => {
    let text = `AUTH_SECRET=${b64(32, 17)}\nAUTH_SECRET_1=${b64(32, 18)}\n`;
    for (const n of [2, 3]) {
      const plan = rotate(text, 'AUTH_SECRET');
      assert.strictEqual(plan.currentKey, `AUTH_SECRET_${n}`);
      text = applyEdits(text, plan.edits);
    }
    const full = refusal(text, 'AUTH_SECRET');
    assert.strictEqual(full.code, 'slots-full');
    assert.match(full.reason, /complete the previous rotation/);
    const newest = values(text).AUTH_SECRET_3;
    const done = planCompletion({ source: env(text), key: 'AUTH_SECRET', fingerprint: fp });
    assert.ok(done.ok);
    const completed = values(applyEdits(text, (done as CompletionPlan).edits));
    same(completed.AUTH_SECRET, newest, 'AUTH_SECRET := the signing value');
    assert.deepStrictEqual(Object.keys(completed), ['AUTH_SECRET']);
  });
});

describe('rotation: refusals and edge cases', () => {
  it('key not found, defined twice, on an unparseable line, a reference, an example file', () => {
    assert.strictEqual(refusal('A=1\n', 'JWT_SECRET').code, 'not-found');
    const twice = refusal(`JWT_SECRET=${b64(32)}\nJWT_SECRET=${b64(32, 2)}\n`, 'JWT_SECRET');
    assert.strictEqual(twice.code, 'ambiguous');
    assert.match(twice.reason, /lines 1, 2/);
    assert.strictEqual(refusal('JWT_SECRET="unterminated\n', 'JWT_SECRET').code, 'unparseable');
    assert.strictEqual(refusal('JWT_SECRET="abc"def\n', 'JWT_SECRET').code, 'unparseable');
    assert.strictEqual(refusal('JWT_SECRET=${OTHER}\n', 'JWT_SECRET').code, 'reference');
    const ex = planRotation({ source: parseDotenv('.env.example', `JWT_SECRET=${b64(32)}\n`), key: 'JWT_SECRET', fingerprint: fp });
    assert.ok(!ex.ok && ex.code === 'example-file');
  });

  it('a duplicated previous slot is ambiguous too', () => {
    const r = refusal(`JWT_SECRET=${b64(32)}\nJWT_SECRET_PREVIOUS=a\nJWT_SECRET_PREVIOUS=b\n`, 'JWT_SECRET');
    assert.strictEqual(r.code, 'ambiguous');
  });

  it('read-only entries (a YAML block scalar) are refused; a versioned chain with a newer slot is refused', () => {
    const yaml = parseSource('config/app.yml', `jwt:\n  secret: |\n    ${b64(32)}\n`);
    const r = planRotation({ source: yaml, key: 'jwt.secret', fingerprint: fp });
    assert.ok(!r.ok && (r.code === 'read-only' || r.code === 'not-found'), 'refused');
    assert.strictEqual(refusal(`K_KEY=${hex(32)}\nK_KEY_VERSION=2\nK_KEY_V2=${hex(32, 2)}\n`, 'K_KEY').code, 'broken-chain');
    assert.strictEqual(refusal(`K_KEY=${hex(32)}\nK_KEY_VERSION=two\n`, 'K_KEY').code, 'broken-chain');
  });

  it('refusal messages never contain a value', () => {
    const secret = b64(32, 21);
    for (const text of [`JWT_SECRET=${secret}\nJWT_SECRET=${secret}x\n`, `JWT_SECRET="${secret}\n`]) {
      const r = refusal(text, 'JWT_SECRET');
      assert.ok(!r.reason.includes(secret.slice(0, 8)), 'no value in the refusal');
    }
  });

  it('plans carry no value in summary, warnings, confirm or fingerprints', () => {
    const old = b64(32, 22);
    const plan = rotate(`JWT_SECRET=${old}\nJWT_SECRET_PREVIOUS=${b64(32, 23)}\n`, 'JWT_SECRET', {
      fingerprint: (v) => 'fp:' + v.length,
    });
    const newValue = plan.edits.map((e) => e.newText).join('');
    const visible = [...plan.summary, ...plan.warnings, plan.confirm ?? '', plan.oldFingerprint, plan.newFingerprint].join('\n');
    for (const v of [old, b64(32, 23), newValue.replace(/[^A-Za-z0-9+/=]/g, '')]) {
      for (let i = 0; i + 8 <= v.length; i += 4) assert.ok(!visible.includes(v.slice(i, i + 8)), 'no 8-char slice of a value');
    }
  });

  it('an empty value is filled without shifting anything and without a confirmation', () => {
    const plan = rotate('JWT_SECRET=\nJWT_SECRET_PREVIOUS=\n', 'JWT_SECRET');
    assert.ok(!plan.confirm);
    const v = values(applyEdits('JWT_SECRET=\nJWT_SECRET_PREVIOUS=\n', plan.edits));
    assert.strictEqual(v.JWT_SECRET.length, 43);
    assert.strictEqual(v.JWT_SECRET_PREVIOUS, '');
  });

  it('HS512 in a sibling JWT_ALGORITHM raises a JWT secret to 64 bytes, not an unrelated encryption key', () => {
    const text = `JWT_SECRET=${hex(32)}\nJWT_ALGORITHM=HS512\nDATA_ENCRYPTION_KEY=${hex(32, 2)}\n`;
    assert.strictEqual(rotate(text, 'JWT_SECRET', { scheme: 'immediate' }).newShape.bytes, 64);
    assert.strictEqual(rotate(text, 'DATA_ENCRYPTION_KEY').newShape.bytes, 32);
  });

  it('an encryption key keeps its exact length, even under the floor (the cipher fixes it)', () => {
    const plan = rotate(`AES_ENCRYPTION_KEY=${hex(16)}\n`, 'AES_ENCRYPTION_KEY');
    assert.strictEqual(plan.newShape.bytes, 16);
    assert.ok(plan.warnings.some((w) => /fixed by its cipher/.test(w)));
  });

  it('uses the suffix the project already uses (_PREV) and copies the export prefix', () => {
    const text = `export JWT_SECRET=${b64(32)}\nREFRESH_SECRET=${b64(32, 2)}\nREFRESH_SECRET_PREV=${b64(32, 3)}\n`;
    const plan = rotate(text, 'JWT_SECRET', { createSlot: 'previous' });
    const after = applyEdits(text, plan.edits);
    assert.match(after, /^export JWT_SECRET_PREV=/m);
  });

  it('inserted lines use the file\'s line ending, also at the end of a file without a final newline', () => {
    const text = `A=1\r\nJWT_SECRET=${b64(32)}`;
    const after = applyEdits(text, rotate(text, 'JWT_SECRET', { createSlot: 'previous' }).edits);
    assert.match(after, /^A=1\r\nJWT_SECRET=\S+\r\nJWT_SECRET_PREVIOUS=\S+$/);
  });

  it('an empty slot before an inline comment is filled right after "=" and the comment stays a comment', () => {
    const text = `JWT_SECRET=${b64(32)}\nJWT_SECRET_PREVIOUS= # empty for now\n`;
    const after = applyEdits(text, rotate(text, 'JWT_SECRET').edits);
    const parsed = env(after);
    assert.strictEqual(parsed.problems.length, 0, 'no new parse problem');
    same(values(after).JWT_SECRET_PREVIOUS, b64(32), 'old value in the slot');
    assert.match(after, /^JWT_SECRET_PREVIOUS=\S+ # empty for now$/m, 'written right after "=", the comment kept');
    // "#" right after "=" is a line dotenv reads differently from shells: refused, not guessed.
    assert.strictEqual(refusal(`JWT_SECRET=${b64(32)}\nJWT_SECRET_PREVIOUS=#x\n`, 'JWT_SECRET').code, 'unparseable');
  });

  it('config schemes: a glob picks the scheme, and a lone list key rotates as a list', () => {
    const text = `API_KEYS=${b64(32, 1, 'base64url')}\n`;
    const config = resolveConfig({ schemes: { 'API_*': 'list' } });
    const plan = rotate(text, 'API_KEYS', { schemes: config.schemes });
    assert.strictEqual(plan.scheme, 'list');
    const v = values(applyEdits(text, plan.edits)).API_KEYS.split(',');
    assert.strictEqual(v.length, 2);
    same(v[1], b64(32, 1, 'base64url'), 'old key second');
  });

  it('a fake generator that repeats the old value is refused rather than reused', () => {
    const old = Buffer.alloc(32, 7);
    const r = planRotation({ source: env(`JWT_SECRET=${old.toString('hex')}\n`), key: 'JWT_SECRET', fingerprint: fp, randomBytes: () => old });
    assert.ok(!r.ok && r.code === 'internal');
  });

  it('immediate has nothing to complete', () => {
    const r = planCompletion({ source: env(`JWT_SECRET=${b64(32)}\n`), key: 'JWT_SECRET', fingerprint: fp });
    assert.ok(!r.ok && r.code === 'nothing-to-complete');
  });
});

describe('rotation: config formats', () => {
  const v = b64(32, 30);
  const plan = (path: string, text: string, key: string, extra: Partial<PlanRotationInput> = {}) => planRotation({ source: parseSource(path, text), key, fingerprint: fp, ...extra });

  it('compose: an existing previous slot is filled in place, quotes kept', () => {
    const text = `services:\n  api:\n    environment:\n      JWT_SECRET: "${v}"\n      JWT_SECRET_PREVIOUS: ""\n`;
    const p = plan('docker-compose.yml', text, 'JWT_SECRET');
    assert.ok(p.ok);
    const after = parseSource('docker-compose.yml', applyEdits(text, (p as RotationPlan).edits));
    same(after.entries.find((e) => e.key === 'JWT_SECRET_PREVIOUS')?.value, v, 'slot');
    assert.strictEqual(after.entries.find((e) => e.key === 'JWT_SECRET')?.value.length, 44);
  });

  it('YAML, JSON and .properties values are replaced in place; a new slot line is only added where the format is line-based', () => {
    for (const [path, text, key] of [
      ['config/app.yml', `jwt:\n  secret: ${v}\n`, 'jwt.secret'],
      ['appsettings.json', `{\n  "Jwt": { "Key": "${v}" }\n}\n`, 'Jwt.Key'],
      ['application.properties', `jwt.secret=${v}\nother=1\n`, 'jwt.secret'],
    ] as const) {
      const p = plan(path, text, key);
      assert.ok(p.ok, `${path}: planned`);
      const after = parseSource(path, applyEdits(text, (p as RotationPlan).edits));
      const e = after.entries.find((x) => x.key === key)!;
      assert.ok(e.value !== v && e.value.length === 44, `${path}: a fresh 44-char value`);
      assert.strictEqual(after.entries.length, parseSource(path, text).entries.length, `${path}: nothing else added`);
      const slot = plan(path, text, key, { createSlot: 'previous' });
      if (path.endsWith('.properties')) assert.ok(slot.ok && (slot as RotationPlan).insertedKeys?.[0] === 'jwt.secret_previous', 'lower-case key, lower-case suffix');
      else assert.ok(!slot.ok && slot.code === 'unsupported' && /add it by hand next to/.test(slot.reason), `${path}: refused`);
    }
  });

  it('a Kubernetes Secret data: value is written base64-encoded', () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  JWT_SECRET: ${Buffer.from(v).toString('base64')}\n`;
    const p = plan('k8s/app-secret.yaml', text, 'JWT_SECRET');
    assert.ok(p.ok);
    const after = parseSource('k8s/app-secret.yaml', applyEdits(text, (p as RotationPlan).edits));
    const e = after.entries.find((x) => x.key === 'JWT_SECRET')!;
    assert.strictEqual(e.encodedAs, 'base64');
    assert.ok(e.value !== v && /^[A-Za-z0-9+/]{43}=$/.test(e.value), 'decoded value is a fresh base64 secret');
  });
});

describe('rotation: cadence rules', () => {
  const journal = '# log\n\n## 2026-01-01\n\n### A2.5 — JWT_SECRET rotation [done 2026-01-01]\n\n### POSTGRES_PASSWORD rotation [done 2026-01-01]\n';

  it('rotation-overdue: 90 days for signing secrets, 180 for passwords (seed 003), with the journal as related location', () => {
    const a = analyzeFiles(
      { '.env': `JWT_SECRET=${b64(32)}\nPOSTGRES_PASSWORD=${b64(32, 2)}\nJWT_SECRET_PREVIOUS=${b64(32, 3)}\n` },
      { journal, now: () => new Date('2026-05-01T00:00:00Z') },
    );
    const f = a.findings('.env').filter((x) => x.ruleId === 'rotation-overdue');
    assert.deepStrictEqual(f.map((x) => x.key), ['JWT_SECRET']);
    assert.match(f[0].message, /120 days ago.*cadence is 90 days/);
    assert.strictEqual(f[0].related?.[0].path, 'docs/security/HARDENING-LOG.md');
    assert.strictEqual(f[0].related?.[0].range.start.line, 4);
    const later = analyzeFiles({ '.env': `POSTGRES_PASSWORD=${b64(32, 2)}\n` }, { journal, now: () => new Date('2026-07-15T00:00:00Z') });
    assert.deepStrictEqual(later.findings('.env').filter((x) => x.ruleId === 'rotation-overdue').map((x) => x.key), ['POSTGRES_PASSWORD']);
  });

  it('rotation-overdue: configurable cadence; nothing without a journal record', () => {
    const config = resolveConfig({ cadence: [{ keys: 'JWT_*', days: 30 }] });
    const a = analyzeFiles({ '.env': `JWT_SECRET=${b64(32)}\nSESSION_SECRET=${b64(32, 2)}\n` }, { config, journal, now: () => new Date('2026-02-15T00:00:00Z') });
    assert.deepStrictEqual(a.findings('.env').filter((x) => x.ruleId === 'rotation-overdue').map((x) => x.key), ['JWT_SECRET']);
  });

  it('stale-previous-slot: a non-empty previous slot after the overlap window; an empty one is fine', () => {
    const files = (prev: string) => ({ '.env': `JWT_SECRET=${b64(32)}\nJWT_SECRET_PREVIOUS=${prev}\n` });
    const at = (d: string) => () => new Date(d);
    const stale = analyzeFiles(files(b64(32, 5)), { journal, now: at('2026-01-20T00:00:00Z') }).findings('.env').filter((x) => x.ruleId === 'stale-previous-slot');
    assert.deepStrictEqual(stale.map((x) => x.key), ['JWT_SECRET_PREVIOUS']);
    assert.match(stale[0].message, /19 days ago.*overlap window of 7 days/);
    assert.strictEqual(analyzeFiles(files(b64(32, 5)), { journal, now: at('2026-01-05T00:00:00Z') }).findings('.env').filter((x) => x.ruleId === 'stale-previous-slot').length, 0);
    assert.strictEqual(analyzeFiles(files(''), { journal, now: at('2026-03-01T00:00:00Z') }).findings('.env').filter((x) => x.ruleId === 'stale-previous-slot').length, 0);
  });

  it('stale-previous-slot: versioned keeps latest-1, only older versions are stale', () => {
    const j = '### WALLET_KEY rotation [done 2026-01-01]\n';
    const text = `WALLET_KEY=${hex(32)}\nWALLET_KEY_VERSION=3\nWALLET_KEY_V1=${hex(32, 2)}\nWALLET_KEY_V2=${hex(32, 3)}\n`;
    const f = analyzeFiles({ '.env': text }, { journal: j, now: () => new Date('2026-02-01T00:00:00Z') }).findings('.env').filter((x) => x.ruleId === 'stale-previous-slot');
    assert.deepStrictEqual(f.map((x) => x.key), ['WALLET_KEY_V1']);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over generated files

type Quote = '' | '"' | "'" | '`';

interface Family {
  scheme: SlotScheme;
  base: string;
  /** Lines of the family, before shuffling among the filler. */
  lines: { key: string; value: string; quote: Quote; exported: boolean; comment: boolean }[];
  /** Input overrides needed to rotate (a missing slot is created by asking). */
  input: Partial<PlanRotationInput>;
  /** The encoding the current value was written in, and its byte count (for shape checks). */
  encoding: SecretEncoding | 'text';
  bytes: number;
  current: string;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function fillerKey(i: number): string {
  let s = '';
  let n = i;
  do {
    s = LETTERS[n % 26] + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `FILL_${s}`;
}

/** A random key of an encoding, made unambiguous the way real keys (almost always) are. */
const secretArb: fc.Arbitrary<{ value: string; encoding: SecretEncoding | 'text'; bytes: number }> = fc.oneof(
  fc.record({ bytes: fc.uint8Array({ minLength: 16, maxLength: 64 }), enc: fc.constantFrom<SecretEncoding>('hex', 'base64', 'base64url'), pad: fc.boolean() }).map(({ bytes, enc, pad }) => {
    let value = encodeSecret(bytes, enc, enc === 'base64' ? pad || bytes.length % 3 === 0 : pad);
    value = enc === 'hex' ? 'a' + value.slice(1) : (enc === 'base64' ? '+' : '-') + 'Az7' + value.slice(4);
    return { value, encoding: enc, bytes: bytes.length };
  }),
  fc.stringMatching(/^[a-z]{4,10}[0-9]{0,4}$/).map((value) => ({ value, encoding: 'text' as const, bytes: value.length })),
);

const quoteArb = fc.constantFrom<Quote>('', '"', "'", '`');
const entryStyle = fc.record({ quote: quoteArb, exported: fc.boolean(), comment: fc.boolean() });

function familyArb(scheme: SlotScheme): fc.Arbitrary<Family> {
  return fc
    .record({ cur: secretArb, style: entryStyle, slot: fc.option(secretArb, { nil: undefined }), slotStyle: entryStyle, n: fc.integer({ min: 0, max: 3 }), emptySlot: fc.boolean() })
    .map(({ cur, style, slot, slotStyle, n, emptySlot }) => {
      const line = (key: string, value: string, st = style) => ({ key, value, ...st });
      const lines: Family['lines'] = [];
      const input: Partial<PlanRotationInput> = {};
      let base: string;
      let current = cur.value;
      let shapeInfo: { encoding: SecretEncoding | 'text'; bytes: number } = cur;
      switch (scheme) {
        case 'previous':
          base = 'JWT_SECRET';
          lines.push(line(base, cur.value));
          if (slot) lines.push(line(base + '_PREVIOUS', emptySlot ? '' : slot.value, slotStyle));
          else input.createSlot = 'previous';
          break;
        case 'versioned':
          base = 'WALLET_ENCRYPTION_KEY';
          lines.push(line(base, cur.value));
          if (n === 0) input.createSlot = 'versioned';
          else {
            lines.push(line(base + '_VERSION', String(n), slotStyle));
            for (let v = 1; v < n; v++) lines.push(line(`${base}_V${v}`, hex(32, v), slotStyle));
          }
          break;
        case 'numbered':
          base = 'ACCESS_TOKEN_SECRET';
          lines.push(line(base + '_1', cur.value));
          if (slot) lines.push(line(base + '_0', emptySlot ? '' : slot.value, slotStyle));
          break;
        case 'authjs':
          base = 'AUTH_SECRET';
          lines.push(line(base, cur.value));
          for (let k = 1; k <= Math.min(n, 2); k++) lines.push(line(`${base}_${k}`, k === Math.min(n, 2) ? (slot?.value ?? hex(32, 30)) : hex(32, k + 20), slotStyle));
          if (Math.min(n, 2) > 0) {
            current = lines[lines.length - 1].value;
            shapeInfo = slot ?? { encoding: 'hex', bytes: 32 };
          }
          if (n === 0) input.createSlot = 'authjs';
          break;
        case 'list':
          base = 'API_KEYS';
          lines.push(line(base, [cur.value, ...(slot ? [slot.value] : [])].join(',')));
          input.scheme = 'list';
          break;
        case 'immediate':
          base = 'SESSION_SECRET';
          lines.push(line(base, cur.value));
          break;
      }
      return { scheme, base: base!, lines, input, encoding: shapeInfo.encoding, bytes: shapeInfo.bytes, current };
    });
}

const fillerLine = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9 .,:!?_-]{0,30}$/).map((t) => ({ kind: 'comment' as const, text: `# ${t}` })),
  fc.constant({ kind: 'blank' as const, text: '' }),
  fc.record({ value: fc.stringMatching(/^[A-Za-z0-9_.:/@-]{0,24}$/), quote: quoteArb, exported: fc.boolean(), comment: fc.boolean() }).map((e) => ({ kind: 'entry' as const, ...e })),
  fc.stringMatching(/^[a-z]{2,6} [a-z]{2,6}$/).map((t) => ({ kind: 'garbage' as const, text: t })),
  fc.constant({ kind: 'multiline' as const, text: '' }),
);

const fileArb = (scheme: SlotScheme) =>
  fc.record({
    family: familyArb(scheme),
    filler: fc.array(fillerLine, { maxLength: 12 }),
    order: fc.array(fc.nat(), { maxLength: 20 }),
    eol: fc.constantFrom('\n', '\r\n'),
    finalEol: fc.boolean(),
    removeSlots: fc.boolean(),
  });

function renderEntry(key: string, value: string, quote: Quote, exported: boolean, comment: boolean): string {
  // An unquoted empty value followed by " # c" would be read as a value by nothing, but keep it simple.
  return `${exported ? 'export ' : ''}${key}=${quote}${value}${quote}${comment ? ' # note' : ''}`;
}

interface Filler {
  kind: string;
  text?: string;
  value?: string;
  quote?: Quote;
  exported?: boolean;
  comment?: boolean;
}
interface GeneratedFile {
  family: Family;
  filler: Filler[];
  order: number[];
  eol: string;
  finalEol: boolean;
  removeSlots: boolean;
}

function buildFile(f: GeneratedFile): string {
  const fam = f.family.lines.map((l) => renderEntry(l.key, l.value, l.quote, l.exported, l.comment));
  const fill = f.filler.map((l, i) => {
    if (l.kind === 'entry') return renderEntry(fillerKey(i), l.value!, l.quote!, l.exported!, l.comment!);
    if (l.kind === 'multiline') return `${fillerKey(i)}="first line${f.eol}second line"`;
    return l.text!;
  });
  // Interleave: family lines keep their relative order, filler goes around them.
  const out: string[] = [];
  let fi = 0;
  let pi = 0;
  for (let k = 0; fi < fam.length || pi < fill.length; k++) {
    const takeFamily = pi >= fill.length || (fi < fam.length && (f.order[k] ?? 0) % 3 === 0);
    out.push(takeFamily ? fam[fi++] : fill[pi++]);
  }
  return out.join(f.eol) + (f.finalEol ? f.eol : '');
}

/** The text with every line of the family's entries removed (line breaks included). */
function withoutFamily(text: string, base: string): string {
  const parsed = parseDotenv('.env', text);
  const lines = new LineIndex(text);
  const drop = new Set<number>();
  for (const e of parsed.entries) {
    if (e.key !== base && !e.key.startsWith(base + '_')) continue;
    const first = lines.positionAt(e.keyStart).line;
    const last = lines.positionAt(e.valueEnd + (e.quote === 'none' ? 0 : 1)).line;
    for (let l = first; l <= last; l++) drop.add(l);
  }
  let out = '';
  for (let l = 0; l < lines.lineCount; l++) {
    if (drop.has(l)) continue;
    const end = l + 1 < lines.lineCount ? lines.lineStart(l + 1) : text.length;
    out += text.slice(lines.lineStart(l), end);
  }
  return out;
}

/** Same bytes outside the family: every other line keeps its text and its line break. */
function sameOutsideFamily(a: string, b: string, base: string): boolean {
  return withoutFamily(a, base) === withoutFamily(b, base);
}

function skeleton(text: string): string {
  return JSON.stringify(text.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9'));
}

/** Every edit is a value replacement inside a family entry or an insertion of whole family lines. */
function assertEditsConfined(text: string, edits: TextEdit[], base: string, eol: string): void {
  const parsed = parseDotenv('.env', text);
  const lines = new LineIndex(text);
  const fam = parsed.entries.filter((e) => e.key === base || e.key.startsWith(base + '_'));
  for (const e of edits) {
    const inside = fam.some((x) => e.start >= x.keyEnd && e.end <= x.valueEnd + (x.quote === 'none' ? 0 : 1) && lines.positionAt(e.start).line === lines.positionAt(x.keyStart).line);
    if (inside && !/[\r\n]/.test(e.newText)) continue;
    if (e.start === e.end) {
      const atLineStart = lines.positionAt(e.start).character === 0 || e.start === text.length;
      assert.ok(atLineStart, 'insertions start at a line boundary');
      const inserted = e.newText.split(/\r?\n/).filter((l) => l !== '');
      assert.ok(inserted.length > 0 && inserted.every((l) => new RegExp(`^(export )?${base}(_[A-Z0-9]+)?=`).test(l)), 'inserted lines are family assignments');
      assert.ok(e.newText.split(eol).join('').split(/\r?\n/).length === 1 || !text.includes(eol === '\n' ? '\r\n' : '\n'), "inserted lines use the file's line ending");
      continue;
    }
    assert.ok(inside, 'replacements stay inside a family value');
  }
}

function assertShape(value: string, family: Family, plan: RotationPlan): void {
  const expected = family.encoding === 'text' ? 'base64url' : family.encoding;
  assert.strictEqual(plan.newShape.encoding, expected, 'encoding kept (text becomes base64url)');
  const floor = family.encoding === 'text' ? 32 : family.scheme === 'versioned' ? family.bytes : Math.max(32, family.bytes);
  assert.strictEqual(plan.newShape.bytes, floor, family.scheme === 'versioned' ? 'an encryption key keeps its length' : 'bytes: max(old, 32)');
  const decoded = expected === 'hex' ? Buffer.from(value, 'hex') : Buffer.from(value, expected);
  assert.strictEqual(decoded.length, plan.newShape.bytes, 'the new value decodes to its byte count');
  assert.ok(expected === 'hex' ? /^[0-9a-f]+$/.test(value) : expected === 'base64' ? /^[A-Za-z0-9+/]+=*$/.test(value) : /^[A-Za-z0-9_-]+=*$/.test(value), 'alphabet');
}

function checkRotation(scheme: SlotScheme, f: GeneratedFile): void {
  const family = f.family;
  const text = buildFile(f);
  const eol = f.eol;
  const base = family.base;
  const label = `${scheme} ${skeleton(text)}`;
  const source = parseDotenv('.env', text);
  const plan = planRotation({ source, key: base, fingerprint: fp, ...family.input });
  if (!plan.ok) return assert.fail(`${label}: refused: ${plan.reason}`);
  const after = applyEdits(text, plan.edits);
  assertEditsConfined(text, plan.edits, base, eol);

  // Every other entry, comment and byte is unchanged.
  assert.ok(sameOutsideFamily(after, text, base), `${label}: bytes outside the family changed`);
  const before = values(text);
  const now = values(after);
  for (const k of Object.keys(before)) if (!k.startsWith(base)) same(now[k], before[k], `${label}: ${k}`);
  assert.strictEqual(parseDotenv('.env', after).problems.filter((p) => p.severity === 'error').length, source.problems.filter((p) => p.severity === 'error').length, `${label}: no new parse error`);

  // The old value sits in its slot; the new one is fresh and shaped like the old.
  const old = family.current;
  let fresh: string;
  switch (scheme) {
    case 'previous':
      same(now.JWT_SECRET_PREVIOUS, before.JWT_SECRET, `${label}: previous slot`);
      fresh = now.JWT_SECRET;
      break;
    case 'versioned': {
      const n = Number(before.WALLET_ENCRYPTION_KEY_VERSION ?? '1');
      same(now[`WALLET_ENCRYPTION_KEY_V${n}`], before.WALLET_ENCRYPTION_KEY, `${label}: V${n}`);
      assert.strictEqual(now.WALLET_ENCRYPTION_KEY_VERSION, String(n + 1));
      fresh = now.WALLET_ENCRYPTION_KEY;
      break;
    }
    case 'numbered':
      same(now.ACCESS_TOKEN_SECRET_0, before.ACCESS_TOKEN_SECRET_1, `${label}: _0`);
      fresh = now.ACCESS_TOKEN_SECRET_1;
      break;
    case 'authjs': {
      const k = Object.keys(before).filter((x) => /^AUTH_SECRET_\d$/.test(x)).length;
      for (const key of Object.keys(before)) same(now[key], before[key], `${label}: ${key} kept`);
      fresh = now[`AUTH_SECRET_${k + 1}`];
      assert.strictEqual(plan.currentKey, `AUTH_SECRET_${k + 1}`);
      break;
    }
    case 'list': {
      const items = now.API_KEYS.split(',');
      same(items[1], before.API_KEYS.split(',')[0], `${label}: old key second`);
      assert.ok(items.length <= 2, 'at most two keys');
      fresh = items[0];
      break;
    }
    default:
      fresh = now.SESSION_SECRET;
      assert.ok(plan.confirm, 'immediate asks to confirm');
  }
  assert.ok(fresh !== undefined && fresh !== old, `${label}: a fresh value`);
  assertShape(fresh, family, plan);
  // Quoting of the current entry is kept.
  const curKey = plan.currentKey ?? base;
  const q = parseDotenv('.env', after).entries.find((e) => e.key === curKey)!.quote;
  const origQ = source.entries.find((e) => e.key === (scheme === 'authjs' ? (family.lines.length > 1 ? family.lines[family.lines.length - 1].key : base) : curKey))!.quote;
  assert.strictEqual(q, origQ, `${label}: quoting kept`);

  // Two runs give two different values.
  const again = planRotation({ source, key: base, fingerprint: fp, ...family.input });
  assert.ok(again.ok && applyEdits(text, again.edits) !== after, `${label}: a second run draws another value`);

  // Completion: the old value leaves its slot, nothing else moves.
  const done = planCompletion({ source: parseDotenv('.env', after), key: base, fingerprint: fp, scheme: family.input.scheme, removeSlots: f.removeSlots });
  const versionSlots = Object.keys(now).filter((k) => /^WALLET_ENCRYPTION_KEY_V\d+$/.test(k)).length;
  if (scheme === 'immediate' || (scheme === 'versioned' && versionSlots === 1)) {
    // Nothing to complete: no slot, or the only version slot is latest-1, the recovery floor.
    assert.ok(!done.ok && done.code === 'nothing-to-complete', `${label}: nothing to complete`);
    return;
  }
  if (!done.ok) return assert.fail(`${label}: completion refused: ${done.reason}`);
  const completed = applyEdits(after, done.edits);
  assert.ok(sameOutsideFamily(completed, text, base), `${label}: completion changed bytes outside the family`);
  const c = values(completed);
  switch (scheme) {
    case 'previous':
      same(c.JWT_SECRET_PREVIOUS, f.removeSlots ? undefined : '', f.removeSlots ? 'previous removed' : 'previous emptied');
      same(c.JWT_SECRET, fresh, 'current kept');
      break;
    case 'versioned': {
      const versions = Object.keys(c).filter((k) => /^WALLET_ENCRYPTION_KEY_V\d+$/.test(k));
      assert.deepStrictEqual(versions, [`WALLET_ENCRYPTION_KEY_V${Number(before.WALLET_ENCRYPTION_KEY_VERSION ?? '1')}`], 'only latest-1 stays');
      same(c.WALLET_ENCRYPTION_KEY, fresh, 'current kept');
      break;
    }
    case 'numbered':
      same(c.ACCESS_TOKEN_SECRET_0, f.removeSlots ? undefined : '', f.removeSlots ? '_0 removed' : '_0 emptied');
      same(c.ACCESS_TOKEN_SECRET_1, fresh, '_1 kept');
      break;
    case 'authjs':
      same(c.AUTH_SECRET, fresh, 'AUTH_SECRET := the signing value');
      assert.deepStrictEqual(Object.keys(c).filter((k) => /^AUTH_SECRET_\d$/.test(k)), []);
      break;
    case 'list':
      same(c.API_KEYS, fresh, 'only the new key');
      break;
  }
}

/** Runs a property with a fixed seed; a failure reports seed, path and the (value-free) message, never the input. */
function assertProperty<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void): void {
  const details = fc.check(fc.property(arb, check), { seed: SEED, numRuns: RUNS, path: PATH, endOnFailure: true });
  if (details.failed) {
    const err = details.errorInstance;
    assert.fail(`${name}: failed after ${details.numRuns} run(s): ${err instanceof Error ? err.message : 'error'}; replay with FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath}`);
  }
}

describe('rotation: properties over generated .env files', () => {
  for (const scheme of ['previous', 'versioned', 'numbered', 'authjs', 'list', 'immediate'] as SlotScheme[]) {
    it(`${scheme}: rotate then complete touches only the family; old value in its slot; new value fresh and shaped`, () => {
      assertProperty(scheme, fileArb(scheme), (f) => checkRotation(scheme, f));
    });
  }
});
