/**
 * Crash safety of the CLI's writes (issue 7):
 * - `dist/cli.js rotate` on a 7 MB .env, SIGKILLed at the moment its temporary file appears and at
 *   random points (seeded) during the run: the .env is byte-identical to the original or fully the
 *   new version, never partial; a temporary file left by the kill breaks neither `check` nor the
 *   next `rotate`;
 * - in process, a crash at each write of a rotation (the file, an --also file, the journal, the
 *   .ics reminder) through the CliIO `beforeWrite` hook: the file being written is untouched, earlier
 *   files are complete, no temporary file stays, and the message says what was and was not written;
 * - mode and owner kept (owner: when the test runs as root and can give a file away).
 * Mode 0600/0640, symlinked targets and the concurrent-change refusal are in cli-rotate.test.ts.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dotenv from 'dotenv';
import { runRotate } from '../../server/src/cli/rotate';
import type { CliIO } from '../../server/src/cli/io';
import { CLI_JS, POSIX, SEED, listTemp, removeTree, runCliChild, tempDir, writeTree } from './hardening-support';

const CHILD_BOUND_MS = 60_000;

/** A 7 MB .env (under the 8 MiB default limit) with the family at the top and filler below. */
function bigEnv(): { text: string; jwt: string; previous: string } {
  const jwt = 'Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ';
  const previous = 'Pw2mR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4Kp9Ws1E';
  const filler = Array.from({ length: 110_000 }, (_, i) => `FILL_${i}=value-${i}-${'x'.repeat(40)}`);
  return { text: ['# big', `JWT_SECRET=${jwt}`, `JWT_SECRET_PREVIOUS=${previous}`, ...filler, ''].join('\n'), jwt, previous };
}

/** The original bytes, or a complete rotation of them; never anything in between. */
function assertIntactOrRotated(file: string, original: Buffer, big: { jwt: string; previous: string }, what: string): 'original' | 'rotated' {
  const now = readFileSync(file);
  if (now.equals(original)) return 'original';
  assert.equal(now.length, original.length, `${what}: neither the original nor a full rotation (${now.length} of ${original.length} bytes)`);
  const a = original.toString('utf8').split('\n');
  const b = now.toString('utf8').split('\n');
  assert.equal(b.length, a.length, `${what}: line count changed`);
  for (let i = 0; i < a.length; i++) if (i !== 1 && i !== 2) assert.ok(a[i] === b[i], `${what}: line ${i + 1} differs`);
  const v = dotenv.parse(now);
  assert.ok(v.JWT_SECRET_PREVIOUS === big.jwt, `${what}: the previous slot holds the old value`);
  assert.ok(/^[A-Za-z0-9+/_-]{43}$/.test(v.JWT_SECRET) && v.JWT_SECRET !== big.jwt, `${what}: a fresh value of the old shape`);
  return 'rotated';
}

/** A seeded generator for the kill points, so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** Runs rotate and SIGKILLs it when `killWhen` says so; resolves when the child is gone. */
function rotateAndKill(cwd: string, killWhen: 'temp-file' | number): Promise<{ signal: NodeJS.Signals | null; code: number | null; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_JS, 'rotate', 'JWT_SECRET'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    let killed = false;
    const kill = () => {
      if (!killed && child.exitCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    const watcher =
      killWhen === 'temp-file'
        ? watch(cwd, (_event, name) => {
            if (name && String(name).endsWith('.tmp')) kill();
          })
        : undefined;
    const timer = killWhen === 'temp-file' ? undefined : setTimeout(kill, killWhen);
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('rotate still running when the bound ran out (a hang)'));
    }, CHILD_BOUND_MS);
    child.on('close', (code, signal) => {
      watcher?.close();
      if (timer) clearTimeout(timer);
      clearTimeout(bound);
      resolve({ code, signal, killed });
    });
  });
}

describe('hardening: a CLI rotation killed mid-write leaves the original or the new version, never half', function () {
  this.timeout(600_000);
  let dir: string;
  const big = bigEnv();
  const original = Buffer.from(big.text, 'utf8');

  before(function () {
    assert.ok(existsSync(CLI_JS), 'dist/cli.js exists (run node scripts/build.mjs first)');
    dir = tempDir('sh-crash-');
  });
  after(() => removeTree(dir));

  it('SIGKILL when the temporary file appears, and at seeded random points of the run', async function () {
    const file = join(dir, '.env');
    // One unkilled run: it must succeed, and its duration bounds the random kill points (not an assertion).
    writeFileSync(file, original);
    chmodSync(file, 0o600);
    const t0 = Date.now();
    const full = await runCliChild(['rotate', 'JWT_SECRET'], dir, { timeoutMs: CHILD_BOUND_MS });
    const duration = Math.max(50, Date.now() - t0);
    assert.equal(full.code, 0, `an unkilled rotation succeeds: ${full.stderr.slice(0, 200)}`);
    assert.equal(assertIntactOrRotated(file, original, big, 'unkilled run'), 'rotated');

    const random = prng(SEED);
    const points: ('temp-file' | number)[] = ['temp-file', 'temp-file', 'temp-file', ...Array.from({ length: 9 }, () => Math.floor(random() * duration * 1.2))];
    const outcomes: string[] = [];
    for (const [i, point] of points.entries()) {
      writeFileSync(file, original);
      chmodSync(file, 0o600);
      const r = await rotateAndKill(dir, point);
      const what = `trial ${i} (kill at ${point === 'temp-file' ? 'the temp file' : point + ' ms'}, ${r.killed ? 'killed' : 'finished'})`;
      outcomes.push(assertIntactOrRotated(file, original, big, what));
      assert.equal(statSync(file).mode & 0o777, 0o600, `${what}: mode kept`);
      // A temporary file left by the kill is the new bytes so far, private to the owner, and ignored.
      for (const t of listTemp(dir)) {
        assert.match(t, /^\.\.env\.[0-9a-f]{12}\.tmp$/, `${what}: temp files are named .<file>.<random>.tmp`);
        assert.equal(statSync(join(dir, t)).mode & 0o077, 0, `${what}: a leftover temp file is readable by its owner only`);
      }
    }
    assert.ok(outcomes.includes('original'), 'some kills landed before the rename');

    // Leftover temp files do not break the next runs.
    const stray = listTemp(dir);
    const check = await runCliChild(['check', '.', '--format', 'json'], dir, { timeoutMs: CHILD_BOUND_MS });
    assert.ok(check.code === 0 || check.code === 1, `check after the kills: exit ${check.code}`);
    for (const t of stray) assert.ok(!check.stdout.includes(t), 'check does not read leftover temp files');
    writeFileSync(file, original);
    const again = await runCliChild(['rotate', 'JWT_SECRET'], dir, { timeoutMs: CHILD_BOUND_MS });
    assert.equal(again.code, 0, 'rotate after the kills succeeds');
    assert.equal(assertIntactOrRotated(file, original, big, 'rotate after the kills'), 'rotated');
  });
});

