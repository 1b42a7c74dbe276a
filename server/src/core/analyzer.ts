import { createHmac, randomBytes } from 'node:crypto';
import ignore, { type Ignore } from 'ignore';
import { classifyKeyName, isExampleFile, isMarker, isNonSecretValue, parseUrlPassword, type KeyClass } from './classify';
import { DEFAULT_CONFIG, matchesAnyKeyGlob, type ProjectConfig } from './config';
import { EMPTY_JOURNAL, parseJournal, type JournalIndex } from './journal-index';
import { parseSource, unreadableSource } from './parse';
import { lineStartsOf, reuseOf, type DotenvReuse } from './parsers/dotenv';
import { formatOf } from './files';
import { RULES } from './rules';
import { forgetSecretFacts } from './placeholders';
import type { FileContext, FileMeta, IndexReuse, Occurrence, Recalled, ReportedFinding, Rule, SecretValue, WorkspaceView } from './rule';
import { findSlotFamilies, slotBase, type SlotFamily } from './slots';
import { estimateStrength, type Strength } from './strength';
import { isSuppressed } from './suppressions';
import { LineIndex, flatCopy, sameRange } from './text';
import type { EnvEntry, Finding, ParsedSource, Severity } from './types';

/** How many files keep their workspace findings cached by default (see `wsCached`). */
const WORKSPACE_FINDINGS_CACHED = 512;

export interface AnalyzerOptions {
  config?: ProjectConfig;
  rules?: readonly Rule[];
  /** Key of the keyed hash that compares values; random per process unless given. */
  hashKey?: Uint8Array;
  now?: () => Date;
  /** How many files keep their workspace findings cached (default 512; see `wsCached`). */
  findingsCacheSize?: number;
}

export interface FileInput {
  path: string;
  /** The decoded text; absent when the file could not be decoded (see `unreadable`). */
  text?: string;
  unreadable?: string;
  meta?: FileMeta;
}

interface FileState {
  source: ParsedSource;
  lines: LineIndex;
  meta: FileMeta;
  example: boolean;
  secrets: SecretValue[];
  /** The index in `source.entries` of each secret's entry. */
  secretEntries: number[];
  families: Map<string, SlotFamily>;
  /** The configuration the state was built under (see `Analyzer.epoch`). */
  epoch: number;
  /**
   * `classify(entries[i].key)` per entry, filled as rules ask (undefined: not asked yet; null: no
   * class). Rules walk the entries in order, so `FileContext.classify` looks a few entries ahead
   * of the last one it answered before it looks the key up in the analyzer's map (which, with
   * 100k keys, was a third of missing-previous-slot).
   */
  entryClass?: (KeyClass | null | undefined)[];
  fileFindings?: Finding[];
  /** Findings of the workspace rules that read the key set, .gitignore files and the journal. */
  workspaceFindings?: Finding[];
  /** Findings of the workspace rules that read other files' values (`RuleMeta.reads`). */
  valueFindings?: Finding[];
  signature?: Signature;
  /** How an incremental parse mapped the previous version's secrets to this one's (to carry its signature). */
  secretsReuse?: IndexReuse;
  /** Per rule id: what the rule kept for this version (`FileContext.keep`). */
  memos?: Map<string, unknown>;
  /**
   * The memos of the version this one was re-parsed from and how its entries and secrets map to
   * this one's (`FileContext.recall`); dropped once the rules have run on this version.
   */
  carry?: { memos: Map<string, unknown>; reuse: { entries: IndexReuse; secrets: IndexReuse } };
  /** A version given to the parser with the previous one (a file being edited): rules keep their facts. */
  editing?: boolean;
  /**
   * The findings last handed out for this file, per scope, until the rules run again: a finding
   * equal to one of them is handed out as that same object (see `EarlierFindings`).
   */
  stale?: { file?: Finding[]; workspace?: Finding[]; values?: Finding[] };
}

/** The same keys in the same order and the same slot bases: the workspace counts stay as they are. */
function sameKeys(a: FileState, b: FileState): boolean {
  const x = a.source.entries;
  const y = b.source.entries;
  if (x.length !== y.length || a.families.size !== b.families.size) return false;
  for (let i = 0; i < x.length; i++) if (x[i].key !== y[i].key) return false;
  for (const [base, f] of a.families) {
    const g = b.families.get(base);
    if (!g || (g.scheme === 'immediate') !== (f.scheme === 'immediate')) return false;
  }
  return true;
}

/** The entries an incremental parse re-parsed have the keys, in order, of those they replace. */
function sameRegionKeys(before: FileState, after: FileState, reuse: DotenvReuse): boolean {
  const n = reuse.oldResume - reuse.kept;
  if (reuse.newResume - reuse.kept !== n) return false;
  const x = before.source.entries;
  const y = after.source.entries;
  for (let i = reuse.kept; i < reuse.oldResume; i++) if (x[i].key !== y[i].key) return false;
  return true;
}

/** The per-entry classes a new state starts with: those of the entries an incremental parse kept or moved. */
function entryClasses(count: number, prev: FileState | undefined, reuse: DotenvReuse | undefined): (KeyClass | null | undefined)[] | undefined {
  const old = prev?.entryClass;
  if (!old || !reuse) return undefined;
  const out: (KeyClass | null | undefined)[] = new Array(count).fill(undefined);
  for (let i = 0; i < reuse.kept; i++) out[i] = old[i];
  const shift = reuse.newResume - reuse.oldResume;
  for (let i = reuse.oldResume; i < old.length; i++) out[i + shift] = old[i];
  return out;
}

