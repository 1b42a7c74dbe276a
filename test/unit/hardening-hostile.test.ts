/**
 * Hostile input (issue 7): binary files, NUL bytes, invalid UTF-8, UTF-16 with and without a BOM, a
 * 50 MB file, a 5 MB line, unterminated quotes, 100,000 keys, cyclic and 10,000-deep `${}`, YAML
 * bombs, 10,000-deep JSON, symlink loops, pipes and devices. Each gets a clear diagnostic or is skipped
 * with a reason, within a bound: in the engine (in process) and in the bundled CLI (a child process
 * killed after 60 s, which fails the test as a hang). The server's side is test/lsp/hardening-hostile.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFiles } from '../../server/src/core/analyzer';
import { parseSource } from '../../server/src/core/parse';
import { parseDotenv } from '../../server/src/core/parsers/dotenv';
import { decodeBytes, DEFAULT_MAX_FILE_BYTES } from '../../server/src/core/text';
import { loadWorkspace, readWorkspaceFile } from '../../server/src/node/workspace';
import {
  CLI_JS,
  HOSTILE_FIXTURES,
  listTemp,
  POSIX,
  assertNoCrashTrace,
  buildHostileWorkspace,
  removeTree,
  runCliChild,
  tempDir,
  type HostileEntry,
} from './hardening-support';

const FILES = join(HOSTILE_FIXTURES, 'files');
/** A hang fails the test at this bound; nothing here asserts speed. */
const CHILD_BOUND_MS = 60_000;

function decodeFixture(name: string) {
  return decodeBytes(readFileSync(join(FILES, name)));
}

/** Node has no mkfifo; the coreutils one makes the named pipe (POSIX only). */
function mkfifo(path: string): boolean {
  const r = spawnSync('mkfifo', [path]);
  return r.status === 0;
}

