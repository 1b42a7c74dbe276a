import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { decodedByteLength, detectEncoding, estimateStrength } from './strength';

/**
 * Secret generation. Every byte comes from node:crypto's CSPRNG (or, in tests, from a generator the
 * caller hands in); nothing here uses Math.random. No value ever leaves these functions except as
 * their return value.
 */

export type SecretEncoding = 'hex' | 'base64' | 'base64url';
export type HmacAlg = 'HS256' | 'HS384' | 'HS512';
export type RandomSource = (n: number) => Uint8Array;

/** The shape of a secret's text: how it encodes its key material and how much it holds. */
export type ValueShape = { encoding: 'hex' | 'base64' | 'base64url' | 'text'; bytes: number; padded: boolean };

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export const ALG_BYTES: Record<HmacAlg, number> = { HS256: 32, HS384: 48, HS512: 64 };
export const DEFAULT_SECRET_BYTES = 32;
/** Upper bound for `--bytes`: far above any real need, low enough that a typo cannot eat memory. */
export const MAX_SECRET_BYTES = 1024;

export const defaultRandom: RandomSource = (n) => nodeRandomBytes(n);

export function isSecretEncoding(s: string): s is SecretEncoding {
  return s === 'hex' || s === 'base64' || s === 'base64url';
}

export function isHmacAlg(s: string): s is HmacAlg {
  return s === 'HS256' || s === 'HS384' || s === 'HS512';
}

/** Encodes key material; base64url is unpadded unless asked, base64 padded unless asked. */
export function encodeSecret(bytes: Uint8Array, encoding: SecretEncoding, padded = encoding === 'base64'): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (encoding) {
    case 'hex':
      return buf.toString('hex');
    case 'base64': {
      const s = buf.toString('base64');
      return padded ? s : s.replace(/=+$/, '');
    }
    case 'base64url': {
      const s = buf.toString('base64url');
      return padded ? s + '='.repeat((4 - (s.length % 4)) % 4) : s;
    }
  }
}

export interface GenerateOptions {
  bytes?: number;
  encoding?: SecretEncoding;
  padded?: boolean;
  random?: RandomSource;
}

/** A fresh secret: `bytes` random bytes (32 by default) in the given encoding (base64url by default). */
export function generateSecret(options: GenerateOptions = {}): string {
  const bytes = options.bytes ?? DEFAULT_SECRET_BYTES;
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(`secret size must be an integer from 1 to ${MAX_SECRET_BYTES} bytes`);
  }
  const encoding = options.encoding ?? 'base64url';
  const raw = (options.random ?? defaultRandom)(bytes);
  if (raw.length !== bytes) throw new Error('the random source returned the wrong number of bytes');
  return encodeSecret(raw, encoding, options.padded ?? encoding === 'base64');
}

/**
 * The shape of an existing value: encoding, bytes of key material and padding. Stricter about
 * alphabets than the strength estimate and more tolerant of random runs (`--` occurs in one
 * base64url key in twelve), because a rotation must keep a random key's exact shape.
 */
export function shapeOf(value: string): ValueShape {
  const long = value.length >= 16;
  const cases = /[A-Z]/.test(value) && /[a-z]/.test(value);
  let encoding: ValueShape['encoding'];
  if (long && value.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(value) && !(/[a-f]/.test(value) && /[A-F]/.test(value))) encoding = 'hex';
  else if (long && cases && /^[A-Za-z0-9_-]+={0,2}$/.test(value) && /[-_]/.test(value)) encoding = 'base64url';
  else if (long && cases && /^[A-Za-z0-9+/]+={0,2}$/.test(value) && /[+/=]/.test(value)) encoding = 'base64';
  // Only letters and digits: unpadded lengths point to base64url, padded-size lengths to base64.
  else if (long && cases && /\d/.test(value) && /^[A-Za-z0-9]+$/.test(value)) encoding = value.length % 4 === 0 ? 'base64' : 'base64url';
  else encoding = detectEncoding(value);
  const bytes = decodedByteLength(value, encoding);
  // Standard base64 of a length divisible by 4 is taken as padded; other lengths show it is not.
  const padded = encoding === 'base64' ? /=$/.test(value) || value.length % 4 === 0 : encoding === 'base64url' ? /=$/.test(value) : false;
  return { encoding, bytes, padded };
}