/** A value with a comma among entries [from, to): it could be a key list (see `findSlotFamilies`). */
function regionHasComma(entries: readonly EnvEntry[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (entries[i].value.indexOf(',') !== -1) return true;
  return false;
}

/**
 * Everything other files' findings read of this file, as one string: the workspace rules see another
 * file only through the value index (`occurrences`: key, line and columns, URL user, class) and, in
 * reused-secret, through its source: the entry under an occurrence (its URL scheme and
 * `${VAR:-default}` variable), its `*_USER`/`*_USERNAME` values and its compose `env_file:` list.
 * Key presence (allKeys, dualKeyBases) is tracked separately. Values appear only as keyed hashes.
 * A rule that starts reading more of another file must extend this, or edits will leave other
 * files' findings stale (the incremental property test in test/unit/analyzer-incremental.test.ts
 * compares every update with a fresh analysis).
 */
function computeSignature(st: FileState, a: Analyzer, from?: SignatureBase): Signature {
  const n = st.secrets.length;
  const secretParts: string[] = new Array(n);
  const pos = new Int32Array(4 * n);
  const lines = st.lines;
  // Kept secrets (before the edit) read as they did; a moved one too while its line and columns
  // are the same (an edit that adds no line break moves only the rest of its own line).
  const kept = from ? from.secrets.kept : 0;
  const resume = from ? from.secrets.newResume : n;
  const shift = from ? from.secrets.oldResume - from.secrets.newResume : 0;
  if (kept > 0) pos.set(from!.sig.pos.subarray(0, 4 * kept));
  for (let i = 0; i < n; i++) {
    if (i < kept) {
      secretParts[i] = from!.sig.secretParts[i];
      continue;
    }
    const s = st.secrets[i];
    const sl = lines.lineAt(s.start);
    const el = lines.lineAt(s.end);
    const sc = Math.min(s.start, lines.text.length) - lines.lineStart(sl);
    const ec = Math.min(s.end, lines.text.length) - lines.lineStart(el);
    pos[4 * i] = sl;
    pos[4 * i + 1] = sc;
    pos[4 * i + 2] = el;
    pos[4 * i + 3] = ec;
    if (i >= resume) {
      const o = 4 * (i + shift);
      const was = from!.sig.pos;
      if (was[o] === sl && was[o + 1] === sc && was[o + 2] === el && was[o + 3] === ec) {
        secretParts[i] = from!.sig.secretParts[i + shift];
        continue;
      }
    }
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s.entry.value)?.[1] ?? '';
    secretParts[i] = [s.hash, s.key, sl, sc, el, ec, s.fromUrl ? 1 : 0, s.fromUrl ? a.hash(parseUrlPassword(s.entry.value)?.user ?? '') : '', scheme, s.entry.interpolationVar ?? '', s.klass.origin, s.klass.purpose, s.entry.key].join('\u0001');
  }
  const fileHead = [st.source.format, String(st.example), (st.source.envFiles ?? []).join('\u0000')].join('\u0002');
  let file: string | undefined;
  if (from && from.sig.fileHead === fileHead && !hasUserKey(from.entries, from.reuse.kept, from.reuse.oldResume) && !hasUserKey(st.source.entries, from.reuse.kept, from.reuse.newResume)) {
    // The re-parsed entries hold no user key, the others kept their keys and values.
    file = from.sig.file;
  } else {
    const fileParts: string[] = [fileHead];
    for (const e of st.source.entries) if (USER_KEY.test(e.key)) fileParts.push('u\u0001' + e.key + '\u0001' + a.hash(e.value));
    file = fileParts.join('\u0002');
  }
  return { file, fileHead, secretParts, pos };
}

const USER_KEY = /[._](USER|USERNAME)$/i;

