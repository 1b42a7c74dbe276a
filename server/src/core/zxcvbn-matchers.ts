/**
 * zxcvbn's three dictionary matchers (plain, reversed, l33t), finding the same matches sooner.
 *
 * The package's dictionary matcher looks up every substring of the password, up to the longest
 * word, in every dictionary: a 20-character password is ~200 substrings times 8 dictionaries, and
 * the l33t matcher does it again for each of up to 16 variants of the password. That was ~1 s of a
 * 5,000-file workspace load (350 distinct human-made values, 80% of it in the l33t variants).
 * Here a substring is looked up only while some word of some dictionary starts with it: the
 * dictionaries' words, sorted once, are narrowed one character at a time, and the scan from a
 * position stops when no word starts with what it has read. Every lookup the package makes that
 * can find something is still made, in the same order, so the matches are the same objects in the
 * same order (test/unit/zxcvbn-matchers.test.ts compares them with the package's on generated
 * passwords, and the estimates of the checks).
 *
 * The package exports neither its dictionary matcher nor the l33t unmunger; they are required from
 * its files, and the plain, reverse and l33t `match` functions below repeat its own. Both are
 * pinned to the version they were written against: with another installed version, zxcvbn runs
 * with its own matchers (`fastDictionaryMatchers` returns undefined).
 */
import { version as zxcvbnVersion } from '@zxcvbn-ts/core/package.json';

/** The `@zxcvbn-ts/core` version whose dictionary, reverse and l33t matchers these repeat. */
export const FAST_MATCHERS_ZXCVBN_VERSION = '4.2.0';

type RankedDictionary = Record<string, number>;

export interface DictionaryMatch {
  pattern: 'dictionary';
  i: number;
  j: number;
  token: string;
  matchedWord: string;
  rank: number;
  dictionaryName: string;
  reversed: boolean;
  l33t: boolean;
  [extra: string]: unknown;
}

interface UserInputsOptions {
  rankedDictionary: RankedDictionary;
  rankedDictionaryMaxWordSize: number;
}

interface MatchOptions {
  password: string;
  userInputsOptions?: UserInputsOptions;
  useLevenshtein?: boolean;
  omniMatch?: unknown;
}

/** The parts of the package's Options that the matchers read. */
interface ZxcvbnOptions {
  rankedDictionaries: Record<string, RankedDictionary>;
  useLevenshteinDistance: boolean;
  l33tMaxSubstitutions: number;
  trieNodeRoot: unknown;
}

interface DictionaryMatcher {
  readonly options: ZxcvbnOptions;
  readonly wordSequenceCheck?: boolean;
  match(options: MatchOptions): DictionaryMatch[];
  getRangedDictionaries(userInputsOptions: UserInputsOptions | undefined): {
    rankedDictionaries: Record<string, RankedDictionary>;
    rankedDictionariesMaxWordSize: Record<string, number>;
  };
}
type DictionaryMatcherClass = new (options: ZxcvbnOptions, wordSequenceCheck?: boolean) => DictionaryMatcher;

interface SubbedPassword {
  password: string;
  changes: { letter: string; substitution: string; i: number }[];
  isFullSubstitution: boolean;
}

interface PackageParts {
  MatchDictionary: DictionaryMatcherClass;
  getCleanPasswords: (password: string, limit: number, trieRoot: unknown) => SubbedPassword[];
  feedback: (...args: never[]) => unknown;
  scoring: (...args: never[]) => unknown;
}