export interface ShapeTarget {
  /** The floor for the new value's key material (config `minBytes`, 32 unless raised). */
  minBytes?: number;
  /** Raises the floor to 48/64 bytes (a sibling selects HS384/HS512). */
  alg?: HmacAlg;
  /** Forces an encoding (text values have none of their own). */
  encoding?: SecretEncoding;
  /** Forces the size. */
  bytes?: number;
}

/**
 * The shape a replacement for `old` takes: the same encoding and padding (hex stays hex, base64
 * keeps or drops its `=`), at least as many bytes as before, and never under the floor. Text values
 * (passwords, phrases) become base64url of 32 bytes: URL-safe, shell-safe, quote-safe.
 */
export function targetShape(old: string, target: ShapeTarget = {}): ValueShape {
  const floor = Math.max(target.minBytes ?? DEFAULT_SECRET_BYTES, target.alg ? ALG_BYTES[target.alg] : 0, DEFAULT_SECRET_BYTES);
  const s = old === '' ? undefined : shapeOf(old);
  if (target.encoding) {
    const bytes = target.bytes ?? Math.max(floor, s && s.encoding !== 'text' ? s.bytes : 0);
    return { encoding: target.encoding, bytes, padded: target.encoding === s?.encoding ? s.padded : target.encoding === 'base64' };
  }
  if (!s || s.encoding === 'text') return { encoding: 'base64url', bytes: target.bytes ?? floor, padded: false };
  return { encoding: s.encoding, bytes: target.bytes ?? Math.min(MAX_SECRET_BYTES, Math.max(floor, s.bytes)), padded: s.padded };
}

/** Generates a value of the given shape. */
export function generateShaped(shape: ValueShape, random: RandomSource = defaultRandom): string {
  const encoding: SecretEncoding = shape.encoding === 'text' ? 'base64url' : shape.encoding;
  return generateSecret({ bytes: shape.bytes, encoding, padded: shape.padded, random });
}

/** Generates a replacement for `old` that keeps its shape (see `targetShape`). */
export function generateLike(old: string, target: ShapeTarget = {}, random: RandomSource = defaultRandom): { value: string; shape: ValueShape } {
  const shape = targetShape(old, target);
  return { value: generateShaped(shape, random), shape };
}

/** The HMAC algorithm a value of the sibling `*_ALG`/`*_ALGORITHM` key selects, if any. */
export function algOfValue(value: string): HmacAlg | undefined {
  const m = /\bHS(256|384|512)\b/i.exec(value);
  return m ? (('HS' + m[1]) as HmacAlg) : undefined;
}

/** A JSON Web Key (RFC 7517) for a symmetric secret. */
export interface OctJwk {
  kty: 'oct';
  k: string;
  alg?: string;
  use?: string;
  kid?: string;
}

/**
 * A fresh symmetric key as a JWK, exported with jose's `exportJWK` so the output is exactly what
 * jose-based apps import. The key id is a random hex string, not derived from the key.
 */
export async function generateJwk(options: { bytes?: number; alg?: HmacAlg; random?: RandomSource } = {}): Promise<OctJwk> {
  const bytes = options.bytes ?? (options.alg ? ALG_BYTES[options.alg] : DEFAULT_SECRET_BYTES);
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_SECRET_BYTES) {
    throw new RangeError(`secret size must be an integer from 1 to ${MAX_SECRET_BYTES} bytes`);
  }
  const random = options.random ?? defaultRandom;
  const key = random(bytes);
  const { exportJWK } = await import('jose');
  const jwk = (await exportJWK(new Uint8Array(key))) as { kty?: string; k?: string };
  if (jwk.kty !== 'oct' || typeof jwk.k !== 'string') throw new Error('jose returned an unexpected JWK');
  const out: OctJwk = { kty: 'oct', k: jwk.k };
  if (options.alg) {
    out.alg = options.alg;
    out.use = 'sig';
  }
  out.kid = Buffer.from(random(8)).toString('hex');
  return out;
}

/**
 * A stable fingerprint for output and the journal, so that one rotation's "new" matches the next
 * one's "old". It is an unkeyed SHA-256 prefix, which is only safe for values nobody can guess; for
 * a guessable value (a weak password being rotated away) it would let a reader test guesses, so
 * those get the caller's keyed, per-run fingerprint instead.
 */
export function stableFingerprint(value: string, fallback: (value: string) => string): string {
  if (value === '') return '(empty)';
  const s = estimateStrength(value);
  if (s.entropyBits < 128) return fallback(value);
  return 'sha256:' + createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12);
}