describe('hardening: hostile input in the engine (in process)', function () {
  this.timeout(120_000);

  it('binary files, NUL bytes, invalid UTF-8, odd and broken UTF-16 are refused with a reason, never decoded as garbage', () => {
    const cases: [string, RegExp][] = [
      ['binary.env', /^binary file \(NUL byte at offset \d+\)$/],
      ['nul-byte.env', /^binary file \(NUL byte at offset 24\)$/],
      ['invalid-utf8.env', /^not valid UTF-8 \(first bad byte at offset 21\)/],
      ['odd-utf16.env', /odd number of bytes for UTF-16 LE/],
      ['lone-surrogate-utf16le.env', /not valid UTF-16 LE/],
    ];
    for (const [name, reason] of cases) {
      const d = decodeFixture(name);
      assert.equal(d.ok, false, `${name} is refused`);
      if (!d.ok) assert.match(d.reason, reason, name);
    }
  });

  it('UTF-16 LE and BE, with and without a BOM, are decoded and checked like UTF-8', () => {
    for (const [name, encoding, bom] of [
      ['utf16le-bom.env', 'utf16le', true],
      ['utf16be-bom.env', 'utf16be', true],
      ['utf16le-nobom.env', 'utf16le', false],
      ['utf16be-nobom.env', 'utf16be', false],
    ] as const) {
      const d = decodeFixture(name);
      assert.ok(d.ok, `${name} decodes`);
      if (!d.ok) continue;
      assert.equal(d.encoding, encoding, name);
      assert.equal(d.bom, bom, name);
      const findings = analyzeFiles({ [name]: d.text }).findings(name);
      assert.ok(findings.some((f) => f.ruleId === 'weak-secret' && f.key === 'JWT_SECRET'), `${name}: the weak JWT_SECRET is found`);
      assert.ok(!findings.some((f) => f.ruleId === 'parse-error'), `${name}: no parse error`);
    }
  });

  it('a BOM alone, control characters and line separators are read without a crash', () => {
    for (const name of ['bom-only.env', 'control-chars.env']) {
      const d = decodeFixture(name);
      assert.ok(d.ok, name);
      if (!d.ok) continue;
      const findings = analyzeFiles({ [name]: d.text }).findings(name);
      assert.ok(!findings.some((f) => f.ruleId === 'internal-error'), `${name}: no rule failed`);
    }
  });

  it('unterminated quotes of every kind get a precise diagnostic', () => {
    const d = decodeFixture('unterminated.env');
    assert.ok(d.ok);
    if (!d.ok) return;
    const parsed = parseDotenv('unterminated.env', d.text);
    const kinds = parsed.problems.map((p) => p.kind);
    assert.ok(kinds.filter((k) => k === 'unterminated-quote').length >= 3, `three unterminated quotes (got ${kinds.join(',')})`);
  });

  it('cyclic, self and 10,000-deep `${}` references are references, never expanded', () => {
    const cyclic = decodeFixture('cyclic.env');
    assert.ok(cyclic.ok);
    if (!cyclic.ok) return;
    const parsed = parseDotenv('cyclic.env', cyclic.text);
    assert.ok(parsed.entries.every((e) => e.reference), 'every value is a reference');
    const chain = Array.from({ length: 10_000 }, (_, i) => `K${i}=\${K${i + 1}}`).join('\n') + '\nK10000=${K0}\n';
    const a = analyzeFiles({ '.env': chain });
    assert.equal(a.source('.env')!.entries.length, 10_001);
    assert.ok(a.source('.env')!.entries.every((e) => e.reference));
    assert.ok(!a.findings('.env').some((f) => f.ruleId === 'internal-error'));
    const nested = 'services:\n  app:\n    environment:\n      JWT_SECRET: "' + '${X:-'.repeat(10_000) + 'v' + '}'.repeat(10_000) + '"\n';
    const src = parseSource('docker-compose.yml', nested);
    assert.equal(src.unreadable, undefined, 'read, not given up');
    assert.ok(!analyzeFiles({ 'docker-compose.yml': nested }).findings('docker-compose.yml').some((f) => f.ruleId === 'internal-error'));
  });

  it('YAML bombs (billion laughs with aliases) are read without expanding the aliases', () => {
    for (const name of ['config/bomb.yml', 'application.yml', 'docker-compose.yml', 'k8s/bomb-secret.yaml']) {
      const d = decodeFixture(name);
      assert.ok(d.ok, name);
      if (!d.ok) continue;
      const src = parseSource(name, d.text);
      // Expanded, the bombs hold 10^9 (lists) or 2^29 (maps) leaves; read without expansion they hold a few.
      assert.ok(src.entries.length < 1000, `${name}: ${src.entries.length} entries, aliases were expanded`);
      assert.ok(!analyzeFiles({ [name]: d.text }).findings(name).some((f) => f.ruleId === 'internal-error'), name);
    }
  });

  it('JSON and YAML nested 10,000 levels deep are reported, not recursed into', () => {
    const cases: [string, string][] = [
      ['config/deep-array.json', '['.repeat(10_000) + ']'.repeat(10_000)],
      ['config/deep-object.json', '{"a":'.repeat(10_000) + '"x"' + '}'.repeat(10_000)],
      ['appsettings.json', '{"a":'.repeat(100_000)],
      ['config/deep.yml', 'a: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n'],
      ['config/deep-block.yml', Array.from({ length: 3000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + '\n'],
    ];
    for (const [name, text] of cases) {
      const findings = analyzeFiles({ [name]: text }).findings(name);
      const pe = findings.filter((f) => f.ruleId === 'parse-error');
      assert.ok(pe.some((f) => /nested deeper than \d+ levels/.test(f.message)), `${name}: the nesting is reported`);
      assert.ok(!findings.some((f) => f.ruleId === 'internal-error'), name);
    }
  });

  it('100,000 keys are read and checked', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `KEY_${i}=value-${i}`).join('\n') + '\n';
    const a = analyzeFiles({ '.env': text });
    assert.equal(a.source('.env')!.entries.length, 100_000);
    assert.ok(!a.findings('.env').some((f) => f.ruleId === 'internal-error'));
  });

  it('a 5 MB single line is reported as too long, not handed to the line expression', () => {
    const text = 'JWT_SECRET=' + 'y'.repeat(5 * 1024 * 1024) + '\nPORT=3000\n';
    const src = parseDotenv('.env', text);
    assert.ok(src.problems.some((p) => p.kind === 'line-too-long'), 'line-too-long');
    assert.deepEqual(src.entries.map((e) => e.key), ['PORT'], 'the rest of the file is still read');
  });

  it('a long line of spaces and colons (under the line limit) is reported without catastrophic backtracking', function () {
    // A bound, not a speed claim: before the fix this took over a minute.
    this.timeout(20_000);
    // 200,200 characters: the skipped-line message's /^[^=]*\s[^=]*=/ took over a minute on it.
    const text = ('A' + ' '.repeat(1000) + ':').repeat(200) + '\nB' + ' '.repeat(100_000) + '=\n';
    const src = parseDotenv('.env', text);
    assert.ok(src.problems.some((p) => p.kind === 'skipped-line' && p.start === 0), 'the line is reported as skipped');
  });

  it('a file over the size limit is skipped with its size and the setting, by stat and by bytes', async () => {
    const dir = tempDir('sh-big-');
    try {
      const abs = join(dir, '.env');
      writeFileSync(abs, Buffer.alloc(DEFAULT_MAX_FILE_BYTES + 1, 0x41));
      const r = await readWorkspaceFile(abs, DEFAULT_MAX_FILE_BYTES);
      assert.equal(r.text, undefined);
      assert.match(r.unreadable ?? '', /over the \d+-byte limit \(setting maxFileBytes\)/);
      const d = decodeBytes(Buffer.alloc(DEFAULT_MAX_FILE_BYTES + 1, 0x41));
      assert.ok(!d.ok && /over the 8\.0 MiB limit/.test(d.reason));
    } finally {
      removeTree(dir);
    }
  });

  (POSIX ? it : it.skip)('symlink loops in the workspace are skipped with a reason; the walk ends', async () => {
    const dir = tempDir('sh-loop-');
    try {
      writeFileSync(join(dir, '.env'), 'PORT=3000\n');
      symlinkSync('.', join(dir, 'loop'));
      symlinkSync('b.env', join(dir, 'a.env'));
      symlinkSync('a.env', join(dir, 'b.env'));
      mkdirSync(join(dir, 'x'));
      symlinkSync('..', join(dir, 'x', 'up'));
      const ws = await loadWorkspace(dir);
      assert.deepEqual(ws.walk.files, ['.env']);
      const skipped = Object.fromEntries(ws.walk.skipped.map((s) => [s.path, s.reason]));
      assert.match(skipped.loop, /symlinked folder not followed/);
      assert.match(skipped['x/up'], /symlinked folder not followed/);
      assert.match(skipped['a.env'], /broken or looping symlink/);
      assert.match(skipped['b.env'], /broken or looping symlink/);
    } finally {
      removeTree(dir);
    }
  });
});

