/**
 * `secret-hygiene rotate | generate | journal` on temp folders, through a fake CliIO: the seeds'
 * procedures end to end, CRLF/BOM/UTF-16 files, mode 0600 kept, a concurrent change refused,
 * exit codes, and no value in any output. Plus the atomic writer on its own.
 *
 * Assertion messages name keys and lengths only; values are compared with `same`.
 */
import * as assert from 'node:assert';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dotenv from 'dotenv';
import { runGenerate } from '../../server/src/cli/generate';
import type { CliIO } from '../../server/src/cli/io';
import { runJournal } from '../../server/src/cli/journal';
import { runRotate } from '../../server/src/cli/rotate';
import { decodeBytes } from '../../server/src/core/text';
import { ConcurrentChangeError, readSnapshot, readSnapshotOrAbsent, writeFileAtomic } from '../../server/src/node/atomic-write';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'rotation');
const POSIX = process.platform !== 'win32';
const temps: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sh-rotate-'));
  temps.push(dir);
  return dir;
}

function fixture(name: string): string {
  const dir = tempDir();
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(
  fn: (args: string[], io: CliIO) => Promise<number>,
  args: string[],
  cwd: string,
  opts: { now?: string; beforeWrite?: (p: string) => void | Promise<void> } = {},
): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = {
    cwd,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    isTTY: false,
    env: {},
    now: () => new Date(opts.now ?? '2026-05-03T06:30:00Z'),
    beforeWrite: opts.beforeWrite,
  };
  const code = await fn(args, io);
  return { code, out, err };
}

const rotate = (args: string[], cwd: string, opts?: Parameters<typeof cli>[3]) => cli(runRotate, args, cwd, opts);

function read(dir: string, file = '.env'): string {
  return readFileSync(join(dir, file), 'utf8');
}

function vals(dir: string, file = '.env'): Record<string, string> {
  return { ...dotenv.parse(readFileSync(join(dir, file))) };
}

function same(a: string | undefined, b: string | undefined, what: string): void {
  assert.ok(a === b, `${what}: ${a === undefined ? 'absent' : a.length + ' chars'} vs ${b === undefined ? 'absent' : b.length + ' chars'}`);
}

/** No value, nor any 8-character slice of one, in the text. */
function assertNoValue(text: string, values: (string | undefined)[], where: string): void {
  for (const v of values) {
    if (!v || v.length < 8) continue;
    for (let i = 0; i + 8 <= v.length; i++) {
      if (text.includes(v.slice(i, i + 8))) assert.fail(`${where} contains an 8-character slice of a ${v.length}-char value (offset ${i})`);
    }
  }
}

function noTempFiles(dir: string): void {
  const left = readdirSync(dir).filter((n) => n.endsWith('.tmp'));
  assert.deepStrictEqual(left, [], 'no temporary file left behind');
}

