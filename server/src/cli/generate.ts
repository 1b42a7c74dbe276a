import { ALG_BYTES, DEFAULT_SECRET_BYTES, generateJwk, generateSecret, isHmacAlg, isSecretEncoding, MAX_SECRET_BYTES, type HmacAlg, type RandomSource, type SecretEncoding } from '../core/generate';
import { EXIT_OK, EXIT_USAGE, parseArgs, UsageError, type CliIO } from './io';

export const generateUsage = `Usage: secret-hygiene generate [--bytes N] [--encoding hex|base64|base64url] [--alg HS256|HS384|HS512] [--format raw|jwk]

Prints one fresh secret from the operating system's CSPRNG (node:crypto) to stdout, and nothing
else: pipe it where it belongs (it is never put on the clipboard).

  --bytes N        key material in bytes (default 32; at least the --alg minimum)
  --encoding E     hex, base64 or base64url (default base64url)
  --alg A          HS256, HS384 or HS512: 32, 48 or 64 bytes (RFC 7518 §3.2)
  --format F       raw (default) or jwk: a JSON Web Key {"kty":"oct","k":...} exported with jose
  --no-newline     do not end the output with a newline

Exit codes: 0 printed, 2 bad usage.`;

/** `secret-hygiene generate`: the one command whose purpose is to print a fresh value. */
export async function runGenerate(args: string[], io: CliIO, random?: RandomSource): Promise<number> {
  let opts: { bytes: number; encoding: SecretEncoding; alg?: HmacAlg; format: 'raw' | 'jwk'; newline: boolean };
  try {
    const { flags, positionals } = parseArgs(args, { strings: ['bytes', 'encoding', 'alg', 'format'], booleans: ['help', 'no-newline'] });
    if (flags.help) {
      io.stdout(generateUsage + '\n');
      return EXIT_OK;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const encoding = (flags.encoding as string | undefined) ?? 'base64url';
    if (!isSecretEncoding(encoding)) throw new UsageError(`--encoding must be hex, base64 or base64url`);
    const algRaw = flags.alg as string | undefined;
    const alg = algRaw === undefined ? undefined : algRaw.toUpperCase();
    if (alg !== undefined && !isHmacAlg(alg)) throw new UsageError('--alg must be HS256, HS384 or HS512');
    const floor = alg ? ALG_BYTES[alg] : DEFAULT_SECRET_BYTES;
    let bytes = floor;
    if (flags.bytes !== undefined) {
      const raw = flags.bytes as string;
      if (!/^\d+$/.test(raw)) throw new UsageError('--bytes must be a whole number');
      bytes = Number(raw);
      if (bytes < DEFAULT_SECRET_BYTES || bytes > MAX_SECRET_BYTES) throw new UsageError(`--bytes must be from ${DEFAULT_SECRET_BYTES} to ${MAX_SECRET_BYTES} (a secret under 32 bytes is a short secret)`);
      if (alg && bytes < floor) throw new UsageError(`${alg} needs at least ${floor} bytes (RFC 7518 §3.2); --bytes ${bytes} is too few`);
    }
    const format = (flags.format as string | undefined) ?? 'raw';
    if (format !== 'raw' && format !== 'jwk') throw new UsageError('--format must be raw or jwk');
    if (format === 'jwk' && flags.encoding !== undefined) throw new UsageError('--encoding does not apply to --format jwk (a JWK is always base64url)');
    opts = { bytes, encoding, alg, format, newline: !flags['no-newline'] };
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`secret-hygiene generate: ${e.message}\n\n${generateUsage}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const end = opts.newline ? '\n' : '';
  if (opts.format === 'jwk') {
    const jwk = await generateJwk({ bytes: opts.bytes, alg: opts.alg, random });
    io.stdout(JSON.stringify(jwk) + end);
  } else {
    io.stdout(generateSecret({ bytes: opts.bytes, encoding: opts.encoding, random }) + end);
  }
  return EXIT_OK;
}