function hasUserKey(entries: readonly EnvEntry[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (USER_KEY.test(entries[i].key)) return true;
  return false;
}

/**
 * What other files read of a file (see `computeSignature`): `file`, what every file sharing a value
 * with it reads (format, example-ness, `env_file:` list, `*_USER` values; `fileHead` the first
 * three); `secretParts[i]`, what the files sharing the value of `secrets[i]` read of that secret;
 * `pos`, its line and columns (start line, start column, end line, end column per secret).
 */
interface Signature {
  file: string;
  fileHead: string;
  secretParts: string[];
  pos: Int32Array;
}

/** The previous version's signature and how an incremental parse mapped its entries and secrets. */
interface SignatureBase {
  sig: Signature;
  entries: readonly EnvEntry[];
  reuse: DotenvReuse;
  secrets: IndexReuse;
}

/** What other files read of the two versions is the same (the signatures' parts are). */
function sameSignature(b: Signature, c: Signature): boolean {
  if (b.file !== c.file || b.secretParts.length !== c.secretParts.length) return false;
  for (let i = 0; i < b.secretParts.length; i++) if (b.secretParts[i] !== c.secretParts[i]) return false;
  return true;
}

/**
 * The value hashes whose occurrences in a file differ between two versions with the same file-level
 * signature: a file sharing only other values with it reads nothing that changed.
 */
function changedHashes(before: FileState, b: Signature, after: FileState, c: Signature): Set<string> {
  const of = (st: FileState, sig: Signature): Map<string, string> => {
    const m = new Map<string, string>();
    for (let i = 0; i < st.secrets.length; i++) {
      const h = st.secrets[i].hash;
      const prev = m.get(h);
      m.set(h, prev === undefined ? sig.secretParts[i] : prev + '\u0002' + sig.secretParts[i]);
    }
    return m;
  };
  const old = of(before, b);
  const now = of(after, c);
  const changed = new Set<string>();
  for (const [h, part] of old) if (now.get(h) !== part) changed.add(h);
  for (const h of now.keys()) if (!old.has(h)) changed.add(h);
  return changed;
}

// A key record packs, in one number (a small integer for counts below 32768), what the analyzer knows
// of a key name: bits 0-1 its slot-likeness (0: not asked yet, 1: no, 2: yes), bits 2-15 its class
// (0: not asked yet, 1: no class, n >= 2: the interned class n - 2), and above them how many entries
// of the workspace's files have the name.
const SLOT_MASK = 0b11;
const SLOT_NO = 1;
const SLOT_YES = 2;
const CLASS_SHIFT = 2;
const CLASS_MASK = 0xfffc;
const CLASS_NONE = 1;
const CLASS_REFS = 1 << 14;
const COUNT_UNIT = 1 << 16;
/** Records of names no file has (classified or looked at once) kept before they are swept. */
const ABSENT_KEPT = 200_000;

/**
 * Everything the analyzer remembers per key name, in one map with one copy of each name: its class
 * under the current config, whether it is slot-like, and how many entries have it. (Three maps,
 * each with its own copy of ~200k names, were a third of the server's heap after indexing.)
 * Classes are interned: the ~200k names share a few hundred distinct `KeyClass` objects.
 */
class KeyTable {
  readonly records = new Map<string, number>();
  /** Names with a count above zero. */
  present = 0;
  private readonly classes: KeyClass[] = [];
  private readonly classRefs = new Map<string, number>();

  count(key: string): number {
    const r = this.records.get(key);
    return r === undefined ? 0 : Math.floor(r / COUNT_UNIT);
  }

  has(key: string): boolean {
    const r = this.records.get(key);
    return r !== undefined && r >= COUNT_UNIT;
  }

  /** The cached class: undefined when not asked yet, null for none. */
  klass(key: string): KeyClass | null | undefined {
    const r = this.records.get(key);
    if (r === undefined) return undefined;
    const c = (r & CLASS_MASK) >> CLASS_SHIFT;
    return c === 0 ? undefined : c === CLASS_NONE ? null : this.classes[c - 2];
  }

  /** Remembers `key`'s class; returns the interned object to hand out instead of `k`. */
  setClass(key: string, k: KeyClass | undefined): KeyClass | undefined {
    let ref = CLASS_NONE;
    let out = k;
    if (k) {
      const id = `${k.secret ? 1 : 0}\u0000${k.origin}\u0000${k.purpose}\u0000${k.browserPrefix === undefined ? '\u0001' : k.browserPrefix}\u0000${k.reason}`;
      let i = this.classRefs.get(id);
      if (i === undefined && this.classes.length < CLASS_REFS - 2) {
        this.classes.push(k);
        this.classRefs.set(id, (i = this.classes.length - 1));
      }
      // A config with more distinct classes than the bits hold leaves the others uncached.
      if (i === undefined) return k;
      ref = i + 2;
      out = this.classes[i];
    }
    const r = this.records.get(key);
    if (r === undefined) this.add(key, ref << CLASS_SHIFT);
    else this.records.set(key, r - (r & CLASS_MASK) + (ref << CLASS_SHIFT));
    return out;
  }

  /** `slotBase(key) !== undefined`, cached. */
  slotLike(key: string): boolean {
    const r = this.records.get(key);
    const bits = r === undefined ? 0 : r & SLOT_MASK;
    if (bits !== 0) return bits === SLOT_YES;
    const yes = slotBase(key) !== undefined;
    if (r === undefined) this.add(key, yes ? SLOT_YES : SLOT_NO);
    else this.records.set(key, r + (yes ? SLOT_YES : SLOT_NO));
    return yes;
  }

  /**
   * Adds `delta` to the count of `key`; returns the count before. A name whose count rises from zero
   * moves to the end of the map, so that the present names iterate in the order they appeared (as
   * the map of counts, which dropped a name at zero, did).
   */
  addCount(key: string, delta: number): number {
    const r = this.records.get(key);
    if (r === undefined) {
      if (delta > 0) {
        this.add(key, delta * COUNT_UNIT);
        this.present++;
      }
      return 0;
    }
    const n = Math.floor(r / COUNT_UNIT);
    const m = Math.max(0, n + delta);
    const v = r + (m - n) * COUNT_UNIT;
    if (n === 0 && m > 0) {
      this.present++;
      this.records.delete(key);
      this.add(key, v);
      return n;
    }
    if (n > 0 && m === 0) this.present--;
    this.records.set(key, v);
    return n;
  }

  /** Forgets every class (the config changed); counts and slot-likeness stay. */
  clearClasses(): void {
    for (const [key, r] of this.records) if ((r & CLASS_MASK) !== 0) this.records.set(key, r - (r & CLASS_MASK));
  }

  private add(key: string, v: number): void {
    if (this.records.size - this.present >= ABSENT_KEPT) this.sweep();
    this.records.set(flatCopy(key), v);
  }

  /** Drops the records of names no file has. */
  private sweep(): void {
    for (const [key, r] of this.records) if (r < COUNT_UNIT) this.records.delete(key);
  }
}

/**
 * The names with a count above zero, as a read-only set over the key table (not a copy: a set of
 * ~200k names is ~10 MB of hash table). The analyzer hands out a new view whenever a name appears
 * or disappears, so rules may memoise per view; an old view reads the table as it is now.
 */
class PresentKeys implements ReadonlySet<string> {
  constructor(private readonly table: KeyTable) {}

  get size(): number {
    return this.table.present;
  }

  has(key: string): boolean {
    return this.table.has(key);
  }

  *keys(): IterableIterator<string> {
    for (const [key, r] of this.table.records) if (r >= COUNT_UNIT) yield key;
  }

  values(): IterableIterator<string> {
    return this.keys();
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of this.keys()) yield [key, key];
  }

  forEach(fn: (value: string, value2: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const key of this.keys()) fn.call(thisArg, key, key, this);
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.keys();
  }
}

/**
 * The incremental engine: holds the parsed files of a workspace, an index of keyed value hashes,
 * the `.gitignore` files and the journal, and computes findings per file on demand. An update
 * returns the files whose findings may have changed, so an editor re-publishes only those.
 */