describe('hardening: a crash at any write of a rotation (in process, beforeWrite hook)', function () {
  this.timeout(120_000);

  async function rotateWithCrash(cwd: string, args: string[], crashAt: (abs: string) => boolean): Promise<{ code: number; err: string }> {
    let err = '';
    const io: CliIO = {
      cwd,
      stdout: () => undefined,
      stderr: (t) => (err += t),
      isTTY: false,
      env: {},
      now: () => new Date('2026-05-03T00:00:00Z'),
      beforeWrite: (abs) => {
        if (crashAt(abs)) throw new Error('simulated crash');
      },
    };
    return { code: await runRotate(args, io), err };
  }

  const files = {
    '.env': 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\nJWT_SECRET_PREVIOUS=\nPORT=3000\n',
    '.env.production': 'JWT_SECRET=Pw2mR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4Kp9Ws1E\nJWT_SECRET_PREVIOUS=\n',
    'docs/security/HARDENING-LOG.md': '# Log\n\n## 2026-01-01\n\n### JWT_SECRET rotation [done 2026-01-01]\n',
  };
  const args = ['JWT_SECRET', '--also', '.env.production', '--journal', '--ics'];
  const order = ['.env', '.env.production', 'docs/security/HARDENING-LOG.md', 'docs/security/JWT_SECRET-next-rotation.ics'];

  for (const [k, target] of order.entries()) {
    it(`a crash while writing ${target}: it is untouched, the ${k} write(s) before it are complete, no temp file stays`, async () => {
      const dir = tempDir('sh-crash-hook-');
      try {
        writeTree(dir, files);
        const before = new Map(order.map((f) => [f, existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : undefined]));
        const r = await rotateWithCrash(dir, args, (abs) => abs.endsWith(target.split('/').pop()!));
        assert.equal(r.code, 1, 'exit 1');
        assert.match(r.err, /not written|unchanged|write failed/, 'the message says what was not written');
        for (const [i, f] of order.entries()) {
          const now = existsSync(join(dir, f)) ? readFileSync(join(dir, f)) : undefined;
          if (i >= k) assert.ok(now === before.get(f) || (now && before.get(f) && now.equals(before.get(f)!)), `${f} untouched`);
          else assert.ok(now && (!before.get(f) || !now.equals(before.get(f)!)), `${f} written in full before the crash`);
          if (i < k && /\.env(\.production)?$/.test(f)) assert.ok(dotenv.parse(now!).JWT_SECRET_PREVIOUS !== '', `${f}: a complete rotation`);
        }
        for (const d of [dir, join(dir, 'docs', 'security')]) if (existsSync(d)) assert.deepEqual(readdirSync(d).filter((n) => n.endsWith('.tmp')), [], 'no temp file');
      } finally {
        removeTree(dir);
      }
    });
  }
});

describe('hardening: rotate keeps the file owner', function () {
  it('a file owned by another user keeps its uid and gid (needs root to give it away)', async function () {
    if (!POSIX || process.getuid?.() !== 0) this.skip();
    const dir = tempDir('sh-owner-');
    try {
      const file = join(dir, '.env');
      writeFileSync(file, 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\nJWT_SECRET_PREVIOUS=\n');
      chownSync(file, 4242, 4343);
      chmodSync(file, 0o640);
      const r = await runCliChild(['rotate', 'JWT_SECRET'], dir, { timeoutMs: CHILD_BOUND_MS });
      assert.equal(r.code, 0, r.stderr.slice(0, 200));
      const st = statSync(file);
      assert.equal(st.uid, 4242, 'owner kept');
      assert.equal(st.gid, 4343, 'group kept');
      assert.equal(st.mode & 0o777, 0o640, 'mode kept');
      assert.equal(dotenv.parse(readFileSync(file)).JWT_SECRET_PREVIOUS, 'Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ', 'rotated');
    } finally {
      removeTree(dir);
    }
  });
});
