/**
 * Secret generation: CSPRNG only, the three encodings, sizes, shape preservation, JWK export.
 * Assertion messages show lengths and encodings, never a generated value.
 */
import * as assert from 'node:assert';
import fc from 'fast-check';
import * as jose from 'jose';
import {
  ALG_BYTES,
  encodeSecret,
  generateJwk,
  generateLike,
  generateSecret,
  shapeOf,
  stableFingerprint,
  targetShape,
  type SecretEncoding,
} from '../../server/src/core/generate';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 200);
const SEED = Number(process.env.FUZZ_SEED) || 0x9e7e4a7e;

function decodedLength(value: string, encoding: SecretEncoding): number {
  if (encoding === 'hex') return Buffer.from(value, 'hex').length;
  return Buffer.from(value, encoding).length;
}

function alphabetOk(value: string, encoding: SecretEncoding): boolean {
  if (encoding === 'hex') return /^[0-9a-f]+$/.test(value);
  if (encoding === 'base64') return /^[A-Za-z0-9+/]+={0,2}$/.test(value);
  return /^[A-Za-z0-9_-]+={0,2}$/.test(value);
}

describe('generate: fresh secrets', () => {
  it('defaults to 32 bytes of base64url (43 chars, no padding)', () => {
    const v = generateSecret();
    assert.strictEqual(v.length, 43);
    assert.ok(alphabetOk(v, 'base64url'), 'base64url alphabet');
    assert.strictEqual(decodedLength(v, 'base64url'), 32);
  });

  it('every encoding and size decodes back to exactly that many bytes', () => {
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      for (const bytes of [32, 48, 64]) {
        const v = generateSecret({ bytes, encoding });
        assert.ok(alphabetOk(v, encoding), `${encoding}/${bytes}: alphabet`);
        assert.strictEqual(decodedLength(v, encoding), bytes, `${encoding}/${bytes}: decoded length`);
        if (encoding === 'hex') assert.strictEqual(v.length, bytes * 2);
        if (encoding === 'base64') assert.strictEqual(v.length % 4, 0, 'base64 is padded');
      }
    }
  });

  it('two draws differ (the CSPRNG is used, not a constant)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add(generateSecret());
    assert.strictEqual(seen.size, 50);
  });

  it('uses the random source it is given, byte for byte', () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => i);
    const v = generateSecret({ bytes: 32, encoding: 'hex', random: () => bytes });
    assert.ok(v === Buffer.from(bytes).toString('hex'), 'hex of the given bytes');
  });

  it('refuses sizes outside 1..1024 and a random source that returns too few bytes', () => {
    assert.throws(() => generateSecret({ bytes: 0 }), RangeError);
    assert.throws(() => generateSecret({ bytes: 4096 }), RangeError);
    assert.throws(() => generateSecret({ bytes: 32, random: () => new Uint8Array(8) }), /wrong number of bytes/);
  });

  it('encodeSecret: padding on request for base64url, off on request for base64', () => {
    const b = new Uint8Array(32).fill(7);
    assert.ok(encodeSecret(b, 'base64url', true).endsWith('='), 'padded base64url');
    assert.ok(!encodeSecret(b, 'base64', false).endsWith('='), 'unpadded base64');
  });
});