export class Analyzer implements WorkspaceView {
  private config: ProjectConfig;
  private readonly rules: readonly Rule[];
  private readonly hashKey: Uint8Array;
  private readonly clock: () => Date;
  private readonly files = new Map<string, FileState>();
  private readonly index = new Map<string, Occurrence[]>();
  private readonly gitignores = new Map<string, Ignore>();
  private journalIndex: JournalIndex = EMPTY_JOURNAL;
  /** Class, slot-likeness and count per key name (see `KeyTable`). */
  private readonly keys = new KeyTable();
  private readonly dualKeyCounts = new Map<string, number>();
  /**
   * Bases of slot families and slot-like keys (`X_PREVIOUS`, `X_V2`, `X_VERSION`...) touched by the
   * update in progress, with whether they were present before it. When one appears or disappears
   * across the whole workspace, every file's workspace findings may change (missing-previous-slot
   * reads `dualKeyBases()` and the slot keys of `allKeys()`); an edit that removes and re-adds the
   * same ones (most edits) changes nothing.
   */
  private readonly presenceBefore = new Map<string, boolean>();
  private readonly strengthCache = new Map<string, Strength>();
  /**
   * The sets `allKeys()` and `dualKeyBases()` hand out, rebuilt only when a key or base appears or
   * disappears. Rules call them once per file; copying 100k keys per call made a check of 5,000
   * files quadratic. A stable identity also lets a rule memoise work per key set.
   */
  private keySetView: ReadonlySet<string> | undefined;
  private dualBasesView: ReadonlySet<string> | undefined;
  /**
   * Files whose workspace findings are cached, least recently used first. Cross-file findings carry
   * related locations and are most of the engine's memory (~190 MB of 5,000 files' findings on the
   * benchmark tree); an update recomputes those of the files it affects anyway, so only the
   * recently read ones (open editors, the last publish) are kept.
   */
  private readonly wsCached = new Set<FileState>();
  private readonly findingsCacheSize: number;
  /** Value hashes whose occurrences were already added to the update's affected set. */
  private readonly propagated = new Set<string>();
  /**
   * Keyed hashes by value: a keystroke re-reads every value of its file, and shared values recur
   * across files; an HMAC per value per update was ~5% of a keystroke in a 10k-line file.
   * In memory only, like the texts the values come from.
   */
  private readonly hashCache = new Map<string, string>();
  /** Counts configuration changes: a file state is reused for the next version only under the same one. */
  private epoch = 0;

  constructor(options: AnalyzerOptions = {}) {
    this.config = options.config ?? DEFAULT_CONFIG;
    this.rules = options.rules ?? RULES;
    this.hashKey = options.hashKey ?? randomBytes(32);
    this.clock = options.now ?? (() => new Date());
    this.findingsCacheSize = Math.max(1, options.findingsCacheSize ?? WORKSPACE_FINDINGS_CACHED);
  }

  get projectConfig(): ProjectConfig {
    return this.config;
  }

