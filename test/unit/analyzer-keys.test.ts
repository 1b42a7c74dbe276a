/**
 * The analyzer's key table (class, slot-likeness and count per key name, in one map) answers as the
 * three maps it replaced did: `allKeys()` holds exactly the names some file has, in the order they
 * appeared (a name that drops to zero and comes back goes to the end), `classify()` gives what
 * the classifier gives under the current config, and a new view is handed out when, and only when,
 * a name appears or disappears.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/core/analyzer';
import { classifyKeyName } from '../../server/src/core/classify';
import { DEFAULT_CONFIG } from '../../server/src/core/config';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 100);
const KEYS = ['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'APP_NAME', 'SESSION_SECRET_V2', 'A', 'NEXT_PUBLIC_STRIPE_SECRET_KEY', 'DATABASE_URL', 'SORT_KEY', 'MY_VERY_LONG_SERVICE_API_TOKEN'];
const PATHS = ['.env', 'a/.env', 'b/.env.production'];

type Op = { path: string; keys: string[] | undefined };
const op: fc.Arbitrary<Op> = fc.record({
  path: fc.constantFrom(...PATHS),
  keys: fc.option(fc.array(fc.constantFrom(...KEYS), { maxLength: 5 }), { nil: undefined, freq: 4 }),
});

describe('analyzer: key table', () => {
  it('allKeys() is the set of names the files have, in order of appearance, with a new view exactly when it changes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const a = new Analyzer({ hashKey: Buffer.from('k') });
        const files = new Map<string, string[]>();
        // The model: counts in a map that drops a name at zero.
        const counts = new Map<string, number>();
        const add = (keys: string[], d: number) => {
          for (const k of keys) {
            const m = (counts.get(k) ?? 0) + d;
            if (m > 0) counts.set(k, m);
            else counts.delete(k);
          }
        };
        let view = a.allKeys();
        let before = [...view];
        for (const o of ops) {
          const old = files.get(o.path);
          if (o.keys === undefined) {
            a.removeFile(o.path);
            if (old) add(old, -1);
            files.delete(o.path);
          } else {
            a.setFile({ path: o.path, text: o.keys.map((k, i) => `${k}=v${i}\n`).join('') });
            add(o.keys, +1);
            if (old) add(old, -1);
            files.set(o.path, o.keys);
          }
          const now = a.allKeys();
          const expected = [...counts.keys()];
          assert.deepEqual([...now], expected);
          assert.equal(now.size, expected.length);
          for (const k of KEYS) assert.equal(now.has(k), counts.has(k), k);
          const sameSet = before.length === expected.length && before.every((k) => counts.has(k));
          if (now !== view) assert.ok(!sameSet || before.join() !== expected.join(), 'a new view although the set is the same');
          else assert.ok(sameSet, 'the same view although the set changed');
          view = now;
          before = expected;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('classify() answers as the classifier, and follows a config change', () => {
    const a = new Analyzer({ hashKey: Buffer.from('k') });
    a.setFile({ path: '.env', text: KEYS.map((k) => `${k}=x\n`).join('') });
    for (const k of [...KEYS, 'UNKNOWN_THING', 'ORDER_CODE']) assert.deepEqual(a.classify(k), classifyKeyName(k), k);
    assert.equal(a.classify('ORDER_CODE'), undefined);
    a.setConfig({ ...DEFAULT_CONFIG, secretKeys: ['ORDER_*'], ignoreKeys: ['JWT_*'] });
    assert.equal(a.classify('ORDER_CODE')?.reason, 'listed in secretKeys');
    assert.equal(a.classify('JWT_SECRET'), undefined);
    assert.deepEqual(a.classify('SESSION_SECRET_V2'), classifyKeyName('SESSION_SECRET_V2'));
    assert.deepEqual([...a.allKeys()], KEYS);
  });

  it('names looked at but in no file are swept without losing those the files have', () => {
    const a = new Analyzer({ hashKey: Buffer.from('k') });
    a.setFile({ path: '.env', text: 'JWT_SECRET=x\nJWT_SECRET_PREVIOUS=y\n' });
    for (let i = 0; i < 210_000; i++) a.classify(`SERVICE_${i}_PASSWORD`);
    assert.deepEqual([...a.allKeys()], ['JWT_SECRET', 'JWT_SECRET_PREVIOUS']);
    assert.equal(a.classify('SERVICE_7_PASSWORD')?.purpose, 'password');
    a.removeFile('.env');
    assert.deepEqual([...a.allKeys()], []);
    assert.equal(a.allKeys().size, 0);
  });
});
