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