after(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('secret-hygiene rotate: the seeds end to end', () => {
  it('seed 000 JWT: rotate, then complete after the overlap window; output has fingerprints, never values', async () => {
    const dir = fixture('seed000-jwt');
    const before = vals(dir);
    const r = await rotate(['JWT_SECRET'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const after = vals(dir);
    same(after.JWT_SECRET_PREVIOUS, before.JWT_SECRET, 'JWT_SECRET_PREVIOUS := old JWT_SECRET');
    assert.ok(after.JWT_SECRET !== before.JWT_SECRET && after.JWT_SECRET.length === before.JWT_SECRET.length, 'fresh, same length');
    same(after.JWT_EXPIRES_IN, '15m', 'other keys untouched');
    assert.match(r.out, /Rotated JWT_SECRET in \.env \(scheme previous\)/);
    assert.match(r.out, /sha256:[0-9a-f]{12}/);
    assert.match(r.out, /rotate --complete JWT_SECRET/);
    assertNoValue(r.out + r.err, [before.JWT_SECRET, after.JWT_SECRET], 'rotate output');

    // Completion before the window would log users out: the journal says so only if it has the
    // rotation, so record it, then try at day 2 (refused without --yes) and day 8.
    assert.strictEqual((await cli(runJournal, ['JWT_SECRET', '--file', '.env'], dir)).code, 0);
    const early = await rotate(['--complete', 'JWT_SECRET'], dir, { now: '2026-05-05T00:00:00Z' });
    assert.strictEqual(early.code, 2);
    assert.match(early.err, /rotated 2 days ago/);
    same(vals(dir).JWT_SECRET_PREVIOUS, before.JWT_SECRET, 'nothing written on refusal');
    const done = await rotate(['--complete', 'JWT_SECRET'], dir, { now: '2026-05-11T00:00:00Z' });
    assert.strictEqual(done.code, 0, done.err);
    same(vals(dir).JWT_SECRET_PREVIOUS, '', 'previous slot emptied');
    same(vals(dir).JWT_SECRET, after.JWT_SECRET, 'current kept');
    assertNoValue(done.out + done.err, [before.JWT_SECRET, after.JWT_SECRET], 'completion output');
  });

  it('seed 000 wallet key: V2 := key, VERSION 3, new 32-byte hex; completion retires V1 only with --yes', async () => {
    const dir = fixture('seed000-wallet');
    const before = vals(dir);
    const r = await rotate(['WALLET_ENCRYPTION_KEY'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const after = vals(dir);
    same(after.WALLET_ENCRYPTION_KEY_V2, before.WALLET_ENCRYPTION_KEY, 'V2 := current');
    assert.strictEqual(after.WALLET_ENCRYPTION_KEY_VERSION, '3');
    assert.match(after.WALLET_ENCRYPTION_KEY, /^[0-9a-f]{64}$/, '32-byte hex (AES-256)');
    assert.match(r.err, /re-encrypt/);
    const unconfirmed = await rotate(['--complete', 'WALLET_ENCRYPTION_KEY'], dir);
    assert.strictEqual(unconfirmed.code, 2);
    assert.match(unconfirmed.err, /cannot be decrypted/);
    const done = await rotate(['--complete', 'WALLET_ENCRYPTION_KEY', '--yes'], dir);
    assert.strictEqual(done.code, 0, done.err);
    assert.deepStrictEqual(Object.keys(vals(dir)), ['WALLET_ENCRYPTION_KEY', 'WALLET_ENCRYPTION_KEY_VERSION', 'WALLET_ENCRYPTION_KEY_V2']);
  });

  it('seed 002 numbered: ACCESS_TOKEN_SECRET_0 := _1, new _1; the refresh family is untouched', async () => {
    const dir = fixture('seed002-numbered');
    const before = vals(dir);
    const r = await rotate(['ACCESS_TOKEN_SECRET'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const after = vals(dir);
    same(after.ACCESS_TOKEN_SECRET_0, before.ACCESS_TOKEN_SECRET_1, '_0 := _1');
    assert.match(after.ACCESS_TOKEN_SECRET_1, /^[0-9a-f]{64}$/);
    same(after.REFRESH_TOKEN_SECRET_1, before.REFRESH_TOKEN_SECRET_1, 'other family kept');
    same(after.REFRESH_TOKEN_SECRET_0, before.REFRESH_TOKEN_SECRET_0, 'other family kept');
  });

  it('seed 003 immediate: refused with exit 2 and the warning unless --yes; --create-slot offers zero downtime', async () => {
    const dir = fixture('seed003-immediate');
    const text = read(dir);
    const r = await rotate(['JWT_SECRET'], dir);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /every user must log in again/);
    assert.match(r.err, /--yes/);
    assert.match(r.err, /--create-slot/);
    assert.strictEqual(read(dir), text, 'nothing written');
    const before = vals(dir);
    const yes = await rotate(['JWT_SECRET', '--yes'], dir);
    assert.strictEqual(yes.code, 0, yes.err);
    assert.strictEqual(vals(dir).JWT_SECRET.length, 44, 'openssl rand -base64 32 shape');
    same(vals(dir).NEXTAUTH_SECRET, before.NEXTAUTH_SECRET, 'NEXTAUTH_SECRET untouched');
    const slot = await rotate(['NEXTAUTH_SECRET', '--create-slot'], dir);
    assert.strictEqual(slot.code, 0, slot.err);
    same(vals(dir).NEXTAUTH_SECRET_PREVIOUS, before.NEXTAUTH_SECRET, 'slot created with the old value');
    const pg = await rotate(['POSTGRES_PASSWORD'], dir);
    assert.strictEqual(pg.code, 2);
    assert.match(pg.err, /ALTER USER/);
    assertNoValue(r.err + yes.out + slot.out + pg.err, [before.JWT_SECRET, before.NEXTAUTH_SECRET, before.POSTGRES_PASSWORD, vals(dir).JWT_SECRET], 'output');
  });

  it('seed 004 runbook: emergency rotation with --journal --step A2.5 --ics keeps the 48-byte shape and records fingerprints', async () => {
    const dir = fixture('seed004-runbook');
    const before = vals(dir);
    const r = await rotate(['JWT_SECRET', '--scheme', 'previous', '--journal', '--trigger', 'emergency', '--reason', 'visible in a screen-share', '--step', 'A2.5', '--ics'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const after = vals(dir);
    assert.strictEqual(after.JWT_SECRET.length, 64, '48 bytes base64 = 64 chars');
    same(after.JWT_SECRET_PREVIOUS, before.JWT_SECRET, 'previous slot');
    assert.match(read(dir), /^export JWT_SECRET_PREVIOUS="/m, 'export and quotes copied');
    const log = read(dir, 'docs/security/HARDENING-LOG.md');
    assert.ok(log.startsWith('# Hardening log\n\nNewest first.\n\n## 2026-05-03\n\n### A2.5 — JWT_SECRET rotation [done 2026-05-03]\n'), 'entry at the top, under today');
    assert.match(log, /\*\*Trigger:\*\* emergency — visible in a screen-share/);
    const fps = r.out.match(/sha256:[0-9a-f]{12}/g) ?? [];
    assert.ok(fps.length >= 2 && fps.every((f) => log.includes(f)), 'the journal has the fingerprints the output showed');
    assert.match(log, /Next scheduled rotation:\*\* 2026-08-01/);
    assert.ok(log.includes('### A2.5 — JWT_SECRET rotation [done 2026-02-01]'), 'the older entry stays');
    assertNoValue(log + r.out + r.err, [before.JWT_SECRET, after.JWT_SECRET], 'journal and output');
    const ics = readFileSync(join(dir, 'docs/security/JWT_SECRET-next-rotation.ics'), 'utf8');
    assert.match(ics, /DTSTART;VALUE=DATE:20260801\r\n/);
  });

  it('Auth.js: --create-slot adds AUTH_SECRET_1 (the newest signs); AUTH_SECRET keeps the old value', async () => {
    const dir = fixture('authjs');
    const before = vals(dir);
    const r = await rotate(['AUTH_SECRET', '--create-slot'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const after = vals(dir);
    same(after.AUTH_SECRET, before.AUTH_SECRET, 'AUTH_SECRET kept');
    assert.ok(after.AUTH_SECRET_1 && after.AUTH_SECRET_1 !== before.AUTH_SECRET, 'AUTH_SECRET_1 new');
    assert.match(r.out, /Auth\.js signs with it/);
  });
});

describe('secret-hygiene rotate: files kept as they were', () => {
  it('CRLF with a UTF-8 BOM: the BOM and every CRLF survive; only the family lines change', async () => {
    const dir = tempDir();
    const old = 'Kp3mX9vQ2wR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4=';
    const text = `\uFEFF# app\r\nAPI_URL=https://example.com\r\nJWT_SECRET=${old}\r\nJWT_SECRET_PREVIOUS=\r\nTAIL=1\r\n`;
    writeFileSync(join(dir, '.env'), text, 'utf8');
    const r = await rotate(['JWT_SECRET'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const bytes = readFileSync(join(dir, '.env'));
    assert.deepStrictEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM kept');
    const out = bytes.toString('utf8');
    assert.ok(!/[^\r]\n/.test(out), 'CRLF only');
    const lines = out.split('\r\n');
    assert.deepStrictEqual([lines[0], lines[1], lines[4], lines[5]], ['\uFEFF# app', 'API_URL=https://example.com', 'TAIL=1', '']);
    same(dotenv.parse(out).JWT_SECRET_PREVIOUS, old, 'previous slot');
  });

  it('CRLF: an inserted slot line ends with CRLF', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'A=1\r\nJWT_SECRET=Kp3mX9vQ2wR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4=\r\nB=2\r\n');
    assert.strictEqual((await rotate(['JWT_SECRET', '--create-slot'], dir)).code, 0);
    assert.match(read(dir), /^A=1\r\nJWT_SECRET=\S+\r\nJWT_SECRET_PREVIOUS=\S+\r\nB=2\r\n$/);
  });

  it('UTF-16 LE (PowerShell) stays UTF-16 LE with its BOM', async () => {
    const dir = tempDir();
    const text = 'JWT_SECRET=Kp3mX9vQ2wR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4=\r\nJWT_SECRET_PREVIOUS=\r\n';
    writeFileSync(join(dir, '.env'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    assert.strictEqual((await rotate(['JWT_SECRET'], dir)).code, 0);
    const d = decodeBytes(readFileSync(join(dir, '.env')));
    assert.ok(d.ok && d.encoding === 'utf16le' && d.bom, 'UTF-16 LE with BOM');
    if (d.ok) same(dotenv.parse(d.text).JWT_SECRET_PREVIOUS, 'Kp3mX9vQ2wR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4=', 'previous slot');
  });

  (POSIX ? it : it.skip)('mode 0600 stays 0600 (and 0640 stays 0640)', async () => {
    for (const mode of [0o600, 0o640]) {
      const dir = fixture('seed000-jwt');
      chmodSync(join(dir, '.env'), mode);
      assert.strictEqual((await rotate(['JWT_SECRET'], dir)).code, 0);
      assert.strictEqual(statSync(join(dir, '.env')).mode & 0o777, mode, `mode ${mode.toString(8)} kept`);
      noTempFiles(dir);
    }
  });

  (POSIX ? it : it.skip)('a symlinked .env: the target gets the new bytes, the link stays a link', async () => {
    const dir = fixture('seed000-jwt');
    cpSync(join(dir, '.env'), join(dir, 'real.env'));
    rmSync(join(dir, '.env'));
    symlinkSync('real.env', join(dir, '.env'));
    const before = vals(dir, 'real.env');
    assert.strictEqual((await rotate(['JWT_SECRET'], dir)).code, 0);
    assert.ok(lstatSync(join(dir, '.env')).isSymbolicLink(), 'still a link');
    same(vals(dir, 'real.env').JWT_SECRET_PREVIOUS, before.JWT_SECRET, 'target rotated');
  });

  it('a concurrent change between read and write is refused and the other writer wins', async () => {
    const dir = fixture('seed000-jwt');
    const theirs = read(dir) + 'ADDED_BY_SOMEONE_ELSE=1\n';
    const r = await rotate(['JWT_SECRET'], dir, { beforeWrite: (p) => writeFileSync(p, theirs) });
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /changed since it was read/);
    assert.strictEqual(read(dir), theirs, 'their bytes stay');
    noTempFiles(dir);
  });

  it('a same-size change with the old mtime restored is still caught (bytes are compared)', async () => {
    const dir = fixture('seed000-jwt');
    const file = join(dir, '.env');
    const r = await rotate(['JWT_SECRET'], dir, {
      beforeWrite: (p) => {
        const st = statSync(p);
        const t = readFileSync(p, 'utf8');
        writeFileSync(p, t.replace('PORT=3000', 'PORT=3001'));
        utimesSync(p, st.atime, st.mtime);
      },
    });
    assert.strictEqual(r.code, 1);
    assert.match(read(dir), /PORT=3001/);
    assert.ok(existsSync(file));
  });
});

describe('secret-hygiene rotate: exit codes and refusals', () => {
  it('2 on bad usage: no key, two keys, unknown option, bad scheme, --reason without --journal', async () => {
    const dir = fixture('seed000-jwt');
    for (const args of [[], ['A', 'B'], ['JWT_SECRET', '--frobnicate'], ['JWT_SECRET', '--scheme', 'magic'], ['JWT_SECRET', '--reason', 'x'], ['--complete', 'JWT_SECRET', '--create-slot'], ['JWT_SECRET', '--bytes', '8']]) {
      const r = await rotate(args, dir);
      assert.strictEqual(r.code, 2, `args ${args.join(' ')}`);
      assert.match(r.err, /Usage: secret-hygiene rotate/);
    }
    assert.strictEqual((await rotate(['--help'], dir)).code, 0);
  });

  it('1 when refused: missing file, missing key, key defined twice, unparseable line; nothing written', async () => {
    const dir = tempDir();
    assert.strictEqual((await rotate(['JWT_SECRET'], dir)).code, 1, 'no .env');
    writeFileSync(join(dir, '.env'), 'A=1\nJWT_SECRET=one-value-here-1234567890\nJWT_SECRET=two-value-here-1234567890\nBROKEN="unterminated\n');
    const text = read(dir);
    const missing = await rotate(['NOPE'], dir);
    assert.strictEqual(missing.code, 1);
    assert.match(missing.err, /NOPE is not defined in \.env/);
    const twice = await rotate(['JWT_SECRET'], dir);
    assert.strictEqual(twice.code, 1);
    assert.match(twice.err, /defined 2 times/);
    const broken = await rotate(['BROKEN', '--yes'], dir);
    assert.strictEqual(broken.code, 1);
    assert.match(broken.err, /cannot read safely/);
    assert.strictEqual(read(dir), text);
    assertNoValue(missing.err + twice.err + broken.err, ['one-value-here-1234567890', 'two-value-here-1234567890'], 'refusals');
  });

  it('--dry-run shows the plan and writes nothing', async () => {
    const dir = fixture('seed000-jwt');
    const text = read(dir);
    const r = await rotate(['JWT_SECRET', '--dry-run'], dir);
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /Would rotate JWT_SECRET/);
    assert.match(r.out, /Dry run: nothing was written/);
    assert.strictEqual(read(dir), text);
  });

  it('--also rotates sibling files, each with its own value; one refusal writes nothing anywhere', async () => {
    const dir = fixture('seed000-jwt');
    cpSync(join(dir, '.env'), join(dir, '.env.production'));
    const hint = await rotate(['JWT_SECRET', '--dry-run'], dir);
    assert.match(hint.out, /also set in \.env\.production/);
    const r = await rotate(['JWT_SECRET', '--also', '.env.production'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const a = vals(dir);
    const b = vals(dir, '.env.production');
    assert.ok(a.JWT_SECRET !== b.JWT_SECRET, 'each file gets its own fresh value');
    same(a.JWT_SECRET_PREVIOUS, b.JWT_SECRET_PREVIOUS, 'both kept the same old value');

    writeFileSync(join(dir, '.env.staging'), 'OTHER=1\n');
    const textA = read(dir);
    const refused = await rotate(['JWT_SECRET', '--also', '.env.production', '.env.staging'], dir);
    assert.strictEqual(refused.code, 1);
    assert.match(refused.err, /JWT_SECRET is not defined in \.env\.staging/);
    assert.strictEqual(read(dir), textA, 'the first file is not written either');
  });

  it('an example file is refused', async () => {
    const dir = fixture('seed000-jwt');
    cpSync(join(dir, '.env'), join(dir, '.env.example'));
    const r = await rotate(['JWT_SECRET', '--file', '.env.example'], dir);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /example file/);
  });
});

describe('secret-hygiene generate', () => {
  const gen = (args: string[]) => cli(runGenerate, args, tmpdir());

  it('prints one 32-byte base64url value and a newline, nothing else', async () => {
    const r = await gen([]);
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^[A-Za-z0-9_-]{43}\n$/);
    assert.strictEqual(r.err, '');
    const again = await gen([]);
    assert.ok(again.out !== r.out, 'fresh each time');
  });

  it('--encoding hex --bytes 48, --alg HS512, --format jwk', async () => {
    assert.match((await gen(['--encoding', 'hex', '--bytes', '48'])).out, /^[0-9a-f]{96}\n$/);
    assert.strictEqual(Buffer.from((await gen(['--alg', 'HS512'])).out.trim(), 'base64url').length, 64);
    const jwk = JSON.parse((await gen(['--format', 'jwk', '--alg', 'HS384'])).out);
    assert.strictEqual(jwk.kty, 'oct');
    assert.strictEqual(jwk.alg, 'HS384');
    assert.strictEqual(Buffer.from(jwk.k, 'base64url').length, 48);
    assert.match((await gen(['--no-newline', '--encoding', 'base64'])).out, /^[A-Za-z0-9+/]{43}=$/);
  });

  it('exit 2 on bad usage: short --bytes, --alg with too few bytes, unknown encoding, stray argument', async () => {
    for (const args of [['--bytes', '16'], ['--alg', 'HS512', '--bytes', '32'], ['--encoding', 'base32'], ['extra'], ['--format', 'pem']]) {
      const r = await gen(args);
      assert.strictEqual(r.code, 2, `args ${args.join(' ')}`);
      assert.strictEqual(r.out, '', 'no value printed on error');
    }
  });
});

describe('secret-hygiene journal', () => {
  it('adds an entry with the current fingerprint from --file; --dry-run prints instead of writing', async () => {
    const dir = fixture('seed000-jwt');
    const dry = await cli(runJournal, ['JWT_SECRET', '--file', '.env', '--dry-run', '--step', 'A2.5'], dir);
    assert.strictEqual(dry.code, 0);
    assert.match(dry.out, /### A2\.5 — JWT_SECRET rotation \[done 2026-05-03\]/);
    assert.ok(!existsSync(join(dir, 'docs')), 'nothing written');
    const r = await cli(runJournal, ['JWT_SECRET', '--file', '.env', '--trigger', 'emergency', '--reason', 'committed to a repo'], dir);
    assert.strictEqual(r.code, 0, r.err);
    const log = read(dir, 'docs/security/HARDENING-LOG.md');
    assert.match(log, /### JWT_SECRET rotation \[done 2026-05-03\]/);
    assert.match(log, /emergency — committed to a repo/);
    assert.match(log, /→ sha256:[0-9a-f]{12}/);
    assertNoValue(log + r.out + dry.out, [vals(dir).JWT_SECRET], 'journal');
    assert.strictEqual((await cli(runJournal, ['JWT_SECRET', '--trigger', 'later'], dir)).code, 2);
    assert.strictEqual((await cli(runJournal, ['JWT_SECRET', '--date', '2026-02-30'], dir)).code, 2);
  });

  it('uses the project template and journal path from .secret-hygiene.json', async () => {
    const dir = fixture('seed000-jwt');
    writeFileSync(join(dir, '.secret-hygiene.json'), JSON.stringify({ journal: 'SECURITY-LOG.md', journalTemplate: 'tpl.md' }));
    writeFileSync(join(dir, 'tpl.md'), '### {{heading}}\n\nnext: {{nextRotation}} {{oops}}\n');
    const r = await cli(runJournal, ['JWT_SECRET'], dir);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.err, /unknown placeholder \{\{oops\}\}/);
    assert.match(read(dir, 'SECURITY-LOG.md'), /### JWT_SECRET rotation \[done 2026-05-03\]\n\nnext: 2026-08-01 \{\{oops\}\}\n/);
  });
});

describe('atomic write', () => {
  it('replaces the bytes, keeps the mode, leaves no temp file', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.env');
    writeFileSync(file, 'A=1\n');
    if (POSIX) chmodSync(file, 0o640);
    const snap = await readSnapshot(file);
    await writeFileAtomic(snap, Buffer.from('A=2\n'));
    assert.strictEqual(readFileSync(file, 'utf8'), 'A=2\n');
    if (POSIX) assert.strictEqual(statSync(file).mode & 0o777, 0o640);
    noTempFiles(dir);
  });

  it('refuses when the file changed, vanished, or appeared since it was looked at', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.env');
    writeFileSync(file, 'A=1\n');
    const snap = await readSnapshot(file);
    writeFileSync(file, 'A=1\nB=2\n');
    await assert.rejects(writeFileAtomic(snap, Buffer.from('X')), ConcurrentChangeError);
    assert.strictEqual(readFileSync(file, 'utf8'), 'A=1\nB=2\n');
    const snap2 = await readSnapshot(file);
    rmSync(file);
    await assert.rejects(writeFileAtomic(snap2, Buffer.from('X')), /deleted or moved/);
    const absent = await readSnapshotOrAbsent(join(dir, 'new.md'));
    writeFileSync(join(dir, 'new.md'), 'someone else');
    await assert.rejects(writeFileAtomic(absent, Buffer.from('X')), /created by someone else/);
    noTempFiles(dir);
  });

  it('a failure before the rename (a crash stand-in) leaves the original intact and no temp file', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.env');
    writeFileSync(file, 'ORIGINAL=1\n');
    const snap = await readSnapshot(file);
    await assert.rejects(
      writeFileAtomic(snap, Buffer.from('NEW=1\n'), {
        beforeCommit: () => {
          // The temp file is fully on disk here; dying now must not touch the original.
          assert.strictEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')).length, 1);
          throw new Error('simulated crash');
        },
      }),
      /simulated crash/,
    );
    assert.strictEqual(readFileSync(file, 'utf8'), 'ORIGINAL=1\n');
    noTempFiles(dir);
  });
});