  /** Replaces the configuration; every file's findings may change. */
  setConfig(config: ProjectConfig): Set<string> {
    this.config = config;
    this.epoch++;
    this.keys.clearClasses();
    this.setFiles(
      [...this.files].map(([path, st]) => ({ path, text: st.source.unreadable ? undefined : st.source.text, unreadable: st.source.unreadable, meta: st.meta })),
    );
    return this.invalidateAll();
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  /** Adds or replaces a file. Returns every path whose findings may have changed. */
  setFile(input: FileInput): Set<string> {
    const affected = new Set<string>();
    this.putFile(input, affected);
    return this.finishUpdate(affected);
  }

  /**
   * Adds or replaces many files as one update (a workspace load, a CLI run): the same end state and
   * the same affected paths as calling `setFile` for each, but the "every file may have changed"
   * decision and the affected set are computed once instead of once per file.
   */
  setFiles(inputs: Iterable<FileInput>): Set<string> {
    const affected = new Set<string>();
    for (const input of inputs) this.putFile(input, affected);
    return this.finishUpdate(affected);
  }

  private putFile(input: FileInput, affected: Set<string>): void {
    const before = this.files.get(input.path);
    affected.add(input.path);
    // The previous version, when the parser can re-parse from it and its per-entry facts still hold.
    const previous = before && before.epoch === this.epoch && !before.source.unreadable ? before.source : undefined;
    const source =
      input.text === undefined
        ? unreadableSource(input.path, formatOf(input.path), '', input.unreadable ?? 'unreadable file')
        : parseSource(input.path, input.text, formatOf(input.path), previous);
    const reuse = previous && source !== previous ? reuseOf(source) : undefined;
    // A new file's keys are counted before `buildState` classifies them, so that each new name's
    // record is added once, in its place, rather than added by the classification and then moved
    // to the end when counted (a churn that left a bulk load's key table with twice the slots).
    if (!before) this.countEntryKeys(source.entries, +1);
    let state: FileState;
    try {
      state = this.buildState(source, input.meta ?? {}, reuse ? before : undefined, reuse);
    } catch (e) {
      if (!before) this.countEntryKeys(source.entries, -1);
      throw e;
    }
    if (previous) state.editing = true;
    if (before) {
      // Files sharing a value with the old or the new version read this one only through what
      // `computeSignature` covers: when an edit leaves that as it was (most keystrokes), the index
      // is updated but no other file is affected. Otherwise only the files sharing a value whose
      // places here changed are (an edit to one shared value re-checks the files sharing that
      // value, not every file sharing any), unless what all of them read changed.
      const others = new Set<string>();
      const emptied: string[] = [];
      this.unindexValues(before, others, emptied);
      const file = before.fileFindings ?? before.stale?.file;
      const workspace = before.workspaceFindings ?? before.stale?.workspace;
      const values = before.valueFindings ?? before.stale?.values;
      if (file || workspace || values) state.stale = { file, workspace, values };
      this.forgetFindings(before);
      this.files.set(input.path, state);
      this.indexValues(state, others, false);
      for (const h of emptied) if (this.index.get(h)?.length === 0) this.index.delete(h);
      if (others.size > 0) {
        const b = this.signatureOf(before);
        const from = reuse && state.secretsReuse ? { sig: b, entries: before.source.entries, reuse, secrets: state.secretsReuse } : undefined;
        const c = (state.signature ??= computeSignature(state, this, from));
        if (!sameSignature(b, c)) {
          if (b.file !== c.file) for (const p of others) affected.add(p);
          else {
            for (const h of changedHashes(before, b, state, c)) {
              for (const o of this.index.get(h) ?? []) if (o.path !== input.path) affected.add(o.path);
            }
          }
        }
      }
    } else {
      this.files.set(input.path, state);
      this.indexValues(state, affected, true);
    }
    // The new file's keys are counted before the old one's are released: a key the edit keeps never
    // drops to zero, so the workspace's key set (and what rules memoise on it) survives a keystroke.
    if (!before) this.countFamilies(state, +1);
    else if (!(state.families === before.families && reuse && sameRegionKeys(before, state, reuse)) && !sameKeys(before, state)) {
      this.countKeys(state, +1);
      this.countKeys(before, -1);
    }
  }

  removeFile(path: string): Set<string> {
    const before = this.files.get(path);
    const affected = new Set<string>();
    if (!before) return affected;
    this.unindexValues(before, affected);
    this.countKeys(before, -1);
    this.forgetFindings(before);
    this.files.delete(path);
    affected.delete(path);
    return this.finishUpdate(affected);
  }

  /** Sets the `.gitignore` of a folder ('' for the root); undefined removes it. */
  setGitignore(dir: string, text: string | undefined): Set<string> {
    if (text === undefined) this.gitignores.delete(dir);
    else this.gitignores.set(dir, ignore().add(text));
    return this.invalidateAll();
  }

  setJournal(text: string | undefined): Set<string> {
    this.journalIndex = text === undefined ? EMPTY_JOURNAL : parseJournal(text);
    return this.invalidateAll();
  }

  /** Findings of one file, computed on demand and cached until an update affects the file. */
  findings(path: string): Finding[] {
    const st = this.files.get(path);
    if (!st) return [];
    let file = st.fileFindings;
    if (!file) {
      file = st.fileFindings = this.runRules(st, 'file');
      forgetSecretFacts(st.secrets);
    }
    this.wsCached.delete(st);
    this.wsCached.add(st);
    const workspace = (st.workspaceFindings ??= this.runRules(st, 'workspace'));
    const values = (st.valueFindings ??= this.runRules(st, 'values'));
    if (this.wsCached.size > this.findingsCacheSize) {
      const oldest = this.wsCached.values().next().value as FileState;
      this.wsCached.delete(oldest);
      oldest.workspaceFindings = undefined;
      oldest.valueFindings = undefined;
      oldest.stale = undefined;
    }
    // Every rule has run on this version and kept what it needs: the previous version's memos can go.
    st.carry = undefined;
    return [...file, ...workspace, ...values].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId),
    );
  }

  allFindings(): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    for (const path of [...this.files.keys()].sort()) out.set(path, this.findings(path));
    return out;
  }

  /** The parsed file, for hovers, code actions and rotation planning. */
  source(path: string): ParsedSource | undefined {
    return this.files.get(path)?.source;
  }

  lines(path: string): LineIndex | undefined {
    return this.files.get(path)?.lines;
  }

  secretsOf(path: string): readonly SecretValue[] {
    return this.files.get(path)?.secrets ?? [];
  }

  familiesOf(path: string): ReadonlyMap<string, SlotFamily> {
    return this.files.get(path)?.families ?? new Map();
  }

  // ---- WorkspaceView ----

  occurrences(hash: string): readonly Occurrence[] {
    return this.index.get(hash) ?? [];
  }

  allKeys(): ReadonlySet<string> {
    return (this.keySetView ??= new PresentKeys(this.keys));
  }

  dualKeyBases(): ReadonlySet<string> {
    return (this.dualBasesView ??= new Set(this.dualKeyCounts.keys()));
  }

  isGitIgnored(path: string): boolean | undefined {
    if (this.gitignores.size === 0) return undefined;
    let ignored = false;
    // Deeper .gitignore files are applied after shallower ones, as git does.
    const dirs = [...this.gitignores.keys()].sort((a, b) => a.length - b.length);
    for (const dir of dirs) {
      const prefix = dir === '' ? '' : dir + '/';
      if (!path.startsWith(prefix)) continue;
      const rel = path.slice(prefix.length);
      const r = this.gitignores.get(dir)!.test(rel);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    }
    return ignored;
  }

  journal(): JournalIndex {
    return this.journalIndex;
  }

  now(): Date {
    return this.clock();
  }

  hash(value: string): string {
    let h = this.hashCache.get(value);
    if (h === undefined) {
      h = createHmac('sha256', this.hashKey).update(value, 'utf8').digest('hex');
      if (this.hashCache.size >= 100_000) this.hashCache.clear();
      // A copy: the value is a slice of its file's text and would keep that whole version alive.
      this.hashCache.set(flatCopy(value), h);
    }
    return h;
  }

  fingerprint(value: string): string {
    return 'fp:' + this.hash(value).slice(0, 10);
  }

  strength(value: string): Strength {
    const h = this.hash(value);
    let s = this.strengthCache.get(h);
    if (!s) {
      // A copy: the estimate may keep its value (zxcvbn runs when the entropy is first read), and
      // the value is a slice of its file's text, which would keep that whole version alive.
      s = estimateStrength(flatCopy(value));
      if (this.strengthCache.size > 50_000) this.strengthCache.clear();
      this.strengthCache.set(h, s);
    }
    return s;
  }

  classify(key: string): KeyClass | undefined {
    const hit = this.keys.klass(key);
    if (hit !== undefined) return hit ?? undefined;
    return this.keys.setClass(key, this.classifyUncached(key));
  }

  private classifyUncached(key: string): KeyClass | undefined {
    if (this.config.ignoreKeys.length > 0 && matchesAnyKeyGlob(key, this.config.ignoreKeys)) return undefined;
    const k = classifyKeyName(key);
    if (k?.secret) return k;
    if (this.config.secretKeys.length > 0 && matchesAnyKeyGlob(key, this.config.secretKeys)) {
      return { secret: true, origin: 'self-chosen', purpose: 'credential', browserPrefix: k?.browserPrefix, reason: 'listed in secretKeys' };
    }
    return k;
  }

  // ---- internals ----

  /** The cached signature of a file state (see `computeSignature`). */
  private signatureOf(st: FileState): Signature {
    return (st.signature ??= computeSignature(st, this));
  }

  /**
   * The per-file facts rules read. With `prev` and `reuse` (an incremental parse of the next
   * version), the secrets of the entries the parse kept or moved are taken over (moved with them)
   * and only the re-parsed entries are classified again; the slot families are kept when the
   * re-parsed entries have the same keys and no value that could be a key list.
   */
  private buildState(source: ParsedSource, meta: FileMeta, prev?: FileState, reuse?: DotenvReuse): FileState {
    const lines = new LineIndex(source.text, lineStartsOf(source));
    const entries = source.entries;
    const secrets: SecretValue[] = [];
    const secretEntries: number[] = [];
    let families: Map<string, SlotFamily> | undefined;
    let carry: FileState['carry'];
    let secretsReuse: IndexReuse | undefined;
    if (prev && reuse) {
      const ps = prev.secrets;
      const pe = prev.secretEntries;
      let si = 0;
      for (; si < ps.length && pe[si] < reuse.kept; si++) {
        secrets.push(ps[si]);
        secretEntries.push(pe[si]);
      }
      const keptSecrets = si;
      for (let i = reuse.kept; i < reuse.newResume; i++) this.addSecret(source, i, secrets, secretEntries);
      const newResume = secrets.length;
      while (si < ps.length && pe[si] < reuse.oldResume) si++;
      secretsReuse = { kept: keptSecrets, oldResume: si, newResume };
      if (prev.memos) {
        carry = {
          memos: prev.memos,
          reuse: {
            entries: { kept: reuse.kept, oldResume: reuse.oldResume, newResume: reuse.newResume },
            secrets: secretsReuse,
          },
        };
      }
      const shift = reuse.newResume - reuse.oldResume;
      const d = reuse.delta;
      const moved = d !== 0 || reuse.lineDelta !== 0;
      for (; si < ps.length; si++) {
        const s = ps[si];
        const ei = pe[si] + shift;
        secrets.push(
          moved ? { entry: entries[ei], key: s.key, value: s.value, start: s.start + d, end: s.end + d, klass: s.klass, fromUrl: s.fromUrl, hash: s.hash } : s,
        );
        secretEntries.push(ei);
      }
      if (sameRegionKeys(prev, { source } as FileState, reuse) && !regionHasComma(prev.source.entries, reuse.kept, reuse.oldResume) && !regionHasComma(entries, reuse.kept, reuse.newResume)) {
        families = prev.families;
      }
    } else {
      for (let i = 0; i < entries.length; i++) this.addSecret(source, i, secrets, secretEntries);
    }
    if (!families) {
      const values = new Map(entries.map((e) => [e.key, e.value]));
      families = findSlotFamilies(
        entries.map((e) => e.key),
        this.config.schemes,
        { isSecret: (k) => this.classify(k)?.secret === true, valueOfKey: (k) => values.get(k) },
      );
    }
    return { source, lines, meta, example: isExampleFile(source.path), secrets, secretEntries, families, epoch: this.epoch, entryClass: entryClasses(entries.length, prev, reuse), carry, secretsReuse };
  }

  /** The secret of entry `i`, if it has one (at most one: the value, or the password of a URL). */
  private addSecret(source: ParsedSource, i: number, secrets: SecretValue[], secretEntries: number[]): void {
    const entry = source.entries[i];
    const value = entry.value;
    if (value === '' || entry.reference || isMarker(value)) return;
    const url = parseUrlPassword(value);
    if (url && !entry.encodedAs) {
      const pw = value.slice(url.start, url.end);
      if (!isMarker(pw) && !/^\$\{?[A-Za-z_]/.test(pw)) {
        const literal = source.text.slice(entry.valueStart, entry.valueEnd) === value;
        secrets.push({
          entry,
          key: entry.key,
          value: pw,
          start: literal ? entry.valueStart + url.start : entry.valueStart,
          end: literal ? entry.valueStart + url.end : entry.valueEnd,
          klass: { secret: true, origin: /^(smtps?|ftp)$/.test(url.scheme) ? 'third-party' : 'self-chosen', purpose: 'password', reason: `password inside a ${url.scheme}:// URL` },
          fromUrl: true,
          hash: this.hash(pw),
        });
        secretEntries.push(i);
      }
      return;
    }
    const klass = this.classify(entry.key);
    if (!klass?.secret) return;
    if (isNonSecretValue(value)) return;
    secrets.push({ entry, key: entry.key, value, start: entry.valueStart, end: entry.valueEnd, klass, fromUrl: false, hash: this.hash(value) });
    secretEntries.push(i);
  }

  private indexValues(st: FileState, affected: Set<string>, once: boolean): void {
    const seen = new Set<string>();
    for (const s of st.secrets) {
      let list = this.index.get(s.hash);
      if (!list) this.index.set(s.hash, (list = []));
      if (!once) {
        if (!seen.has(s.hash)) {
          seen.add(s.hash);
          for (const o of list) if (o.path !== st.source.path) affected.add(o.path);
        }
      } else if (!this.propagated.has(s.hash)) {
        // Once per hash and update: later files of a bulk load are in `affected` already.
        this.propagated.add(s.hash);
        for (const o of list) affected.add(o.path);
      }
      list.push({
        path: st.source.path,
        key: s.key,
        start: s.start,
        end: s.end,
        line: st.lines.positionAt(s.start).line,
        klass: s.klass,
        fromUrl: s.fromUrl,
        urlUser: s.fromUrl ? parseUrlPassword(s.entry.value)?.user : undefined,
        format: st.source.format,
        example: st.example,
      });
    }
  }

  /** Adds (+1) or releases (-1) a file's keys and slot bases in the workspace counts. */
  private countKeys(st: FileState, delta: 1 | -1): void {
    this.countEntryKeys(st.source.entries, delta);
    this.countFamilies(st, delta);
  }

  private countEntryKeys(entries: readonly EnvEntry[], delta: 1 | -1): void {
    for (const e of entries) {
      const n = this.keys.addCount(e.key, delta);
      if (this.keys.slotLike(e.key)) this.notePresence('key:' + e.key, n > 0);
      if (n === 0 ? delta > 0 : n + delta <= 0) this.keySetView = undefined;
    }
  }

  private countFamilies(st: FileState, delta: 1 | -1): void {
    for (const f of st.families.values()) {
      if (f.scheme === 'immediate') continue;
      const n = this.dualKeyCounts.get(f.base) ?? 0;
      this.notePresence('base:' + f.base, n > 0);
      const m = n + delta;
      if (m > 0) {
        if (n === 0) {
          this.dualBasesView = undefined;
          this.dualKeyCounts.set(flatCopy(f.base), m);
        } else this.dualKeyCounts.set(f.base, m);
      } else if (this.dualKeyCounts.delete(f.base)) this.dualBasesView = undefined;
    }
  }

  private notePresence(id: string, present: boolean): void {
    if (!this.presenceBefore.has(id)) this.presenceBefore.set(id, present);
  }

  /**
   * Takes a file's places out of the index. With `emptied` (the file is being replaced), a value
   * left with no place keeps its entry, empty, and is listed there: the caller deletes the entries
   * still empty once the new version is indexed. (A V8 Map that deletes and re-adds hundreds of
   * keys per keystroke rehashes often, and each replaced table stays linked to the next one,
   * keeping old versions' places alive into the old generation: most of what a keystroke's
   * young-generation collections copied.)
   */
  private unindexValues(st: FileState, affected: Set<string>, emptied?: string[]): void {
    const seen = new Set<string>();
    for (const s of st.secrets) {
      if (seen.has(s.hash)) continue;
      seen.add(s.hash);
      const list = this.index.get(s.hash);
      if (!list) continue;
      const kept = list.filter((o) => o.path !== st.source.path);
      for (const o of kept) affected.add(o.path);
      if (kept.length > 0 || emptied) this.index.set(s.hash, kept);
      else this.index.delete(s.hash);
      if (kept.length === 0) emptied?.push(s.hash);
    }
  }

  private finishUpdate(affected: Set<string>): Set<string> {
    this.propagated.clear();
    let slotsChanged = false;
    for (const [id, before] of this.presenceBefore) {
      const now = id.startsWith('base:') ? this.dualKeyCounts.has(id.slice(5)) : this.keys.has(id.slice(4));
      if (now !== before) slotsChanged = true;
    }
    this.presenceBefore.clear();
    if (slotsChanged) {
      for (const st of this.files.values()) this.forgetWorkspaceFindings(st);
      return new Set(this.files.keys());
    }
    // Other files are affected here only through the values they share with the updated ones (the
    // occurrence index and the signatures of what they read of them): what the other workspace
    // rules read (the key set, .gitignore files, the journal) re-checks every file when it changes.
    for (const path of affected) {
      const st = this.files.get(path);
      if (st) this.forgetValueFindings(st);
    }
    return affected;
  }

  /** Drops a file's findings of value-reading rules; they stay as `stale` until the rules run again. */
  private forgetValueFindings(st: FileState): void {
    if (st.valueFindings) (st.stale ??= {}).values = st.valueFindings;
    st.valueFindings = undefined;
  }

  /** Drops a file's workspace findings; they stay as `stale` until the rules run again. */
  private forgetWorkspaceFindings(st: FileState): void {
    if (st.workspaceFindings) (st.stale ??= {}).workspace = st.workspaceFindings;
    st.workspaceFindings = undefined;
    this.forgetValueFindings(st);
    this.wsCached.delete(st);
  }

  private forgetFindings(st: FileState): void {
    st.fileFindings = undefined;
    this.forgetWorkspaceFindings(st);
  }

  private invalidateAll(): Set<string> {
    for (const st of this.files.values()) {
      if (st.fileFindings) (st.stale ??= {}).file = st.fileFindings;
      st.fileFindings = undefined;
      this.forgetWorkspaceFindings(st);
    }
    return new Set(this.files.keys());
  }

  /** Runs the file rules, the workspace rules reading other files' values, or the other workspace rules. */
  private runRules(st: FileState, scope: 'file' | 'workspace' | 'values'): Finding[] {
    const findings: Finding[] = [];
    const stale = st.stale?.[scope];
    const earlier = stale && stale.length > 0 ? new EarlierFindings(stale) : undefined;
    if (st.stale) {
      st.stale[scope] = undefined;
      if (!st.stale.file && !st.stale.workspace && !st.stale.values) st.stale = undefined;
    }
    for (const rule of this.rules) {
      if (scope === 'file' ? rule.meta.scope !== 'file' : rule.meta.scope !== 'workspace' || (rule.meta.reads === 'values') !== (scope === 'values')) continue;
      const setting = this.config.rules[rule.meta.id];
      if (setting === 'off') continue;
      if (st.source.unreadable && rule.meta.id !== 'parse-error') continue;
      const severity: Severity = setting ?? rule.meta.defaultSeverity;
      const ctx = this.context(st, rule.meta.id, severity, setting !== undefined, findings, earlier);
      try {
        rule.check(ctx);
      } catch (e) {
        // A rule bug must not take the other rules, or the server, down with it. The error's
        // name and the rule id are safe to show; its message could quote input, so it is dropped.
        findings.push({
          ruleId: 'internal-error',
          path: st.source.path,
          range: st.lines.range(0, 0),
          message: `Rule ${rule.meta.id} failed on this file (${e instanceof Error ? e.name : 'error'}); please report it`,
          severity: 'warning',
        });
      }
    }
    return findings;
  }

  private context(st: FileState, ruleId: string, severity: Severity, severityConfigured: boolean, sink: Finding[], earlier?: EarlierFindings): FileContext {
    const self = this;
    let cursor = 0;
    return {
      source: st.source,
      lines: st.lines,
      config: this.config,
      meta: st.meta,
      isExample: st.example,
      workspace: this,
      secrets: st.secrets,
      families: st.families,
      classify: (key) => {
        // The entries just after the last one answered (rules skip some: references, repeats).
        const entries = st.source.entries;
        const classes = (st.entryClass ??= new Array(entries.length).fill(undefined));
        const stop = Math.min(entries.length, cursor + 8);
        for (let i = cursor; i < stop; i++) {
          if (entries[i].key !== key) continue;
          cursor = i + 1;
          let k = classes[i];
          if (k === undefined) classes[i] = k = self.classify(key) ?? null;
          return k ?? undefined;
        }
        return self.classify(key);
      },
      strength: (value) => self.strength(value),
      recall<T>(): Recalled<T> | undefined {
        const own = st.memos?.get(ruleId);
        if (own !== undefined) return { memo: own as T };
        const c = st.carry;
        const prev = c?.memos.get(ruleId);
        return prev === undefined ? undefined : { memo: prev as T, carried: c!.reuse };
      },
      keep(memo: unknown): boolean {
        if (!st.editing) return false;
        (st.memos ??= new Map()).set(ruleId, memo);
        return true;
      },
      report(f: ReportedFinding) {
        const lines = st.lines;
        const suppressions = st.source.suppressions;
        if (suppressions.length > 0 && isSuppressed(suppressions, lines.lineAt(f.start), ruleId)) return;
        const sev = severityConfigured ? severity : (f.severity ?? severity);
        // An equal finding of the file's last lists goes out as that same object (see
        // EarlierFindings): first the next one in report order, compared field by field with what
        // the rule reported (no Finding, range or positions made for it: most findings of a
        // keystroke are these), then by key among the others.
        const next = earlier?.next(ruleId, f, sev, lines);
        if (next !== undefined) {
          sink.push(next);
          return;
        }
        const fresh: Finding = {
          ruleId,
          path: st.source.path,
          range: lines.range(f.start, f.end),
          message: f.message,
          severity: sev,
          key: f.key,
          related: f.related,
          data: f.data,
        };
        sink.push(earlier?.take(fresh) ?? fresh);
      },
    };
  }
}

