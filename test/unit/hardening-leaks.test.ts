/**
 * Leak audit of the CLI (issue 7). A workspace where every secret is a fresh random canary (every
 * quote style, export, multi-line, URLs, commented-out, example files, compose map/list/default,
 * Spring YAML, Kubernetes base64 data, appsettings.json, .properties, reuse across files, a broken
 * config quoting a canary) goes through every CLI path: check in text/json/sarif (stdout and
 * --output), rotate (dry run, --also, --journal, --ics, immediate, URL, every config format,
 * refusals), rotate --complete, journal, and their error messages. No output, journal or .ics holds
 * a canary or any 8-character slice of one; files change only where a value deliberately moves.
 * The server's side is test/lsp/hardening-leaks.test.ts.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as dotenv from 'dotenv';
import { main } from '../../server/src/cli';
import type { CliIO } from '../../server/src/cli/io';
import { buildCanaryWorkspace, CLI_JS, assertNoCanary, removeTree, runCliChild, tempDir, type Canary, type CanaryWorkspace } from './hardening-support';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { cwd, stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, env: {}, now: () => new Date('2026-11-22T00:00:00Z') };
  const code = await main(args, io);
  return { code, out, err };
}

/** Every regular file under root (symlinks and .git excluded), as text. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs);
      else if (st.isFile()) out.set(relative(root, abs), readFileSync(abs, 'utf8'));
    }
  };
  walk(root);
  return out;
}

const count = (text: string, needle: string) => (needle === '' ? 0 : text.split(needle).length - 1);

/** No canary gained a copy anywhere: a value may move inside a file (count kept) or leave it, never multiply. */
function assertNoCopies(before: Map<string, string>, after: Map<string, string>, canaries: readonly Canary[], what: string): void {
  for (const [file, text] of after) {
    const old = before.get(file) ?? '';
    for (const c of canaries) {
      for (const [i, s] of c.secret.entries()) {
        if (count(text, s) > count(old, s)) assert.fail(`${what}: ${file} gained a copy of canary ${c.label}#${i}`);
      }
    }
  }
}

