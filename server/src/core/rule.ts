import type { ProjectConfig } from './config';
import type { KeyClass } from './classify';
import type { Strength } from './strength';
import type { LineIndex } from './text';
import type { EnvEntry, ParsedSource, RelatedLocation, Severity } from './types';
import type { SlotFamily } from './slots';
import type { JournalIndex } from './journal-index';

export interface RuleMeta {
  /** Stable id: the diagnostic code, the suppression name, the README anchor. */
  id: string;
  defaultSeverity: Severity;
  /** One line for the rule table and SARIF `shortDescription`. */
  description: string;
  /** Anchor of the rule's section in README.md (`#weak-secret`). */
  docs: string;
  /** What the quick fix does, if the rule has one. */
  fix?: string;
  /**
   * "file" rules read only their file (cached per file version); "workspace" rules also read the
   * workspace index and are re-run for every file a change can affect.
   */
  scope: 'file' | 'workspace';
  /**
   * What a "workspace" rule reads of other files. 'values': their values and the lines around them
   * (the occurrence index): it is the only kind re-run for a file sharing a value with an edited
   * one. Otherwise the key set, .gitignore files and the journal, whose changes re-check every file.
   */
  reads?: 'values';
}

/** A secret-like value found in a file: an entry's value, or the password inside a connection URL. */
export interface SecretValue {
  entry: EnvEntry;
  key: string;
  /** The secret itself (for a URL, only the password; for Kubernetes `data:`, the decoded value). */
  value: string;
  /** Where the secret's text sits in the file (for a URL password, just the password). */
  start: number;
  end: number;
  klass: KeyClass;
  fromUrl: boolean;
  /** Keyed hash of the value (HMAC-SHA256, in memory only). */
  hash: string;
}

/** Where a value hash occurs in the workspace. */
export interface Occurrence {
  path: string;
  key: string;
  start: number;
  end: number;
  line: number;
  klass: KeyClass;
  fromUrl: boolean;
  /** The user of a URL password, to tell `POSTGRES_PASSWORD` in `DATABASE_URL` from reuse. */
  urlUser?: string;
  format: ParsedSource['format'];
  example: boolean;
}

export interface WorkspaceView {
  /** Every place a value with this keyed hash sits, across the workspace. */
  occurrences(hash: string): readonly Occurrence[];
  /** The parsed source of another file, if the workspace has it. */
  source(path: string): ParsedSource | undefined;
  /** Position mapping for another file. */
  lines(path: string): LineIndex | undefined;
  /** Every key defined in any env/config file of the workspace. */
  allKeys(): ReadonlySet<string>;
  /** Keys some file has a previous/versioned/numbered slot for: the project uses dual-key verification. */
  dualKeyBases(): ReadonlySet<string>;
  /** true/false when `.gitignore` files decide; undefined when the path is outside any git root. */
  isGitIgnored(path: string): boolean | undefined;
  journal(): JournalIndex;
  now(): Date;
  /** A short keyed fingerprint for output (never the value). */
  fingerprint(value: string): string;
}

export interface FileMeta {
  /** POSIX file mode, when known. */
  mode?: number;
  /** The platform, so that permission checks run on POSIX only. */
  posix?: boolean;
}

export interface FileContext {
  readonly source: ParsedSource;
  readonly lines: LineIndex;
  readonly config: ProjectConfig;
  readonly meta: FileMeta;
  /** `.env.example`, `.env.sample`, `.env.template`... */
  readonly isExample: boolean;
  readonly workspace: WorkspaceView;
  /** The file's secret-like values, classified, without empty values, markers and references. */
  readonly secrets: readonly SecretValue[];
  /** Slot families among this file's keys. */
  readonly families: ReadonlyMap<string, SlotFamily>;
  classify(key: string): KeyClass | undefined;
  strength(value: string): Strength;
  /** Adds a finding; severity, suppressions and the rule id are applied by the engine. */
  report(finding: ReportedFinding): void;
  /**
   * What this rule kept (`keep`) for this version of the file; else what it kept for the version
   * this one was re-parsed from, with how that version's entries and secrets map to this one's.
   * Undefined when neither exists. Keep only facts of the file itself (its entries, secrets and
   * families under the current configuration), never of the workspace: a workspace rule runs
   * again on the same version when another file changes.
   */
  recall<T>(): Recalled<T> | undefined;
  /**
   * Stores this rule's facts of this file version, for `recall` (on this version or the next one).
   * Only files being edited (a version re-parsed from the previous one) keep facts: a load or a CLI
   * run does not hold them for every file. Returns whether the facts were kept.
   */
  keep(memo: unknown): boolean;
}

/**
 * How an index range of one version maps to the next: [0, kept) are the same items; the old ones
 * from `oldResume` on are the new ones from `newResume` on (same facts, moved in the text);
 * [kept, newResume) are new.
 */
export interface IndexReuse {
  kept: number;
  oldResume: number;
  newResume: number;
}

export interface Recalled<T> {
  memo: T;
  /** How the remembered version's entries and secrets map to this one's; undefined: the same version. */
  carried?: { entries: IndexReuse; secrets: IndexReuse };
}

/**
 * A sorted list of indices carried to the next version: those before the change as they are,
 * `test` asked for the new ones, those after it moved by the change in count.
 */
export function carryIndexes(prev: readonly number[], r: IndexReuse, test: (i: number) => boolean): number[] {
  const out: number[] = [];
  let j = 0;
  for (; j < prev.length && prev[j] < r.kept; j++) out.push(prev[j]);
  for (let i = r.kept; i < r.newResume; i++) if (test(i)) out.push(i);
  while (j < prev.length && prev[j] < r.oldResume) j++;
  const shift = r.newResume - r.oldResume;
  for (; j < prev.length; j++) out.push(prev[j] + shift);
  return out;
}

/** Sorted indices with a fact each (a fact must not depend on where the item sits in the text). */
export interface IndexedFacts<V> {
  indexes: number[];
  facts: V[];
}

/** `carryIndexes` with a fact per index: `find` gives the fact of a new item, or undefined for none. */
export function carryIndexedFacts<V>(prev: IndexedFacts<V>, r: IndexReuse, find: (i: number) => V | undefined): IndexedFacts<V> {
  const indexes: number[] = [];
  const facts: V[] = [];
  const pi = prev.indexes;
  let j = 0;
  for (; j < pi.length && pi[j] < r.kept; j++) {
    indexes.push(pi[j]);
    facts.push(prev.facts[j]);
  }
  for (let i = r.kept; i < r.newResume; i++) {
    const v = find(i);
    if (v === undefined) continue;
    indexes.push(i);
    facts.push(v);
  }
  while (j < pi.length && pi[j] < r.oldResume) j++;
  const shift = r.newResume - r.oldResume;
  for (; j < pi.length; j++) {
    indexes.push(pi[j] + shift);
    facts.push(prev.facts[j]);
  }
  return { indexes, facts };
}

export interface ReportedFinding {
  start: number;
  end: number;
  message: string;
  key?: string;
  related?: RelatedLocation[];
  data?: Record<string, string | number | boolean | string[]>;
  /** Overrides the rule's configured severity, e.g. hint-level variants. */
  severity?: Severity;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: FileContext): void;
}