describe('generate: shapes', () => {
  it('recognises hex, padded and unpadded base64, base64url (even with "--" in it) and text', () => {
    const hex = generateSecret({ bytes: 32, encoding: 'hex' });
    assert.deepStrictEqual(shapeOf(hex), { encoding: 'hex', bytes: 32, padded: false });
    const b64 = encodeSecret(new Uint8Array(32).map((_, i) => i * 37), 'base64');
    assert.deepStrictEqual(shapeOf(b64), { encoding: 'base64', bytes: 32, padded: true });
    const b64u = 'Ab--' + generateSecret({ bytes: 30, encoding: 'base64url' });
    assert.strictEqual(shapeOf(b64u).encoding, 'base64url');
    assert.strictEqual(shapeOf('hunter2').encoding, 'text');
  });

  it('keeps a 48-byte base64 shape (seed 004: "preserve that shape")', () => {
    const old = encodeSecret(Uint8Array.from({ length: 48 }, (_, i) => (i * 91 + 3) & 255), 'base64');
    assert.strictEqual(old.length, 64);
    const { value, shape } = generateLike(old);
    assert.deepStrictEqual(shape, { encoding: 'base64', bytes: 48, padded: true });
    assert.strictEqual(value.length, 64);
    assert.ok(value !== old, 'fresh');
  });

  it('never goes under the 32-byte floor, and HS384/HS512 raise it to 48/64', () => {
    assert.strictEqual(targetShape('0123456789abcdef0123456789abcdef').bytes, 32, '16-byte hex grows to 32');
    assert.strictEqual(targetShape('', { alg: 'HS384' }).bytes, ALG_BYTES.HS384);
    assert.strictEqual(targetShape(generateSecret({ bytes: 32, encoding: 'hex' }), { alg: 'HS512' }).bytes, 64);
    assert.strictEqual(targetShape('x', { minBytes: 40 }).bytes, 40);
  });

  it('text (a password) becomes 32 bytes of base64url unless told otherwise', () => {
    assert.deepStrictEqual(targetShape('correct horse battery'), { encoding: 'base64url', bytes: 32, padded: false });
    assert.deepStrictEqual(targetShape('hunter2', { encoding: 'hex' }), { encoding: 'hex', bytes: 32, padded: false });
  });

  it('property: a replacement has the old encoding, padding and at least its bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 96 }), fc.constantFrom<SecretEncoding>('hex', 'base64', 'base64url'), fc.boolean(), (bytes, encoding, pad) => {
        let old = encodeSecret(bytes, encoding, pad);
        // Make the alphabet unambiguous, as a real key of that encoding almost always is.
        if (encoding === 'hex') old = 'a' + old.slice(1);
        else old = (encoding === 'base64' ? '+' : '-') + 'Az7' + old.slice(4);
        const s = shapeOf(old);
        assert.strictEqual(s.encoding, encoding);
        const { value, shape } = generateLike(old);
        assert.strictEqual(shape.encoding, encoding);
        assert.ok(alphabetOk(value, encoding), 'alphabet kept');
        assert.strictEqual(decodedLength(value, encoding), Math.max(32, s.bytes), 'bytes: max(old, 32)');
        assert.strictEqual(value.endsWith('='), shape.padded && decodedLength(value, encoding) % 3 !== 0, 'padding kept');
        assert.ok(value !== old, 'fresh');
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('generate: JWK and fingerprints', () => {
  it('--format jwk: an oct JWK that jose imports as the same key', async () => {
    const key = Uint8Array.from({ length: 64 }, (_, i) => (i * 13) & 255);
    let calls = 0;
    const jwk = await generateJwk({ alg: 'HS512', random: (n) => (calls++ === 0 ? key.slice(0, n) : new Uint8Array(n).fill(1)) });
    assert.strictEqual(jwk.kty, 'oct');
    assert.strictEqual(jwk.alg, 'HS512');
    assert.strictEqual(Buffer.from(jwk.k, 'base64url').length, 64);
    const imported = (await jose.importJWK(jwk as jose.JWK, 'HS512')) as Uint8Array;
    assert.ok(Buffer.from(imported).equals(Buffer.from(key)), 'jose reads back the same key');
    // A token signed with it verifies: the JWK is usable as is.
    const token = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS512' }).sign(imported);
    await jose.jwtVerify(token, imported);
  });

  it('JWK size follows --alg (HS256 32, HS384 48)', async () => {
    assert.strictEqual(Buffer.from((await generateJwk({ alg: 'HS384' })).k, 'base64url').length, 48);
    assert.strictEqual(Buffer.from((await generateJwk()).k, 'base64url').length, 32);
  });

  it('stable fingerprints for strong values, the keyed fallback for guessable ones', () => {
    const strong = generateSecret({ bytes: 32, encoding: 'hex' });
    const a = stableFingerprint(strong, () => 'fp:fallback');
    assert.match(a, /^sha256:[0-9a-f]{12}$/);
    assert.strictEqual(stableFingerprint(strong, () => 'fp:other'), a, 'stable across calls');
    assert.strictEqual(stableFingerprint('changeme', () => 'fp:fallback'), 'fp:fallback');
    assert.ok(!a.includes(strong.slice(0, 8)), 'no slice of the value');
  });
});