/**
 * The findings a file had before an update. A keystroke changes a few findings of the file and an
 * edit elsewhere a few of a file sharing a value, but the rules make every finding anew (each entry
 * after the edit has moved): a new finding equal to an earlier one is handed out as that earlier
 * object, so that consumers memoising per Finding (the language server's diagnostics and their
 * JSON) redo only what changed. Each earlier finding is taken at most once.
 *
 * Rules report in the same order every time, so the next earlier finding (or the one after it,
 * when one went away) is tried first; only a finding found neither there is looked up by key (else
 * by message), in an index built on the first such miss. (Building that index for every update was
 * most of this class's cost on a 100k-line file.)
 */
class EarlierFindings {
  private readonly taken: Uint8Array;
  private cursor = 0;
  /** Positions in `list` by key, else by message; built on the first finding not found in order. */
  private byName: Map<string, number | number[]> | undefined;

  constructor(private readonly list: readonly Finding[]) {
    this.taken = new Uint8Array(list.length);
  }

  /**
   * The earlier finding at the cursor or just after it when it equals what a rule reported (with
   * this severity, its offsets at `lines`' positions), else undefined: `take` then looks further.
   */
  next(ruleId: string, f: ReportedFinding, severity: Severity, lines: LineIndex): Finding | undefined {
    const list = this.list;
    const end = Math.min(list.length, this.cursor + 2);
    for (let i = this.cursor; i < end; i++) {
      const e = list[i];
      if (
        this.taken[i] === 0 &&
        e.ruleId === ruleId &&
        e.key === f.key &&
        e.severity === severity &&
        e.message === f.message &&
        lines.isRange(e.range, f.start, f.end) &&
        sameRelated(e.related, f.related) &&
        (e.data === f.data || (e.data !== undefined && f.data !== undefined && sameData(e.data, f.data)))
      ) {
        return this.hand(i);
      }
    }
    return undefined;
  }

