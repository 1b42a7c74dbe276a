// zxcvbn-matchers.ts: the dictionary, reverse and l33t matchers that skip substrings no word starts
// with must find exactly what the package's own find, in the same order, and give the same estimates.
import * as assert from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { version as zxcvbnVersion } from '@zxcvbn-ts/core/package.json';
import { createZxcvbn } from '../../server/src/core/strength';
import { FAST_MATCHERS_ZXCVBN_VERSION, SCANS_BEFORE_SORTING, fastDictionaryMatchers, fastScanReady } from '../../server/src/core/zxcvbn-matchers';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = Number(process.env.FUZZ_SEED) || 0x2c7b;

/** The shape of a generated password for a failure message: letters and digits masked. */
function skeleton(text: string): string {
  return JSON.stringify(text.replace(/[A-Za-z]/g, 'a').replace(/[0-9]/g, '9'));
}

describe('zxcvbn dictionary matchers (same matches, fewer lookups)', function () {
  this.timeout(Math.max(60_000, RUNS * 100));
  const stock = createZxcvbn(false);
  const fast = createZxcvbn(true);
  // The matches before scoring (the factory's `main`, private in its typings).
  const matchesOf = (z: typeof stock, password: string): unknown => (z as unknown as { main(p: string): unknown }).main(password);

  const same = (password: string): void => {
    const a = matchesOf(stock, password);
    const b = matchesOf(fast, password);
    if (!isDeepStrictEqual(b, a)) assert.fail(`matches differ for a password shaped ${skeleton(password)}`);
    const x = stock.check(password);
    const y = fast.check(password);
    assert.strictEqual(y.guessesLog10, x.guessesLog10, `estimate differs for a password shaped ${skeleton(password)}`);
    assert.deepStrictEqual(y.sequence, x.sequence);
  };

  const optionsOf = (z: typeof stock) => (z as unknown as { options: { rankedDictionaries: Record<string, Record<string, number>> } }).options;

  before(() => {
    // Past its warm-up, so that the tests compare the sorted-word scan with the package's.
    for (let i = 0; i < 200 && !fastScanReady(optionsOf(fast)); i++) fast.check(`Spring${i}?word`);
  });

  it(`scans with the package's own loop for the first ${SCANS_BEFORE_SORTING} scans (a small workspace never pays for sorting the words), then with the sorted words, finding the same`, () => {
    const young = createZxcvbn(true);
    assert.equal(fastScanReady(optionsOf(young)), false);
    let checks = 0;
    for (; checks < 200 && !fastScanReady(optionsOf(young)); checks++) {
      const p = `Winter${checks}!pass`;
      assert.strictEqual(young.check(p).guessesLog10, stock.check(p).guessesLog10);
    }
    assert.ok(fastScanReady(optionsOf(young)), 'the sorted list is made after enough scans');
    assert.ok(checks >= 8, `switched after ${checks} estimates`);
    assert.ok(fastScanReady(optionsOf(fast)), 'the factory the other tests use is past its warm-up');
  });

  it(`is written against the installed @zxcvbn-ts/core (${FAST_MATCHERS_ZXCVBN_VERSION}); after an upgrade, compare the package's dictionary, reverse and l33t matchers with zxcvbn-matchers.ts and update the version`, () => {
    assert.strictEqual(zxcvbnVersion, FAST_MATCHERS_ZXCVBN_VERSION);
    const m = fastDictionaryMatchers();
    assert.ok(m, 'the faster matchers are in use');
    assert.deepStrictEqual(Object.keys(m).sort(), ['dictionary', 'dictionaryL33t', 'dictionaryReverse']);
    // createZxcvbn() installs them in place of the package's.
    const names = Object.fromEntries(Object.entries((fast as unknown as { matching: { matchers: Record<string, object> } }).matching.matchers).map(([k, v]) => [k, (v as object).constructor.name]));
    assert.deepStrictEqual([names.dictionary, names.dictionaryReverse, names.dictionaryL33t], ['FastDictionary', 'FastReverse', 'FastL33t']);
  });

  it('finds the same matches for words, their l33t spellings, reversals and the names an object lookup finds', () => {
    for (const p of [
      '', 'a', 'password', 'P@ssw0rd', 'p4$$w0rd!!', 'Tr0ub4dor&3', 'drowssap', 'correcthorsebatterystaple', 'iloveyou123', 'qwertyuiop',
      'Summer2024!', 'monkey', 'dragon1', 'l3tm31n', '|-|ello', 'constructor', 'CONSTRUCTOR', '__proto__', 'xconstructorx', 'tostring', 'hasownproperty',
      'éclair2024!', 'naïve-passw0rd', '\u{1F600}pass', 'aaaaaaaaaa', '1234567890', 'zxcvbn', 'thequickbrownfox',
    ]) same(p);
  });

  it('finds the same matches as the package for random printable passwords', () => {
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    fc.assert(fc.property(fc.array(printable, { maxLength: 40 }).map((a) => a.join('')), same), { numRuns: RUNS, seed: SEED });
  });

  it('finds the same matches as the package for passwords made of dictionary words, l33t, case and reversal', () => {
    const dict = zxcvbnCommon.dictionary as Record<string, (string | number)[]>;
    const words = Object.values(dict).flatMap((list) => list.map(String).filter((w) => w.length >= 2)).slice(0, 50_000);
    const leet: Record<string, string[]> = { a: ['4', '@'], e: ['3'], i: ['1', '!', '|'], o: ['0'], s: ['$', '5'], t: ['7', '+'], l: ['1', '|'], b: ['8'], g: ['9', '6'], z: ['2'] };
    const word = fc.record({
      w: fc.constantFrom(...words),
      subs: fc.array(fc.nat(), { maxLength: 4 }),
      upper: fc.array(fc.nat(), { maxLength: 3 }),
      reverse: fc.boolean(),
    }).map(({ w, subs, upper, reverse }) => {
      const chars = [...w];
      for (const n of subs) {
        const k = n % chars.length;
        const options = leet[chars[k]];
        if (options) chars[k] = options[n % options.length];
      }
      for (const n of upper) chars[n % chars.length] = chars[n % chars.length].toUpperCase();
      return (reverse ? chars.reverse() : chars).join('');
    });
    const glue = fc.constantFrom('', '', '1', '!', '2024', '_', '-', '$', '99', '.');
    const password = fc.array(fc.tuple(word, glue), { minLength: 1, maxLength: 3 }).map((parts) => parts.map(([w, g]) => w + g).join(''));
    fc.assert(fc.property(password, same), { numRuns: RUNS, seed: SEED });
  });

  it('finds the same matches as the package for short strings of any code points', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }), same), { numRuns: RUNS, seed: SEED });
  });
});
