/**
 * `ObjectMemo`, the engine's per-version memos stored on their objects instead of in WeakMaps, must
 * behave like a WeakMap's get/set and be invisible to everything else that reads those objects.
 */
import * as assert from 'node:assert/strict';
import { ObjectMemo } from '../../server/src/core/object-memo';
import { analyzeFiles } from '../../server/src/core/analyzer';

describe('ObjectMemo', () => {
  it('keeps one value per object and memo, replaceable, and undefined for objects never set', () => {
    const a = new ObjectMemo<object, number>('a');
    const b = new ObjectMemo<object, string>('b');
    const x = {};
    const y = [1, 2];
    assert.equal(a.get(x), undefined);
    a.set(x, 1).set(y, 2);
    b.set(x, 'other memo');
    assert.equal(a.get(x), 1);
    assert.equal(a.get(y), 2);
    assert.equal(b.get(x), 'other memo');
    assert.equal(b.get(y), undefined);
    a.set(x, 3);
    assert.equal(a.get(x), 3);
    a.forget(x);
    a.forget({});
    assert.equal(a.get(x), undefined);
    assert.equal(b.get(x), 'other memo', 'forgetting one memo leaves the others');
    a.set(x, 4);
    assert.equal(a.get(x), 4);
  });

  it('leaves no trace in JSON, keys, spreads, copies or deep equality', () => {
    const memo = new ObjectMemo<object, { big: string }>('m');
    const entry = { key: 'JWT_SECRET', start: 0 };
    const list = [entry];
    memo.set(entry, { big: 'x' });
    memo.set(list, { big: 'y' });
    assert.equal(JSON.stringify(list), '[{"key":"JWT_SECRET","start":0}]');
    assert.deepEqual(Object.keys(entry), ['key', 'start']);
    assert.deepEqual({ ...entry }, { key: 'JWT_SECRET', start: 0 });
    assert.deepStrictEqual(entry, { key: 'JWT_SECRET', start: 0 });
    assert.deepStrictEqual(list, [{ key: 'JWT_SECRET', start: 0 }]);
    assert.equal(memo.get({ ...entry }), undefined);
    assert.equal(memo.get([...list]), undefined);
  });

  it('the analyzer lets the secret facts of a file version go once its file rules have run', () => {
    const a = analyzeFiles({ '.env': 'JWT_SECRET=changeme\nDB_PASSWORD=Zq8vLw3nTt5rXy2p\n' });
    const secrets = a.secretsOf('.env');
    assert.ok(a.findings('.env').some((f) => f.ruleId === 'weak-secret'));
    const slots = Object.getOwnPropertySymbols(secrets).filter((s) => s.description === 'factsByFile');
    assert.equal(slots.length, 1, 'the rules made the facts');
    assert.equal((secrets as unknown as Record<symbol, unknown>)[slots[0]], undefined, 'and the analyzer let them go');
  });
});
