import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { main } from '../../server/src/cli';
import type { CliIO } from '../../server/src/cli/io';

const repo = join(__dirname, '..', '..', '..');

/** Values planted in the fixtures: no output may contain them, nor any 8-character slice of them. */
const CANARIES = [
  'changeme-canary-Q7',
  '9f2c1e7a4b8d3f6e0a1c5b9d7e3f2a4c6b8d0e1f3a5c7e9b2d4f6a8c0e1b3d5f',
  'Zq3vK9mW2xR8tY6uP4nB7cE1fH5jL0aS',
  'pg-pass-canary-771',
];

function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sh-cli-'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules\n');
  writeFileSync(join(dir, '.env'), `JWT_SECRET=${CANARIES[0]}\nA = b\nNOEQ\nAPI_URL=https://example.com\n`);
  writeFileSync(join(dir, '.env.production'), `NEXTAUTH_SECRET=${CANARIES[1]}\nJWT_SECRET=${CANARIES[1]}\nDATABASE_URL=postgres://app:${CANARIES[3]}@db/app\n`);
  mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
  writeFileSync(join(dir, 'apps', 'web', '.env'), `NEXT_PUBLIC_JWT_SECRET=${CANARIES[2]}\n`);
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'x', '.env'), 'NOEQ_IN_NODE_MODULES\n');
  chmodSync(join(dir, '.env'), 0o644);
  return dir;
}

async function run(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { cwd, stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, env, now: () => new Date('2026-11-22T00:00:00Z') };
  const code = await main(args, io);
  return { code, out, err };
}

function assertNoCanary(text: string): void {
  for (const c of CANARIES) {
    for (let i = 0; i + 8 <= c.length; i++) {
      const slice = c.slice(i, i + 8);
      if (text.includes(slice)) assert.fail(`output contains an 8-character slice of canary #${CANARIES.indexOf(c)} at offset ${i}`);
    }
  }
}

describe('secret-hygiene check (CLI)', () => {
  let ws: string;
  before(() => {
    ws = makeWorkspace();
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  it('prints file:line:col severity rule-id message and exits 1 on errors', async () => {
    const r = await run(['check'], ws);
    assert.equal(r.code, 1);
    assert.match(r.out, /^\.env:3:1 error parse-error dotenv skips this line/m);
    assert.match(r.out, /^\.env:2:2 warning parse-error Space before "="/m);
    assert.doesNotMatch(r.out, /node_modules/);
    assert.match(r.out, /files? checked: \d+ errors?/);
  });

  it('exits 0 on a clean tree and says so', async () => {
    const clean = mkdtempSync(join(tmpdir(), 'sh-clean-'));
    writeFileSync(join(clean, '.env.example'), 'JWT_SECRET=\nPORT=3000\n');
    const r = await run(['check', clean], ws);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /no findings/);
    rmSync(clean, { recursive: true, force: true });
  });

  it('exits 2 on bad usage and on a missing path', async () => {
    assert.equal((await run(['check', '--format', 'xml'], ws)).code, 2);
    assert.equal((await run(['check', '--bogus'], ws)).code, 2);
    assert.equal((await run(['check', 'no/such/dir'], ws)).code, 2);
    assert.equal((await run(['check', '--max-warnings', '-1'], ws)).code, 2);
    assert.equal((await run(['check', '--rule', 'nope=error'], ws)).code, 2);
  });

  it('exits 2 when a file named on the command line is not text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-bin-'));
    writeFileSync(join(dir, '.env'), Buffer.from([0x41, 0x00, 0x42, 0xff, 0x00, 0x01, 0x02]));
    const r = await run(['check', join(dir, '.env')], ws);
    assert.equal(r.code, 2);
    assert.match(r.out, /File skipped: binary file/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--max-warnings fails on too many warnings; --rule turns a rule off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-warn-'));
    writeFileSync(join(dir, '.gitignore'), '.env\n');
    writeFileSync(join(dir, '.env'), 'A = b\n');
    chmodSync(join(dir, '.env'), 0o600);
    const base = await run(['check', dir], ws);
    assert.equal(base.code, 0, base.out);
    assert.equal((await run(['check', dir, '--max-warnings', '0'], ws)).code, 1);
    const off = await run(['check', dir, '--max-warnings', '0', '--rule', 'parse-error=off'], ws);
    assert.equal(off.code, 0, off.out);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--format json lists findings with 1-based positions', async () => {
    const r = await run(['check', '--format', 'json'], ws);
    const json = JSON.parse(r.out);
    assert.equal(json.version, 1);
    const skipped = json.findings.find((f: { ruleId: string; line: number }) => f.ruleId === 'parse-error' && f.line === 3);
    assert.ok(skipped);
    assert.equal(skipped.file, '.env');
    assert.equal(skipped.column, 1);
  });

  it('--format sarif validates against the SARIF 2.1.0 schema, with relative URIs', async () => {
    const r = await run(['check', '--format', 'sarif'], ws);
    const sarif = JSON.parse(r.out) as { runs: { results: { level: string; ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
    const schema = JSON.parse(readFileSync(join(repo, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const ok = validate(sarif as object);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3)));
    const results = sarif.runs[0].results;
    assert.ok(results.length > 0);
    for (const res of results) {
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uriBaseId, 'ROOT');
      assert.ok(!loc.artifactLocation.uri.startsWith('/'), 'relative URI');
      assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
      assert.equal(typeof res.ruleId, 'string');
    }
  });

  it('no output format contains any fixture secret value or an 8-character slice of one', async () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = await run(['check', '--format', format], ws);
      assertNoCanary(r.out);
      assertNoCanary(r.err);
    }
  });

  it('the bundled CLI runs as a program with the same exit codes', () => {
    const cli = join(repo, 'dist', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json'], { cwd: ws, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    JSON.parse(r.stdout);
    assertNoCanary(r.stdout + r.stderr);
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /secret-hygiene check/);
  });
});