  /** The earlier finding equal to `f` (removed from the pool), or undefined. */
  take(f: Finding): Finding | undefined {
    const list = this.list;
    const end = Math.min(list.length, this.cursor + 2);
    for (let i = this.cursor; i < end; i++) {
      if (this.taken[i] === 0 && sameFinding(list[i], f)) return this.hand(i);
    }
    const there = (this.byName ??= this.index()).get(f.key ?? f.message);
    if (there === undefined) return undefined;
    if (typeof there === 'number') return this.taken[there] === 0 && sameFinding(list[there], f) ? this.hand(there) : undefined;
    for (const i of there) if (this.taken[i] === 0 && sameFinding(list[i], f)) return this.hand(i);
    return undefined;
  }

  private hand(i: number): Finding {
    this.taken[i] = 1;
    this.cursor = i + 1;
    return this.list[i];
  }

  private index(): Map<string, number | number[]> {
    const byName = new Map<string, number | number[]>();
    for (let i = 0; i < this.list.length; i++) {
      const f = this.list[i];
      const name = f.key ?? f.message;
      const there = byName.get(name);
      if (there === undefined) byName.set(name, i);
      else if (typeof there === 'number') byName.set(name, [there, i]);
      else there.push(i);
    }
    return byName;
  }
}

/** Equal findings, down to the order of `data`'s keys (what a serialisation would show). */
function sameFinding(a: Finding, b: Finding): boolean {
  if (a.ruleId !== b.ruleId || a.key !== b.key || a.severity !== b.severity || !sameRange(a.range, b.range) || a.path !== b.path || a.message !== b.message) return false;
  if (!sameRelated(a.related, b.related)) return false;
  return a.data === b.data || (a.data !== undefined && b.data !== undefined && sameData(a.data, b.data));
}

