/**
 * The incremental engine gives the same answers as a fresh analysis (issue 6 made it skip work).
 *
 * For generated workspaces (dotenv files of several environments, examples, a compose file) and
 * generated sequences of edits (rewrite a file, change one value, add or drop a line, delete a
 * file), after every step:
 * - every file's findings equal those of a new Analyzer given the same files;
 * - a file whose findings changed is in the set the update returned (the editor re-publishes only
 *   those), so nothing shown goes stale.
 * Values come from a small pool so that reuse, slots and URL passwords meet often.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/core/analyzer';
import type { Finding } from '../../server/src/core/types';
import type { Rule } from '../../server/src/core/rule';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 100);
const HASH_KEY = Buffer.from('incremental-test');
const NOW = () => new Date('2026-12-01T12:00:00Z');

const PATHS = ['.env', '.env.production', '.env.development', '.env.example', 'apps/api/.env', 'apps/web/.env.production', 'docker-compose.yml'];
const KEYS = [
  'JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'NEXTAUTH_SECRET', 'AUTH_SECRET', 'SESSION_SECRET', 'SESSION_SECRET_VERSION', 'SESSION_SECRET_V1',
  'POSTGRES_PASSWORD', 'POSTGRES_USER', 'DATABASE_URL', 'DIRECT_URL', 'REDIS_PASSWORD', 'STRIPE_SECRET_KEY', 'NEXT_PUBLIC_API_SECRET',
  'ACCESS_TOKEN_SECRET_1', 'ACCESS_TOKEN_SECRET_0', 'APP_NAME', 'SALT_ROUNDS', 'SERVICE_PASSWORD', 'SERVICE_USER',
];
const VALUES = [
  'changeme', 'supersecret', '', 'app', 'nis2', '2', '10',
  '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWEta2V5',
  'postgres://app:Zq8vLw3nTt5rXy2p@db:5432/app', 'postgres://nis2:Zq8vLw3nTt5rXy2p@db:5432/app', 'redis://:Zq8vLw3nTt5rXy2p@cache:6379',
  'Zq8vLw3nTt5rXy2p', 'sk_live_51HqLyjWDarjtT1zdp7dcXyZ0aB1cD2eF3gH4iJ5kL6mN7oP', '${JWT_SECRET}', '<your-secret>',
];

const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), fc.constantFrom('', '"', "'")).map(([k, v, q]) => `${k}=${q}${v}${q}`) },
  { weight: 1, arbitrary: fc.constantFrom('# comment', '', '# JWT_SECRET=changeme', 'export JWT_SECRET=changeme', 'BROKEN LINE') },
  // Shapes the incremental .env parse must re-read around: open and multi-line quotes, comments,
  // key lists (slot families read values with commas), spaces around "=".
  { weight: 1, arbitrary: fc.constantFrom('JWT_SECRET="open', 'SESSION_SECRET="multi\nAPP_NAME=x\nend"', 'JWT_SECRET=a#b', 'JWT_SECRET = spaced', 'JWT_SECRET_PREVIOUS=aaaaaaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbbbbbb', "REDIS_PASSWORD='x' tail", '# secret-hygiene-disable-next-line weak-secret') },
);
const dotenv = fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n') + '\n');
const compose = fc
  .array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES.filter((v) => !v.includes('$')))), { maxLength: 4 })
  .map((kvs) => `services:\n  app:\n    env_file: .env\n    environment:\n${kvs.map(([k, v]) => `      ${k}: \${${k}:-${v || 'x'}}`).join('\n')}${kvs.length ? '\n' : '      A: b\n'}`);
const textFor = (path: string) => (path.endsWith('.yml') ? compose : dotenv);

type Step =
  | { op: 'set'; path: string; text: string }
  | { op: 'appendLine'; path: string; line: string }
  | { op: 'editChar'; path: string; at: number }
  | { op: 'type'; path: string; at: number; text: string }
  | { op: 'remove'; path: string };

const step: fc.Arbitrary<Step> = fc.constantFrom(...PATHS).chain((path) =>
  fc.oneof(
    textFor(path).map((text): Step => ({ op: 'set', path, text })),
    line.map((l): Step => ({ op: 'appendLine', path, line: l })),
    fc.nat().map((at): Step => ({ op: 'editChar', path, at })),
    fc.tuple(fc.nat(), fc.constantFrom('"', "'", '#', '\n', ',', '=', ' ', 'x', '\r\n', 'A=1\n')).map(([at, text]): Step => ({ op: 'type', path, at, text })),
    fc.constant<Step>({ op: 'remove', path }),
  ),
);

function fresh(files: Map<string, string>): Analyzer {
  const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
  a.setFiles([...files].map(([path, text]) => ({ path, text })));
  return a;
}

const show = (fs: Finding[]) => JSON.stringify(fs);

function apply(files: Map<string, string>, s: Step): string | undefined {
  const old = files.get(s.path);
  switch (s.op) {
    case 'set':
      return s.text;
    case 'appendLine':
      return old === undefined ? undefined : old + s.line + '\n';
    case 'editChar': {
      if (old === undefined || old.length === 0) return undefined;
      const i = s.at % old.length;
      // Type a character or delete one: what a keystroke does.
      return s.at % 2 === 0 ? old.slice(0, i) + 'x' + old.slice(i) : old.slice(0, i) + old.slice(i + 1);
    }
    case 'type': {
      if (old === undefined) return undefined;
      const i = s.at % (old.length + 1);
      return old.slice(0, i) + s.text + old.slice(i);
    }
    case 'remove':
      return undefined;
  }
}

describe('Analyzer: incremental updates agree with a fresh analysis', function () {
  this.timeout(120_000);

  it('after every edit, findings equal a fresh analysis and every changed file is in the affected set', () => {
    fc.assert(
      fc.property(fc.tuple(...PATHS.map((p) => fc.option(textFor(p), { nil: undefined }))), fc.array(step, { minLength: 1, maxLength: 12 }), (initial, steps) => {
        const files = new Map<string, string>();
        PATHS.forEach((p, i) => {
          if (initial[i] !== undefined) files.set(p, initial[i]!);
        });
        // A cache of two files' workspace findings: evictions happen at every step.
        const inc = new Analyzer({ hashKey: HASH_KEY, now: NOW, findingsCacheSize: 2 });
        inc.setFiles([...files].map(([path, text]) => ({ path, text })));
        let shown = new Map(PATHS.map((p) => [p, files.has(p) ? show(inc.findings(p)) : '[]']));
        for (const s of steps) {
          const next = apply(files, s);
          let affected: Set<string>;
          if (s.op === 'remove') {
            if (!files.has(s.path)) continue;
            files.delete(s.path);
            affected = inc.removeFile(s.path);
          } else {
            if (next === undefined) continue;
            files.set(s.path, next);
            affected = inc.setFile({ path: s.path, text: next });
          }
          const ref = fresh(files);
          for (const p of PATHS) {
            const now = files.has(p) ? show(inc.findings(p)) : '[]';
            const expected = files.has(p) ? show(ref.findings(p)) : '[]';
            assert.equal(now, expected, `${p} after ${s.op} ${s.path}: incremental findings differ from a fresh analysis`);
            if (now !== shown.get(p) && files.has(p)) assert.ok(affected.has(p), `${p} changed after ${s.op} ${s.path} but was not in the affected set`);
          }
          shown = new Map(PATHS.map((p) => [p, files.has(p) ? show(inc.findings(p)) : '[]']));
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED) || 6006 },
    );
  });

  it('typing in a large .env (re-parsed in part, facts of the other entries carried over) gives the findings of a fresh analysis', () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      lines.push(i % 3 === 0 ? `APP_NAME_${i}=app` : i % 3 === 1 ? `JWT_SECRET_${i}=changeme${i % 2}` : `SESSION_SECRET_${i}="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b${i}"`);
    }
    let text = lines.join('\n') + '\n';
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFile({ path: '.env', text });
    a.findings('.env');
    const edits = ['x', 'DEBUG=1\n', '"', '#', '\n', 'JWT_SECRET=changeme\n', '\n\n', 'A'];
    for (let n = 0; n < 40; n++) {
      const at = (n * 7919) % text.length;
      text = n % 5 === 4 ? text.slice(0, at) + text.slice(at + 3) : text.slice(0, at) + edits[n % edits.length] + text.slice(at);
      a.setFile({ path: '.env', text });
      assert.equal(show(a.findings('.env')), show(fresh(new Map([['.env', text]])).findings('.env')), `edit ${n}`);
    }
  });

  it('typing hands out the same Finding objects for the findings a keystroke left as they were, new ones for the rest', () => {
    // The language server keeps each diagnostic (and its JSON) per Finding: a finding equal to one
    // of the previous version's must be that object, whether its entry moved (an edit above it)
    // or not, and a changed one must not be.
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push(i % 2 === 0 ? `JWT_SECRET_${i}=changeme` : `SESSION_SECRET_${i}=${'ab'.repeat(6)}${i}`);
    let text = lines.join('\n') + '\n';
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFile({ path: '.env', text });
    let before = a.findings('.env');
    let kept = 0;
    for (let n = 0; n < 30; n++) {
      const at = (n * 7919) % text.length;
      text = n % 3 === 2 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + (n % 3 === 0 ? 'x' : '\n') + text.slice(at);
      a.setFile({ path: '.env', text });
      const now = a.findings('.env');
      const earlier = new Map(before.map((f) => [JSON.stringify(f), f]));
      for (const f of now) {
        const same = earlier.get(JSON.stringify(f));
        if (same) {
          assert.equal(f, same, `edit ${n}: an unchanged finding is the same object`);
          kept++;
        } else assert.ok(!before.includes(f), `edit ${n}: a changed finding is a new object`);
      }
      assert.equal(show(now), show(fresh(new Map([['.env', text]])).findings('.env')), `edit ${n}`);
      before = now;
    }
    assert.ok(kept > 30 * 40, `most findings are kept (${kept})`);
  });

  it('a finding whose data lists the same values under keys in another order is a new object (a serialisation shows the order)', () => {
    // The fast path compares what a rule reported with the next earlier finding field by field;
    // data with the same entries in another key order must not pass for the earlier finding.
    const rule: Rule = {
      meta: { id: 'order-probe', defaultSeverity: 'warning', description: 'test rule', docs: '#order-probe', scope: 'file' },
      check(ctx) {
        const order = ctx.source.entries.find((e) => e.key === 'ORDER')?.value ?? 'ab';
        for (const e of ctx.source.entries) {
          if (e.key !== 'TOKEN') continue;
          const data: Record<string, string> = {};
          for (const k of order) data[k] = k.toUpperCase();
          ctx.report({ start: e.valueStart, end: e.valueEnd, key: e.key, message: 'probe', data });
        }
      },
    };
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW, rules: [rule] });
    const at = (text: string) => {
      a.setFile({ path: '.env', text });
      const f = a.findings('.env');
      assert.equal(f.length, 1);
      return f[0];
    };
    const first = at('ORDER=ab\nTOKEN=t\n');
    const typed = at('ORDER=ab\nTOKEN=t\n#x\n');
    assert.equal(typed, first, 'an edit elsewhere hands out the same object');
    const swapped = at('ORDER=ba\nTOKEN=t\n#x\n');
    assert.notEqual(swapped, first, 'keys in another order: a new object');
    assert.deepEqual(Object.keys(swapped.data ?? {}), ['b', 'a']);
    const fewer = at('ORDER=b\nTOKEN=t\n#x\n');
    assert.notEqual(fewer, swapped, 'a key less: a new object');
    assert.deepEqual(fewer.data, { b: 'B' });
  });

  it('what rules keep for the next version (FileContext.keep) is plain data: no functions, no accessors', () => {
    // A function or getter in a kept memo holds its scope: the rule's FileContext, this version's
    // file state, the version before. Once such a memo is promoted to V8's old generation, every
    // young-generation collection keeps all of that alive until a full collection (reused-secret's
    // `users` getter did: most of what typing allocated was promoted, scavenges took 10-14 ms).
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(
        `DB_USER_${i}=app`,
        `DB_PASSWORD_${i}=Zq8vLw3nTt5rXy2p${i % 3}`,
        `DATABASE_URL_${i}=postgres://app:Zq8vLw3nTt5rXy2p${i % 3}@db:5432/app`,
        `JWT_SECRET_${i}=${i % 2 ? 'changeme' : '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b'}`,
        `SESSION_SECRET_${i}=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b`,
      );
    }
    let text = lines.join('\n') + '\n';
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFile({ path: '.env', text });
    a.findings('.env');
    for (let n = 0; n < 4; n++) {
      const at = text.indexOf('\n', (n * 997) % text.length);
      text = text.slice(0, at) + 'x' + text.slice(at);
      a.setFile({ path: '.env', text });
      a.findings('.env');
    }
    const memos = (a as unknown as { files: Map<string, { memos?: Map<string, unknown> }> }).files.get('.env')?.memos;
    assert.ok(memos && memos.size >= 5, `rules kept memos (${[...(memos?.keys() ?? [])].join(', ')})`);
    assert.ok(memos.has('reused-secret'), 'reused-secret kept its groups');
    const seen = new Set<object>();
    const walk = (v: unknown, where: string): void => {
      assert.notEqual(typeof v, 'function', `${where} is a function`);
      if (v === null || typeof v !== 'object' || seen.has(v) || ArrayBuffer.isView(v)) return;
      seen.add(v);
      if (v instanceof Map) for (const [k, x] of v) walk(x, `${where}.get(${String(k).slice(0, 20)})`);
      else if (v instanceof Set) for (const x of v) walk(x, `${where} member`);
      else
        for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(v))) {
          assert.ok(!d.get && !d.set, `${where}.${k} is an accessor`);
          walk(d.value, `${where}.${k}`);
        }
    };
    for (const [rule, memo] of memos) walk(memo, rule);
  });

  it('typing into a long .env and .env.example gives a fresh analysis: rules carry their per-entry facts (recall/keep) across edits', () => {
    // Credentials, URL passwords, signing keys with and without slots, versioned and numbered
    // families, Auth.js slots, HMAC selectors, markers and empty keys: what the rules remember per
    // entry or secret and carry to the next version. Edits land anywhere: in keys, values, quotes.
    const body: string[] = [];
    for (let i = 0; i < 12; i++) {
      body.push(
        `APP_NAME_${i}=app`,
        `JWT_SECRET_${i}=changeme${i % 2}`,
        `STRIPE_SECRET_KEY_${i}=sk_live_51HqLyjWDarjtT1zdp7dcXyZ0aB1cD2eF3gH4iJ5kL6mN7oP`,
        `DATABASE_URL_${i}=postgres://${i % 2 ? 'app' : 'nis2'}:Zq8vLw3nTt5rXy2p${i % 3}@db:5432/app`,
        `DB_PASSWORD_${i % 4}=Zq8vLw3nTt5rXy2p${i % 3}`,
        `DB_USER_${i % 4}=${i % 3 ? 'app' : 'nis2'}`,
        `SESSION_SECRET_${i}="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b${i}"`,
        i % 3 === 0 ? `SESSION_SECRET_${i}_VERSION=${i % 4}` : `# note ${i}`,
        i % 3 === 0 ? `SESSION_SECRET_${i}_V1=c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWEta2V5` : `ENCRYPTION_KEY_${i}=`,
        i % 4 === 1 ? `ACCESS_TOKEN_SECRET_${i}_1=Zq8vLw3nTt5rXy2p` : `COOKIE_SECRET_${i}=<your-secret>`,
        i % 5 === 2 ? `AUTH_SECRET_${i % 7}=Zq8vLw3nTt5rXy2pZq8vLw3nTt5rXy2p` : `JWT_ALGORITHM_${i}=HS512`,
        `JWT_SECRET_${i}_PREVIOUS=${i % 2 ? '' : 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}`,
        `# JWT_SECRET_${i}=sk_live_51HqLyjWDarjtT1zdp7dcXyZ0aB1cD2eF3gH4iJ5kL6mN7oP`,
      );
    }
    const initial = body.join('\n') + '\n';
    const edit = fc.tuple(fc.boolean(), fc.nat(), fc.nat(5), fc.constantFrom('x', 'A', '_', '=', '"', '#', '\n', ',', '_V2', '_PREVIOUS', '_1', 'JWT_SECRET=x\n', 'sk_live_51HqLyjWDarjtT1zdp7dcXyZ0aB1cD2eF3gH4iJ5kL6mN7oP'));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 10 }), (edits) => {
        const texts = new Map([['.env', initial], ['.env.example', initial]]);
        const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
        a.setFiles([...texts].map(([path, text]) => ({ path, text })));
        for (const p of texts.keys()) a.findings(p);
        for (const [example, at, del, ins] of edits) {
          const path = example ? '.env.example' : '.env';
          const old = texts.get(path)!;
          const i = at % (old.length + 1);
          const text = old.slice(0, i) + ins + old.slice(Math.min(old.length, i + (at % 3 === 0 ? del : 0)));
          texts.set(path, text);
          a.setFile({ path, text });
          const ref = fresh(texts);
          for (const p of texts.keys()) assert.equal(show(a.findings(p)), show(ref.findings(p)), `${p} after an edit at ${i}`);
        }
      }),
      { numRuns: Math.max(1, Math.round(RUNS / 4)), seed: Number(process.env.FUZZ_SEED) || 6007 },
    );
  });

  it("typing into a *_USER value of the .env that holds a URL with the same password changes whether that is reuse", () => {
    const pw = 'Zq8vLw3nTt5rXy2p';
    const pad = Array.from({ length: 30 }, (_, i) => `APP_NAME_${i}=app`).join('\n');
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    let text = `SERVICE_USER=app\n${pad}\nSERVICE_PASSWORD=${pw}\n${pad}\nDATABASE_URL=postgres://app:${pw}@db:5432/app\nDIRECT_URL=postgres://app:${pw}@db:5432/app\n`;
    a.setFile({ path: '.env', text });
    const reused = () => a.findings('.env').filter((f) => f.ruleId === 'reused-secret').length;
    assert.equal(reused(), 0, 'the same account: one secret');
    for (const next of ['SERVICE_USER=appx', 'SERVICE_USER=app', 'SERVICE_USER=ap']) {
      text = text.replace(/^SERVICE_USER=.*$/m, next);
      a.setFile({ path: '.env', text });
      assert.equal(show(a.findings('.env')), show(fresh(new Map([['.env', text]])).findings('.env')), next);
    }
    assert.equal(reused(), 3, 'another account with the same password: the password and both URLs say so');
    // The scheme of a URL names its service: postgres:// and redis:// with one password are two secrets.
    for (const scheme of ['redis', 'postgres']) {
      text = text.replace(/^DIRECT_URL=[a-z]+:/m, `DIRECT_URL=${scheme}:`);
      a.setFile({ path: '.env', text });
      assert.equal(show(a.findings('.env')), show(fresh(new Map([['.env', text]])).findings('.env')), scheme);
    }
  });

  it('an edit away from a shared value does not affect the files sharing it; changing the value does', () => {
    const hub = 'JWT_SECRET=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\nAPP_NAME=hub\n';
    const files: Record<string, string> = { 'hub/.env': hub };
    for (let i = 0; i < 5; i++) files[`s${i}/.env`] = 'NEXTAUTH_SECRET=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n';
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFiles(Object.entries(files).map(([path, text]) => ({ path, text })));
    assert.ok(a.findings('s0/.env').some((f) => f.ruleId === 'reused-secret'));
    assert.deepEqual([...a.setFile({ path: 'hub/.env', text: hub.replace('APP_NAME=hub', 'APP_NAME=hubx') })], ['hub/.env']);
    const changed = a.setFile({ path: 'hub/.env', text: hub.replace('0a08', '0a09') });
    assert.deepEqual([...changed].sort(), ['hub/.env', 's0/.env', 's1/.env', 's2/.env', 's3/.env', 's4/.env']);
  });

  it('an edit to one shared value affects only the files sharing that value; their other findings come back as the same objects', () => {
    // hub/.env shares its JWT value with s0..s4 and its DB password with db/.env only; s0 also
    // shares a session secret with t/.env. Changing the JWT value re-checks s0..s4, not db/.env, and
    // s0's finding about the session secret (a list the edit did not touch) is, from the second
    // re-check on (the first keeps it), the Finding it was.
    const jwt = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const hub = `JWT_SECRET=${jwt}\nDB_PASSWORD=Zq8vLw3nTt5rXy2pQ7\n`;
    const files: Record<string, string> = { 'hub/.env': hub, 'db/.env': 'POSTGRES_PASSWORD=Zq8vLw3nTt5rXy2pQ7\n', 't/.env': 'COOKIE_SECRET=c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2g\n' };
    for (let i = 0; i < 5; i++) files[`s${i}/.env`] = `NEXTAUTH_SECRET=${jwt}\n` + (i === 0 ? 'SESSION_SECRET=c2VjcmV0LXZhbHVlLXRoYXQtaXMtbG9uZy1lbm91Z2g\n' : '');
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFiles(Object.entries(files).map(([path, text]) => ({ path, text })));
    const session = () => a.findings('s0/.env').find((f) => f.ruleId === 'reused-secret' && f.key === 'SESSION_SECRET');
    assert.ok(session(), 'the session secret is reused');
    assert.equal(session(), session(), 'cached findings are the same objects');
    for (let n = 0; n < 4; n++) {
      const before = session();
      const text = hub.replace('0a08', n % 2 === 0 ? '0a09' : '0a08');
      const affected = a.setFile({ path: 'hub/.env', text });
      assert.deepEqual([...affected].sort(), ['hub/.env', 's0/.env', 's1/.env', 's2/.env', 's3/.env', 's4/.env'], `edit ${n}`);
      if (n > 0) assert.equal(session(), before, `edit ${n}: the finding of an untouched list is reused`);
      files['hub/.env'] = text;
      for (const p of Object.keys(files)) assert.equal(show(a.findings(p)), show(fresh(new Map(Object.entries(files))).findings(p)), `edit ${n}: ${p}`);
      // The value the edit replaced leaves the index (its entry is kept only while the edit runs).
      const index = (a as unknown as { index: Map<string, unknown[]> }).index;
      assert.ok([...index.values()].every((list) => list.length > 0), `edit ${n}: no empty entry in the index`);
      assert.equal(index.size, (fresh(new Map(Object.entries(files))) as unknown as { index: Map<string, unknown[]> }).index.size, `edit ${n}: as many values as a fresh analysis`);
    }
  });

  it("another file's *_USER value decides whether a URL password is the same account: changing it affects the URL's file", () => {
    const pw = 'Zq8vLw3nTt5rXy2p';
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFiles([
      { path: 'api/.env', text: `SERVICE_USER=app\nSERVICE_PASSWORD=${pw}\n` },
      { path: 'web/.env', text: `DATABASE_URL=postgres://app:${pw}@db:5432/app\n` },
    ]);
    const reused = () => a.findings('web/.env').filter((f) => f.ruleId === 'reused-secret').length;
    assert.equal(reused(), 0, 'the same account: one secret');
    const affected = a.setFile({ path: 'api/.env', text: `SERVICE_USER=other\nSERVICE_PASSWORD=${pw}\n` });
    assert.ok(affected.has('web/.env'));
    assert.equal(reused(), 1, 'another account with the same password: reuse');
  });

  it("typing into a long .env's *_USER value (re-parsed in part) affects the file whose URL holds its password", () => {
    // The signature other files read is carried from the version before when the re-parsed entries
    // hold no user key; here they do, so it must be computed again.
    const pw = 'Zq8vLw3nTt5rXy2p';
    const filler = Array.from({ length: 40 }, (_, i) => `APP_SETTING_${i}=value-${i}`);
    const api = (user: string) => [...filler.slice(0, 20), `SERVICE_USER=${user}`, ...filler.slice(20), `SERVICE_PASSWORD=${pw}`].join('\n') + '\n';
    const files = new Map([['api/.env', api('app')], ['web/.env', `DATABASE_URL=postgres://app:${pw}@db:5432/app\n`]]);
    const a = new Analyzer({ hashKey: HASH_KEY, now: NOW });
    a.setFiles([...files].map(([path, text]) => ({ path, text })));
    const reused = () => a.findings('web/.env').filter((f) => f.ruleId === 'reused-secret').length;
    assert.equal(reused(), 0, 'the same account: one secret');
    // An edit elsewhere first, so that the next ones start from a version with a signature.
    let text = files.get('api/.env')!.replace('value-3\n', 'value-33\n');
    a.setFile({ path: 'api/.env', text });
    for (const [user, expected] of [['appx', 1], ['app', 0], ['ap', 1], ['app', 0]] as const) {
      text = text.replace(/SERVICE_USER=\w*/, `SERVICE_USER=${user}`);
      const affected = a.setFile({ path: 'api/.env', text });
      assert.ok(affected.has('web/.env'), `SERVICE_USER=${user}: the URL's file is affected`);
      assert.equal(reused(), expected, `SERVICE_USER=${user}`);
    }
  });
});