function packageParts(): PackageParts | undefined {
  if (zxcvbnVersion !== FAST_MATCHERS_ZXCVBN_VERSION) return undefined;
  try {
    // Static paths, so that the bundler includes them.
    /* eslint-disable @typescript-eslint/no-require-imports */
    return {
      MatchDictionary: require('@zxcvbn-ts/core/dist/matcher/dictionary/matching.cjs') as DictionaryMatcherClass,
      getCleanPasswords: require('@zxcvbn-ts/core/dist/matcher/dictionary/variants/matching/unmunger/getCleanPasswords.cjs') as PackageParts['getCleanPasswords'],
      feedback: require('@zxcvbn-ts/core/dist/matcher/dictionary/feedback.cjs') as PackageParts['feedback'],
      scoring: require('@zxcvbn-ts/core/dist/matcher/dictionary/scoring.cjs') as PackageParts['scoring'],
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  } catch {
    return undefined;
  }
}

/**
 * Every string a dictionary lookup can find, sorted (UTF-16 order): the words of all dictionaries,
 * and the names of `Object.prototype`'s properties, which the package's lookups on plain objects
 * also find (the password `constructor` "matches" every dictionary). Sorting the ~57k words takes
 * ~70 ms, the time of ~15 estimates by the package's own scan, so the first scans (a few files'
 * worth of values: a pre-commit run) use that scan and the list is made once more come.
 */
const wordLists = new WeakMap<Record<string, RankedDictionary>, { scans: number; words?: string[] }>();

/** Dictionary scans (each estimate makes 2 to 18: plain, reversed, l33t variants) before the sorted list is made. */
export const SCANS_BEFORE_SORTING = 256;

function sortedWords(dictionaries: Record<string, RankedDictionary>): string[] | undefined {
  let list = wordLists.get(dictionaries);
  if (!list) wordLists.set(dictionaries, (list = { scans: 0 }));
  if (list.words) return list.words;
  if (++list.scans <= SCANS_BEFORE_SORTING) return undefined;
  const all = new Set<string>(Object.getOwnPropertyNames(Object.prototype));
  for (const name of Object.keys(dictionaries)) for (const w of Object.keys(dictionaries[name])) all.add(w);
  list.words = [...all].sort();
  return list.words;
}

/** The character of `w` at `d` (-1 past its end): in a range of words sharing their first d characters, non-decreasing. */
function charKey(w: string, d: number): number {
  return d < w.length ? w.charCodeAt(d) : -1;
}

function hasOwnKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

/** Whether the matchers of a factory with these options scan with the sorted word list yet (for tests). */
export function fastScanReady(options: { rankedDictionaries: Record<string, RankedDictionary> }): boolean {
  return wordLists.get(options.rankedDictionaries)?.words !== undefined;
}

/** The dictionary, reverse and l33t matchers for `new ZxcvbnFactory(options, matchers)`, or undefined (see above). */
export function fastDictionaryMatchers(): Record<string, { Matching: DictionaryMatcherClass; feedback: PackageParts['feedback']; scoring: PackageParts['scoring'] }> | undefined {
  const parts = packageParts();
  if (!parts) return undefined;
  const { MatchDictionary, getCleanPasswords, feedback, scoring } = parts;

  class FastDictionary extends MatchDictionary {
    override match(options: MatchOptions): DictionaryMatch[] {
      const userInputs = options.userInputsOptions;
      // The Levenshtein search (off unless asked for) compares the whole password with every word;
      // user inputs are a dictionary of their own per check. Both go the package's way.
      if (this.options.useLevenshteinDistance || this.wordSequenceCheck || (userInputs && hasOwnKeys(userInputs.rankedDictionary))) return super.match(options);
      const words = sortedWords(this.options.rankedDictionaries);
      if (words === undefined) return super.match(options);
      const { password } = options;
      const matches: DictionaryMatch[] = [];
      const passwordLength = password.length;
      const passwordLower = password.toLowerCase();
      const { rankedDictionaries, rankedDictionariesMaxWordSize } = this.getRangedDictionaries(userInputs);
      const dictionaryNames = Object.keys(rankedDictionaries);
      const maxSearchWidth = Math.max(0, ...Object.values(rankedDictionariesMaxWordSize));
      for (let i = 0; i < passwordLength; i += 1) {
        // [lo, hi): the words that start with passwordLower[i..j-1].
        let lo = 0;
        let hi = words.length;
        for (let j = i; j < passwordLength; j += 1) {
          const isFullPassword = i === 0 && j === passwordLength - 1;
          if (j - i + 1 > maxSearchWidth && !isFullPassword) break;
          const d = j - i;
          const c = passwordLower.charCodeAt(j);
          let a = lo;
          let b = hi;
          while (a < b) {
            const m = (a + b) >>> 1;
            if (charKey(words[m], d) < c) a = m + 1;
            else b = m;
          }
          lo = a;
          b = hi;
          while (a < b) {
            const m = (a + b) >>> 1;
            if (charKey(words[m], d) <= c) a = m + 1;
            else b = m;
          }
          hi = a;
          // No word starts with what was read: no longer substring from i is a word either.
          if (lo === hi) break;
          // The shortest word of the range sorts first: a word equal to the substring, if any.
          if (words[lo].length !== d + 1) continue;
          const usedPassword = passwordLower.slice(i, j + 1);
          for (const dictionaryName of dictionaryNames) {
            const rankedDict = rankedDictionaries[dictionaryName];
            if (j - i + 1 > rankedDictionariesMaxWordSize[dictionaryName] && !isFullPassword) continue;
            const rank = rankedDict[usedPassword];
            if (rank !== undefined) {
              matches.push({ pattern: 'dictionary', i, j, token: password.slice(i, j + 1), matchedWord: usedPassword, rank, dictionaryName, reversed: false, l33t: false });
            }
          }
        }
      }
      return matches;
    }
  }

  /** The package's MatchReverse over the faster scan. */
  class FastReverse extends FastDictionary {
    override match(options: MatchOptions): DictionaryMatch[] {
      const passwordReversed = options.password.split('').reverse().join('');
      return super.match({ ...options, password: passwordReversed }).map((match) => ({
        ...match,
        token: match.token.split('').reverse().join(''),
        reversed: true,
        i: options.password.length - 1 - match.j,
        j: options.password.length - 1 - match.i,
      }));
    }
  }

  /** The package's MatchL33t over the faster scan. */
  class FastL33t extends FastDictionary {
    override match(options: MatchOptions): DictionaryMatch[] {
      const matches: DictionaryMatch[] = [];
      const subbedPasswords = getCleanPasswords(options.password, this.options.l33tMaxSubstitutions, this.options.trieNodeRoot);
      let hasFullMatch = false;
      for (const subbedPassword of subbedPasswords) {
        if (hasFullMatch) break;
        const matchedDictionary = super.match({ ...options, password: subbedPassword.password, useLevenshtein: subbedPassword.isFullSubstitution });
        for (const match of matchedDictionary) {
          const extras = l33tExtras(subbedPassword, match.i, match.j);
          if (!hasFullMatch) hasFullMatch = extras.i === 0 && extras.j === options.password.length - 1;
          const token = options.password.slice(extras.i, extras.j + 1);
          const newMatch: DictionaryMatch = { ...match, l33t: true, token, ...extras };
          const alreadyIncluded = matches.some((m) => m.i === newMatch.i && m.j === newMatch.j && m.dictionaryName === newMatch.dictionaryName && m.matchedWord === newMatch.matchedWord);
          // Only the matches that contain an actual substitution.
          if (token.toLowerCase() !== match.matchedWord && !alreadyIncluded) matches.push(newMatch);
        }
      }
      // Single-character l33t matches are noise ('1' for 'i', '4' for 'a').
      return matches.filter((match) => match.token.length > 1);
    }
  }

  return {
    dictionary: { Matching: FastDictionary, feedback, scoring },
    dictionaryReverse: { Matching: FastReverse, feedback, scoring },
    dictionaryL33t: { Matching: FastL33t, feedback, scoring },
  };
}

/** The package's `getExtras` (l33t.cjs): the match's place in the password before substitution, and the substitutions in it. */
function l33tExtras(passwordWithSubs: SubbedPassword, i: number, j: number): { i: number; j: number; subs: { letter: string; substitution: string }[]; subDisplay: string } {
  let iUnsubbed = i;
  let jUnsubbed = j;
  const filtered: { letter: string; substitution: string }[] = [];
  const subDisplay: string[] = [];
  const seenSubs = new Set<string>();
  for (const change of passwordWithSubs.changes) {
    if (change.i < i) {
      const diff = change.substitution.length - change.letter.length;
      iUnsubbed += diff;
      jUnsubbed += diff;
    } else if (change.i <= j) {
      jUnsubbed += change.substitution.length - change.letter.length;
      const subKey = `${change.letter}-${change.substitution}`;
      if (!seenSubs.has(subKey)) {
        seenSubs.add(subKey);
        filtered.push({ letter: change.letter, substitution: change.substitution });
        subDisplay.push(`${change.substitution} -> ${change.letter}`);
      }
    }
  }
  return { i: iUnsubbed, j: jUnsubbed, subs: filtered, subDisplay: subDisplay.join(', ') };
}