function sameRelated(a: Finding['related'], b: Finding['related']): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y && (!sameRange(x.range, y.range) || x.path !== y.path || x.message !== y.message)) return false;
  }
  return true;
}

/** `a`'s keys in order, for `sameData` (reused: comparisons run one at a time, none re-entrant). */
const dataKeys: string[] = [];

/**
 * The same keys in the same order (what JSON shows) with the same values. Walks the keys with
 * for-in (V8 serves objects of one shape from a cache) instead of two Object.keys arrays per
 * comparison: most findings of a keystroke come with a new, equal data object.
 */
function sameData(a: NonNullable<Finding['data']>, b: NonNullable<Finding['data']>): boolean {
  let n = 0;
  for (const k in a) {
    if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
    dataKeys[n++] = k;
  }
  let i = 0;
  for (const k in b) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) continue;
    if (i >= n || k !== dataKeys[i]) return false;
    i++;
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return i === n;
}


/** Convenience for tests and the CLI: analyze in-memory files. */
export function analyzeFiles(files: Record<string, string>, options: AnalyzerOptions & { gitignore?: Record<string, string>; journal?: string; meta?: Record<string, FileMeta> } = {}): Analyzer {
  const a = new Analyzer(options);
  for (const [dir, text] of Object.entries(options.gitignore ?? {})) a.setGitignore(dir, text);
  if (options.journal !== undefined) a.setJournal(options.journal);
  for (const [path, text] of Object.entries(files)) a.setFile({ path, text, meta: options.meta?.[path] });
  return a;
}

export { slotBase };
