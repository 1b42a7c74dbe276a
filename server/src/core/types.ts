/**
 * Shared types of the Secret Hygiene engine. Nothing here knows about editors or LSP.
 *
 * Offsets are indices into the decoded text (UTF-16 code units, as JavaScript strings and LSP's
 * default position encoding count them). Lines and characters are zero-based.
 */

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The file formats the engine reads. */
export type SourceFormat = 'dotenv' | 'compose' | 'yaml' | 'json' | 'properties';

export type QuoteStyle = 'none' | 'single' | 'double' | 'backtick';

/** How a text was stored on disk; writes re-encode with the same settings. */
export type TextEncoding = 'utf8' | 'utf16le' | 'utf16be';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  bom: boolean;
  /** The dominant line ending; used when an edit inserts a new line. */
  eol: '\n' | '\r\n';
}

/**
 * One key = value assignment, from any format. `value` is what the program reading the file sees
 * (dotenv semantics for .env files, the scalar for YAML/JSON, the default of `${VAR:-default}`).
 */
export interface EnvEntry {
  /** The key as written; a dotted path for nested config (`jwt.secret-key`). */
  key: string;
  value: string;
  /** Offsets of the key in the decoded text. */
  keyStart: number;
  keyEnd: number;
  /**
   * Offsets of the value's content: inside the quotes for quoted values, so that replacing
   * [valueStart, valueEnd) keeps the quoting. For values that are not written literally (Kubernetes
   * base64 `data:`), this is the range of the encoded text and `encodedAs` says so.
   */
  valueStart: number;
  valueEnd: number;
  quote: QuoteStyle;
  exported: boolean;
  /** Zero-based line of the key. */
  line: number;
  /** The value is a reference to another variable (`${VAR}`), not a value of its own. */
  reference?: boolean;
  /** The value is the default of an interpolation: compose `${VAR:-default}`, Spring `${VAR:default}`. */
  interpolationDefault?: boolean;
  /** The variable named by that interpolation (`${VAR:-default}` -> VAR). */
  interpolationVar?: string;
  /** The literal text is an encoding of the value (Kubernetes Secret `data:` is base64). */
  encodedAs?: 'base64';
  /**
   * The value is not literal text the engine can rewrite safely: YAML block scalars, JSON escapes,
   * properties continuations, JSON numbers, and rare dotenv corner cases (U+2028 inside quotes).
   */
  readOnly?: boolean;
}

/** A line like `# JWT_SECRET=...`: not a value, but still masked in the editor. */
export interface CommentedEntry {
  key: string;
  line: number;
  valueStart: number;
  valueEnd: number;
}

export interface ParseProblem {
  start: number;
  end: number;
  message: string;
  severity: Severity;
  /** Stable sub-kind, for tests and quick fixes: 'skipped-line', 'spaces-around-equals', ... */
  kind: string;
}

export interface Suppression {
  /** The zero-based line the suppression applies to. */
  line: number;
  /** Rule ids, or empty for every rule. */
  rules: string[];
  /** The comment's own line, for the "unused suppression" hint and quick fixes. */
  commentLine: number;
}

export interface ParsedSource {
  /** Workspace-relative path with forward slashes. */
  path: string;
  format: SourceFormat;
  text: string;
  entries: EnvEntry[];
  commented: CommentedEntry[];
  problems: ParseProblem[];
  suppressions: Suppression[];
  /** Set when the file could not be read as text; no rule but parse-error runs then. */
  unreadable?: string;
  /** compose `env_file:` references, workspace-relative, for "same secret, not reuse". */
  envFiles?: string[];
}

/** A finding, before it becomes a diagnostic, a CLI line or a SARIF result. Never holds a value. */
export interface Finding {
  ruleId: string;
  path: string;
  range: Range;
  message: string;
  severity: Severity;
  /** The key the finding is about, when there is one. */
  key?: string;
  related?: RelatedLocation[];
  /** Data for quick fixes; only keys, lengths, encodings, fingerprints: never a value. */
  data?: Record<string, string | number | boolean | string[]>;
}

export interface RelatedLocation {
  path: string;
  range: Range;
  message: string;
}

/** A text replacement in one file, in decoded-text offsets. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface FileEdit {
  path: string;
  edits: TextEdit[];
}