describe('hardening: leak audit of every CLI output path', function () {
  this.timeout(180_000);
  let root: string;
  let ws: CanaryWorkspace;
  const no = (text: string, where: string) => assertNoCanary(text, ws.canaries, where);

  before(() => {
    assert.ok(existsSync(CLI_JS), 'dist/cli.js exists (run node scripts/build.mjs first)');
    root = tempDir('sh-leaks-cli-');
    ws = buildCanaryWorkspace(root);
    chmodSync(join(root, '.env'), 0o644);
  });
  after(() => removeTree(root));

  it('check (bundled CLI): text, json, sarif on stdout and --output, --quiet, one named file, rule overrides', async () => {
    const runs: string[][] = [
      ['check', '.'],
      ['check', '.', '--format', 'json'],
      ['check', '.', '--format', 'sarif'],
      ['check', '.', '--quiet'],
      ['check', '.env', '--format', 'json'],
      ['check', 'k8s/app-secret.yaml', 'appsettings.json', '--format', 'sarif'],
      ['check', '.', '--rule', 'weak-secret=hint', '--rule', 'reused-secret=error', '--max-warnings', '0'],
      ['check', '.', '--format', 'sarif', '--output', 'report.sarif'],
      ['check', '.', '--format', 'json', '--output', 'report.json'],
    ];
    let findings = 0;
    for (const args of runs) {
      const r = await runCliChild(args, root);
      assert.ok(r.code === 1 || r.code === 0, `${args.join(' ')}: exit ${r.code}`);
      no(r.stdout, `${args.join(' ')}: stdout`);
      no(r.stderr, `${args.join(' ')}: stderr`);
      findings += (r.stdout.match(/error|warning/g) ?? []).length;
    }
    no(readFileSync(join(root, 'report.sarif'), 'utf8'), 'report.sarif');
    no(readFileSync(join(root, 'report.json'), 'utf8'), 'report.json');
    assert.ok(findings > 50, 'the canaries were found (the audit is not vacuous)');
    const json = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as { findings: { ruleId: string }[] };
    for (const rule of ['weak-secret', 'short-secret', 'reused-secret', 'committed-credential', 'client-exposed-secret', 'broken-version-chain', 'rotation-overdue', 'stale-previous-slot', 'parse-error']) {
      assert.ok(json.findings.some((f) => f.ruleId === rule), `${rule} fired: its message path is audited`);
    }
  });

  it('rotate --dry-run, then rotate with --also, --create-slot, --journal, --ics: the old value moves to the previous slot and nowhere else', async () => {
    const dry = await cli(['rotate', 'JWT_SECRET', '--dry-run', '--also', '.env.production', '--create-slot'], root);
    assert.equal(dry.code, 0, 'dry run');
    no(dry.out + dry.err, 'rotate --dry-run');

    const before = snapshot(root);
    const r = await cli(['rotate', 'JWT_SECRET', '--also', '.env.production', '--create-slot', '--journal', '--ics', '--step', 'A2.5', '--trigger', 'emergency', '--reason', 'seen in a screen share'], root);
    assert.equal(r.code, 0, `rotate: ${r.err.slice(0, 300)}`);
    no(r.out, 'rotate stdout');
    no(r.err, 'rotate stderr');
    const after = snapshot(root);
    assertNoCopies(before, after, ws.canaries, 'rotate');

    // Deliberate moves, asserted explicitly: the old current value is now the previous slot.
    const env = dotenv.parse(after.get('.env')!);
    assert.ok(env.JWT_SECRET_PREVIOUS === ws.c.jwt.value, '.env: JWT_SECRET_PREVIOUS holds the old JWT_SECRET');
    assert.equal(count(after.get('.env')!, ws.c.jwt.value), 1, '.env: the old value sits once, in the previous slot');
    assert.equal(count(after.get('.env')!, ws.c.jwtPrev.value), 0, '.env: the value before it is gone');
    assert.ok(!ws.canaries.some((c) => c.value === env.JWT_SECRET) && /^[A-Za-z0-9_-]{43}$/.test(env.JWT_SECRET), '.env: a fresh value of the same shape');
    const prod = dotenv.parse(after.get('.env.production')!);
    assert.ok(prod.JWT_SECRET_PREVIOUS === ws.c.prodJwt.value, '.env.production: the created slot holds the old value');
    assert.equal(count(after.get('.env.production')!, ws.c.prodJwt.value), 1, '.env.production: once');
    // Every other line of both files is byte for byte the same.
    const otherLines = (t: string) => t.split('\n').filter((l) => !/^(export )?JWT_SECRET(_PREVIOUS)?=/.test(l));
    assert.deepEqual(otherLines(after.get('.env')!), otherLines(before.get('.env')!), '.env: every other line kept');
    assert.deepEqual(otherLines(after.get('.env.production')!), otherLines(before.get('.env.production')!), '.env.production: every other line kept');

    const journal = after.get(join('docs', 'security', 'HARDENING-LOG.md'))!;
    assert.match(journal, /A2\.5 — JWT_SECRET rotation \[done 2026-11-22\]/);
    no(journal, 'the journal');
    const ics = [...after.keys()].filter((k) => k.endsWith('.ics'));
    assert.equal(ics.length, 1, 'one .ics reminder');
    no(after.get(ics[0])!, 'the .ics reminder');
  });

  it('immediate rotation (refused without --yes, then confirmed), a URL password, and every config format', async () => {
    const refused = await cli(['rotate', 'SESSION_SECRET'], root);
    assert.equal(refused.code, 2, 'an immediate rotation needs --yes');
    no(refused.out + refused.err, 'immediate refusal');
    const runs: string[][] = [
      ['rotate', 'SESSION_SECRET', '--yes'],
      ['rotate', 'DATABASE_URL', '--yes'],
      ['rotate', 'COOKIE_SECRET', '--create-slot'],
      ['rotate', 'JWT_SECRET', '--file', 'docker-compose.yml', '--yes'],
      ['rotate', 'DB_PASSWORD', '--file', 'docker-compose.yml', '--yes'],
      ['rotate', 'jwt.secret', '--file', 'src/main/resources/application.yml', '--yes'],
      ['rotate', 'spring.datasource.url', '--file', 'src/main/resources/application.yml', '--yes'],
      ['rotate', 'JWT_SECRET', '--file', 'k8s/app-secret.yaml', '--yes'],
      ['rotate', 'API_TOKEN', '--file', 'k8s/app-secret.yaml', '--yes'],
      ['rotate', 'Jwt.Key', '--file', 'appsettings.json', '--yes'],
      ['rotate', 'jwt.secret', '--file', 'application.properties', '--yes'],
      ['rotate', 'API_KEYS', '--file', '.env.production'],
    ];
    let done = 0;
    for (const args of runs) {
      const before = snapshot(root);
      const r = await cli(args, root);
      no(r.out, `${args.join(' ')}: stdout`);
      no(r.err, `${args.join(' ')}: stderr`);
      assertNoCopies(before, snapshot(root), ws.canaries, args.join(' '));
      if (r.code === 0) done++;
      else assert.ok(/Nothing was written|nothing was written/.test(r.err), `${args.join(' ')}: a refusal says nothing was written`);
    }
    assert.ok(done >= 8, `most rotations went through (${done}), so their outputs were audited`);
    const prod = dotenv.parse(readFileSync(join(root, '.env.production'), 'utf8'));
    assert.equal(prod.API_KEYS.split(',')[1], ws.c.listA.value, 'list scheme: the old first key is now second');
  });

  it('refusals and errors: missing key, example file, unreadable line, reference default, broken version chain, bad usage', async () => {
    const runs: string[][] = [
      ['rotate', 'NOPE'],
      ['rotate', 'JWT_SECRET', '--file', '.env.example'],
      ['rotate', 'BROKEN', '--file', '.env.production', '--yes'],
      ['rotate', 'SESSION_SECRET', '--file', 'docker-compose.yml', '--yes'],
      ['rotate', 'ENC_KEY'],
      ['rotate', 'PRIVATE_KEY', '--yes'],
      ['rotate', 'STRIPE_SECRET_KEY', '--yes'],
      ['rotate', 'JWT_SECRET', '--file', 'missing.env'],
      ['rotate', 'ENC_KEY_VERSION'],
      ['rotate', '--complete', 'SESSION_SECRET'],
      ['rotate', 'JWT_SECRET', '--bytes', '8'],
      ['journal', 'NOPE', '--file', '.env'],
      ['check', 'no/such/folder'],
    ];
    for (const args of runs) {
      const before = snapshot(root);
      const r = await cli(args, root);
      no(r.out, `${args.join(' ')}: stdout`);
      no(r.err, `${args.join(' ')}: stderr`);
      assertNoCopies(before, snapshot(root), ws.canaries, args.join(' '));
    }
  });

  it('rotate --complete and the journal command: outputs, journal and reminder hold no canary', async () => {
    const before = snapshot(root);
    const done = await cli(['rotate', '--complete', 'JWT_SECRET', '--yes'], root);
    assert.equal(done.code, 0, `complete: ${done.err.slice(0, 300)}`);
    no(done.out + done.err, 'rotate --complete');
    const after = snapshot(root);
    assertNoCopies(before, after, ws.canaries, 'complete');
    assert.equal(count(after.get('.env')!, ws.c.jwt.value), 0, 'completion removed the old value from .env');

    for (const args of [
      ['journal', 'SESSION_SECRET', '--file', '.env', '--dry-run', '--ics'],
      ['journal', 'SESSION_SECRET', '--file', '.env', '--ics', '--trigger', 'emergency', '--reason', 'laptop stolen', '--step', 'B1'],
      ['journal', 'Jwt.Key', '--file', 'appsettings.json'],
    ]) {
      const r = await cli(args, root);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err.slice(0, 200)}`);
      no(r.out + r.err, args.join(' '));
    }
    const files = snapshot(root);
    no(files.get(join('docs', 'security', 'HARDENING-LOG.md'))!, 'the journal after every command');
    for (const [name, text] of files) if (name.endsWith('.ics')) no(text, name);
  });
});
