import { algOfValue, generateLike, type HmacAlg, type SecretEncoding, type ValueShape } from '../core/generate';
import type { SecretValue } from '../core/rule';
import type { EnvEntry, ParsedSource } from '../core/types';

/** The strongest HMAC algorithm a sibling `*_ALG*` key of the file selects (HS384/HS512 need 48/64 bytes). */
export function algorithmOf(source: ParsedSource): HmacAlg | undefined {
  let best: HmacAlg | undefined;
  const rank = { HS256: 1, HS384: 2, HS512: 3 } as const;
  for (const e of source.entries) {
    if (!/ALG/i.test(e.key)) continue;
    const alg = algOfValue(e.value);
    if (alg && (!best || rank[alg] > rank[best])) best = alg;
  }
  return best;
}

export interface Replacement {
  /** Offsets in the file's text to replace. */
  start: number;
  end: number;
  /** The text to write there (a new secret, encoded as the file stores it). */
  newText: string;
  shape: ValueShape;
}

/**
 * A new secret for an entry, in the old value's shape (encoding, padding, at least as many bytes,
 * never under `minBytes` or the HS384/HS512 floor). A URL password is replaced alone and stays
 * URL-safe; Kubernetes `data:` gets the base64 of the new value. Undefined for read-only values.
 */
export function replacementFor(
  source: ParsedSource,
  entry: EnvEntry,
  secret: SecretValue | undefined,
  minBytes: number,
  /** An explicit shape (the user picked one); otherwise the old value's. */
  forced?: { encoding: SecretEncoding; bytes: number },
): Replacement | undefined {
  if (entry.readOnly) return undefined;
  const alg = algorithmOf(source);
  if (secret?.fromUrl) {
    const urlSafe: SecretEncoding = forced?.encoding === 'hex' || (!forced && /^[0-9a-f]+$/i.test(secret.value) && secret.value.length % 2 === 0) ? 'hex' : 'base64url';
    const { value, shape } = generateLike(secret.value, { minBytes, alg, encoding: urlSafe, bytes: forced?.bytes });
    return { start: secret.start, end: secret.end, newText: value, shape };
  }
  const old = secret?.value ?? entry.value;
  const { value, shape } = generateLike(old, forced ? { minBytes, alg, encoding: forced.encoding, bytes: forced.bytes } : { minBytes, alg });
  const newText = entry.encodedAs === 'base64' ? Buffer.from(value, 'utf8').toString('base64') : value;
  return { start: entry.valueStart, end: entry.valueEnd, newText, shape };
}