describe('hardening: a hostile workspace through the bundled CLI (child process, 60 s bound)', function () {
  this.timeout(600_000);
  let root: string;
  let entries: HostileEntry[];
  const outputs: Record<string, string> = {};

  before(async function () {
    assert.ok(existsSync(CLI_JS), 'dist/cli.js exists (run node scripts/build.mjs first)');
    root = tempDir('sh-hostile-cli-');
    entries = buildHostileWorkspace(root);
    if (POSIX) mkfifo(join(root, '.env.fifo'));
    for (const format of ['text', 'json', 'sarif']) {
      const r = await runCliChild(['check', '.', '--format', format], root, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, `check --format ${format}`);
      assert.equal(r.code, 1, `check --format ${format}: exit 1 (errors found), got ${r.code}; stderr: ${r.stderr.slice(0, 500)}`);
      outputs[format] = r.stdout;
    }
  });
  after(() => removeTree(root));

  it('text: every hostile file gets a diagnostic, or is skipped with its reason', () => {
    const lines = outputs.text.split('\n');
    for (const e of entries) {
      if (e.expect === 'skipped') {
        const line = lines.find((l) => l.startsWith(`skipped ${e.path}: `));
        assert.ok(line, `${e.path} is listed as skipped`);
        if (e.reason) assert.match(line!, e.reason, e.path);
      } else if (e.expect === 'finding') {
        const mine = lines.filter((l) => l.startsWith(`${e.path}:`));
        assert.ok(mine.length > 0, `${e.path} has a diagnostic`);
        if (e.reason) assert.ok(mine.some((l) => e.reason!.test(l)), `${e.path}: a diagnostic matches ${e.reason}`);
      }
    }
    assert.doesNotMatch(outputs.text, /internal-error/);
  });

  it('json: parses, and lists the same files and skips', () => {
    const json = JSON.parse(outputs.json) as { findings: { file: string; ruleId: string; message: string }[]; skipped: { path: string; reason: string }[] };
    for (const e of entries) {
      if (e.expect === 'skipped') assert.ok(json.skipped.some((s) => s.path === e.path), `${e.path} skipped`);
      if (e.expect === 'finding') assert.ok(json.findings.some((f) => f.file === e.path), `${e.path} has a finding`);
    }
  });

  it('sarif: parses, and file names with "#", "%" and spaces are percent-encoded URIs', () => {
    const sarif = JSON.parse(outputs.sarif) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = sarif.runs[0].results.map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.includes('odd%20%23name%2520%3F.env'), 'the odd name is encoded');
    for (const u of uris) assert.ok(!/[ #?]/.test(u), 'no raw space, "#" or "?" in a URI');
  });

  // In a child process only: in process, a regression would block a thread-pool read forever.
  it('exit 2 with a reason, never a hang, for a pipe or a device named on the command line', async function () {
    if (!POSIX || !existsSync(join(root, '.env.fifo'))) this.skip();
    for (const name of ['.env.fifo', 'zero.env']) {
      const r = await runCliChild(['check', name], root, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, `check ${name}`);
      assert.equal(r.code, 2, `check ${name}: exit 2`);
      assert.match(r.stdout, /not a regular file/, `check ${name}: the reason`);
    }
  });

  it('rotate refuses hostile files with a clear message and exit 1, writing nothing', async () => {
    const cases: [string, string][] = [
      ['binary.env', 'JWT_SECRET'],
      ['invalid-utf8.env', 'JWT_SECRET'],
      ['odd-utf16.env', 'PORT'],
      ['unterminated.env', 'A'],
      ['cyclic.env', 'JWT_SECRET'],
      ['huge.env', 'KEY_1'],
      ['one-line.env', 'JWT_SECRET'],
      ['a.env', 'JWT_SECRET'],
      ['loop', 'JWT_SECRET'],
      ...(POSIX ? ([['.env.fifo', 'JWT_SECRET'], ['zero.env', 'JWT_SECRET']] as [string, string][]) : []),
    ];
    for (const [file, key] of cases) {
      const abs = join(root, file);
      const before = existsSync(abs) && statSync(abs).isFile() && statSync(abs).size < 1e6 ? readFileSync(abs) : undefined;
      const r = await runCliChild(['rotate', key, '--file', file, '--yes'], root, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, `rotate --file ${file}`);
      assert.equal(r.code, 1, `rotate --file ${file}: exit 1, got ${r.code}`);
      assert.match(r.stderr, /nothing was written|Nothing was written/, `rotate --file ${file}: says nothing was written`);
      if (before) assert.ok(readFileSync(abs).equals(before), `${file} unchanged`);
    }
  });

  it('a project config that is a link to /dev/zero is reported, not read forever; the other files are checked', async function () {
    if (!POSIX) this.skip();
    const dir = tempDir('sh-zero-config-');
    try {
      symlinkSync('/dev/zero', join(dir, '.secret-hygiene.json'));
      writeFileSync(join(dir, '.env'), 'BROKEN LINE\n');
      const r = await runCliChild(['check', '.'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, 'check with a /dev/zero config');
      assert.match(r.stderr, /\.secret-hygiene\.json.*not a regular file/, 'the config problem names the reason');
      assert.match(r.stdout, /^\.env:1:1 error parse-error/m, 'the other files are still checked');
      assert.equal(r.code, 1);
    } finally {
      removeTree(dir);
    }
  });

  it('a project config with backtracking-prone key globs (secretKeys, ignoreKeys, schemes, cadence) does not hang', async () => {
    const dir = tempDir('sh-glob-');
    try {
      const bomb = '*a*a*a*a*a*a*a*a*a*b';
      const config = { secretKeys: [bomb], ignoreKeys: [bomb], schemes: { [bomb]: 'previous' }, cadence: [{ keys: bomb, days: 30 }], include: [`**/${bomb}*`], exclude: [bomb, `x/${bomb}/**`] };
      writeFileSync(join(dir, '.secret-hygiene.json'), JSON.stringify(config));
      writeFileSync(join(dir, '.env'), `${'a'.repeat(3000)}=value\n${'A'.repeat(3000)}_SECRET=changeme\nBROKEN LINE\n`);
      // Long file names are what file globs backtrack on.
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `${'a'.repeat(200)}${i}.env`), 'PORT=1\n');
      const r = await runCliChild(['check', '.'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, 'check with glob bombs');
      assert.equal(r.code, 1, 'findings reported');
      assert.match(r.stderr, /"exclude" glob .* is ignored/, 'the slow file glob is reported and ignored');
      const rot = await runCliChild(['rotate', `${'A'.repeat(3000)}_SECRET`, '--yes'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(rot, 'rotate with glob bombs');
    } finally {
      removeTree(dir);
    }
  });

  it('a journal and a journal template that are links to /dev/zero: rotate, complete and journal finish with a clear message', async function () {
    if (!POSIX) this.skip();
    const dir = tempDir('sh-zero-journal-');
    try {
      mkdirSync(join(dir, 'docs', 'security'), { recursive: true });
      symlinkSync('/dev/zero', join(dir, 'docs', 'security', 'HARDENING-LOG.md'));
      symlinkSync('/dev/zero', join(dir, 'template.md'));
      writeFileSync(join(dir, '.env'), 'JWT_SECRET=Kq9vN3xT1pL6wR9sK2mY5bH7cJ4dF0gAzX8uE2rW5tQ\nJWT_SECRET_PREVIOUS=Pw2mR7tY5uZ8nB4cD6fG1hJ0aSxLq2Vb3Nm4Kp9Ws1E\n');
      const complete = await runCliChild(['rotate', '--complete', 'JWT_SECRET', '--yes'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(complete, 'rotate --complete with a /dev/zero journal');
      assert.equal(complete.code, 0, 'the completion does not need the journal');
      const journal = await runCliChild(['rotate', 'JWT_SECRET', '--journal'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(journal, 'rotate --journal with a /dev/zero journal');
      assert.equal(journal.code, 1, 'the rotation is written, the journal is not');
      assert.match(journal.stderr, /journal .* was not written/);
      writeFileSync(join(dir, '.secret-hygiene.json'), JSON.stringify({ journal: 'LOG.md', journalTemplate: 'template.md' }));
      const tpl = await runCliChild(['journal', 'JWT_SECRET', '--file', '.env'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(tpl, 'journal with a /dev/zero template');
      assert.equal(tpl.code, 0, 'the default template is used');
      assert.match(tpl.stderr, /cannot read the journal template/);
    } finally {
      removeTree(dir);
    }
  });

  it('leaves no temporary file behind', () => {
    assert.deepEqual(listTemp(root), []);
  });
});

describe('hardening: terminal escapes from a hostile workspace do not reach the terminal raw', function () {
  this.timeout(120_000);

  it('control characters in YAML keys and folder names are escaped in the text output', async function () {
    const dir = tempDir('sh-esc-');
    try {
      writeFileSync(join(dir, 'application.yml'), '"JWT_SECRET\\e]52;c;cHduZWQ=\\a\\e[2J": changeme\n');
      if (POSIX) {
        mkdirSync(join(dir, 'x\u001b[31my'));
        writeFileSync(join(dir, 'x\u001b[31my', '.env'), 'JWT_SECRET=changeme\n');
      }
      const r = await runCliChild(['check', '.'], dir, { timeoutMs: CHILD_BOUND_MS });
      assertNoCrashTrace(r, 'check');
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stdout), 'no raw control character in the text output');
      assert.match(r.stdout, /JWT_SECRET\\u001b\]52;c;cHduZWQ=\\u0007\\u001b\[2J/, 'the key is shown with its control characters escaped');
    } finally {
      removeTree(dir);
    }
  });
});
