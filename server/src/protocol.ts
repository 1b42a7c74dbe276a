/**
 * The one protocol module shared by the VS Code client and the language server: command ids,
 * custom requests and notifications, and the settings type. Both sides import this file with a
 * normal relative import; it imports types only, so it pulls neither `vscode` nor the server
 * libraries into the other side's bundle.
 *
 * Nothing that crosses this protocol carries an existing secret value: keys, paths, lengths,
 * encodings and keyed fingerprints only. (A newly generated value travels inside a WorkspaceEdit,
 * on its way into the user's file.)
 */
import type { Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { SeveritySetting } from './core/types';
import type { SlotScheme } from './core/config';

/** Where the rule reference lives; a rule's `docs` anchor (`#weak-secret`) is appended. */
export const DOCS_BASE_URL = 'https://github.com/secret-hygiene/secret-hygiene/blob/main/README.md';

export function docsUrl(anchor: string): string {
  return DOCS_BASE_URL + (anchor.startsWith('#') ? anchor : '#' + anchor);
}

/**
 * Node flags the VS Code client starts the server with. `--expose-gc`: once a start-up burst of
 * 500+ files is written, the server runs two full collections to give its garbage back to the
 * system (server/src/lsp/memory.ts; ~50 MB on a 5,000-file workspace). Other editors may pass it
 * too; without it the server skips that step and says so in its log.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--expose-gc'];

/** `Diagnostic.source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'secret-hygiene';

/** The settings section (`secretHygiene.*`) and the language client id (so `secretHygiene.trace.server` works). */
export const SETTINGS_SECTION = 'secretHygiene';
export const CLIENT_ID = 'secretHygiene';

/** Editor settings, per resource (workspace folder). Merged over `.secret-hygiene.json`. */
export interface Settings {
  /** Turns the checks off for a folder. */
  enable: boolean;
  /** Severity per rule id ("off" disables); wins over the project file's `rules`. */
  rules: Record<string, SeveritySetting>;
  /** Minimum bytes of key material; 0 or null keeps the project's value. */
  minBytes: number | null;
  /** Extra globs of files and folders to skip, added to the project's `exclude`. */
  exclude: string[];
  /** Extra key-name globs that are secrets. */
  secretKeys: string[];
  /** Key-name globs that are never secrets. */
  ignoreKeys: string[];
  codeLens: { enable: boolean };
  mask: { enable: boolean; scope: 'secrets' | 'all' };
  /** Diagnostics sent per file, the last saying how many more there are; 0 sends all. */
  maxDiagnosticsPerFile: number;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  rules: {},
  minBytes: null,
  exclude: [],
  secretKeys: [],
  ignoreKeys: [],
  codeLens: { enable: true },
  mask: { enable: false, scope: 'secrets' },
  maxDiagnosticsPerFile: 1000,
};

/** Reads a settings object of unknown shape (from the client or a user's JSON) into `Settings`. */
export function normalizeSettings(raw: unknown): Settings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const rules: Record<string, SeveritySetting> = {};
  if (o.rules && typeof o.rules === 'object' && !Array.isArray(o.rules)) {
    for (const [id, sev] of Object.entries(o.rules as Record<string, unknown>)) {
      if (sev === 'error' || sev === 'warning' || sev === 'info' || sev === 'hint' || sev === 'off') rules[id] = sev;
    }
  }
  const codeLens = o.codeLens && typeof o.codeLens === 'object' ? (o.codeLens as Record<string, unknown>) : {};
  const mask = o.mask && typeof o.mask === 'object' ? (o.mask as Record<string, unknown>) : {};
  return {
    enable: o.enable !== false,
    rules,
    minBytes: typeof o.minBytes === 'number' && Number.isFinite(o.minBytes) && o.minBytes > 0 ? o.minBytes : null,
    exclude: strings(o.exclude),
    secretKeys: strings(o.secretKeys),
    ignoreKeys: strings(o.ignoreKeys),
    codeLens: { enable: codeLens.enable !== false },
    mask: { enable: mask.enable === true, scope: mask.scope === 'all' ? 'all' : 'secrets' },
    maxDiagnosticsPerFile:
      typeof o.maxDiagnosticsPerFile === 'number' && Number.isFinite(o.maxDiagnosticsPerFile) && o.maxDiagnosticsPerFile >= 0
        ? Math.max(Math.floor(o.maxDiagnosticsPerFile), o.maxDiagnosticsPerFile === 0 ? 0 : 2)
        : DEFAULT_SETTINGS.maxDiagnosticsPerFile,
  };
}

/** What the client tells the server at `initialize`. */
export interface InitializationOptions {
  /** Set by the VS Code client: code actions and lenses may use the client's commands. */
  client?: 'vscode';
  /** Workspace trust: untrusted workspaces skip the code search of the rename quick fix. */
  trusted?: boolean;
  /** Settings for clients without `workspace/configuration`. */
  settings?: unknown;
}

/** Commands of the VS Code client (package.json `contributes.commands`). */
export const Commands = {
  generateSecret: 'secretHygiene.generateSecret',
  rotateSecret: 'secretHygiene.rotateSecret',
  completeRotation: 'secretHygiene.completeRotation',
  addJournalEntry: 'secretHygiene.addJournalEntry',
  toggleMasking: 'secretHygiene.toggleMasking',
  revealLine: 'secretHygiene.revealLine',
  showOutput: 'secretHygiene.showOutput',
  restartServer: 'secretHygiene.restartServer',
  /** e2e hook: the masked ranges of a visible editor (ranges only, never text). */
  testMaskedRanges: 'secretHygiene._test.maskedRanges',
} as const;

/**
 * Commands the server executes (`workspace/executeCommand`). Distinct ids from the client's:
 * vscode-languageclient registers these in VS Code itself.
 */
export const ServerCommands = {
  /** args: [{ uri }] — chmod 600 of an env file. */
  restrictPermissions: 'secretHygiene.server.restrictPermissions',
  /** args: [{ url }] — opens a rule's documentation with `window/showDocument`. */
  showDocumentation: 'secretHygiene.server.showDocumentation',
  /** args: [{ uri, key }] — rotation for editors other than VS Code: plans, confirms with showMessageRequest, applies. */
  rotate: 'secretHygiene.server.rotate',
} as const;

/** Arguments of `Commands.rotateSecret` / `ServerCommands.rotate` when issued from a code action or lens. */
export interface RotateArgs {
  uri: string;
  key: string;
}

/** A typed request or notification: the method name plus phantom parameter and result types. */
export interface RequestSpec<P, R> {
  method: string;
  /** Phantom fields, never set: they carry the types. */
  readonly _params?: P;
  readonly _result?: R;
}
export interface NotificationSpec<P> {
  method: string;
  readonly _params?: P;
}
function request<P, R>(method: string): RequestSpec<P, R> {
  return { method };
}
function notification<P>(method: string): NotificationSpec<P> {
  return { method };
}

export interface Refused {
  ok: false;
  /** Why, in words a user can act on. Never a value. */
  reason: string;
  /** `not-read`: the server does not analyze this file (the client may act on its own); `changed`: stale version. */
  code?: 'not-read' | 'changed';
}

// ---- rotation targets ----

export interface RotationTargetsParams {
  uri: string;
  /** The cursor: the key on this line is returned as `atCursor`. */
  position?: Position;
}
export interface RotationTarget {
  key: string;
  line: number;
  scheme: SlotScheme;
  /** The family's previous slots (keys only), for "Complete rotation". */
  previous: string[];
  /** Bytes and encoding of the current value, for the QuickPick detail. */
  detail: string;
}
export interface RotationTargetsResult {
  targets: RotationTarget[];
  atCursor?: string;
}
export const RotationTargetsRequest = request<RotationTargetsParams, RotationTargetsResult>('secretHygiene/rotationTargets');

// ---- rotate ----

export interface PlanRotationParams {
  uri: string;
  /** The document version the client saw; the plan is refused when the server's differs. null: not open. */
  version: number | null;
  key: string;
  scheme?: SlotScheme;
  /** Create a slot of this scheme first (the key has none). */
  createSlot?: SlotScheme;
}
export interface PlannedRotation {
  ok: true;
  uri: string;
  key: string;
  scheme: SlotScheme;
  /** One TextDocumentEdit with the document version: apply as one edit, one undo. */
  edit: WorkspaceEdit;
  summary: string[];
  warnings: string[];
  /** Immediate rotation: the warning to confirm before applying. */
  confirm?: string;
  oldFingerprint: string;
  newFingerprint: string;
  /** The key has no slot: schemes the user may create instead of rotating immediately. */
  slotOptions?: { scheme: SlotScheme; label: string }[];
  /** Other env files that set the same key (each gets its own fresh value if rotated). */
  siblings: { uri: string; path: string }[];
  /** Workspace-relative path of the file, for the journal entry. */
  path: string;
  /** The slot that now holds the old value, if the scheme keeps one. */
  previousKey?: string;
  /** The family's base key: what the journal records. */
  base: string;
}
export const PlanRotationRequest = request<PlanRotationParams, PlannedRotation | Refused>('secretHygiene/planRotation');

// ---- complete ----

export interface PlanCompletionParams {
  uri: string;
  version: number | null;
  key: string;
}
export interface PlannedCompletion {
  ok: true;
  uri: string;
  key: string;
  scheme: SlotScheme;
  edit: WorkspaceEdit;
  summary: string[];
  /** E.g. the journal says the rotation is younger than the overlap window. */
  warnings: string[];
  /** Set when completing may lock users or data out: confirm before applying. */
  confirm?: string;
}
export const PlanCompletionRequest = request<PlanCompletionParams, PlannedCompletion | Refused>('secretHygiene/planCompletion');

// ---- generate ----

export type SecretEncoding = 'hex' | 'base64' | 'base64url';

export interface GenerateParams {
  uri: string;
  version: number | null;
  position: Position;
  /** Insert at the cursor with this shape; by default the value under the cursor keeps its shape. */
  bytes?: number;
  encoding?: SecretEncoding;
}
export interface GenerateResult {
  ok: true;
  edit: WorkspaceEdit;
  /** Set when the value of this key was replaced (else the secret was inserted at the cursor). */
  replacedKey?: string;
  bytes: number;
  encoding: SecretEncoding;
  newFingerprint: string;
}
export const GenerateRequest = request<GenerateParams, GenerateResult | Refused>('secretHygiene/generate');

// ---- journal ----

export interface JournalEntryParams {
  /** A file in the workspace folder whose journal gets the entry. */
  uri: string;
  key: string;
  /** Runbook step for the heading (`A2.5`). */
  step?: string;
  trigger: 'scheduled' | 'emergency';
  reason?: string;
  oldFingerprint?: string;
  newFingerprint?: string;
  scheme?: SlotScheme;
  /** The slot that holds the old value (for the checklist). */
  previousKey?: string;
  files?: string[];
}
export interface JournalEntryResult {
  ok: true;
  /** Inserts the entry at the top of the journal (creating the file if missing). */
  edit: WorkspaceEdit;
  journalUri: string;
  /** Where the heading lands, to reveal it. */
  range: Range;
}
export const JournalEntryRequest = request<JournalEntryParams, JournalEntryResult | Refused>('secretHygiene/journalEntry');

// ---- notifications ----

export interface StatusParams {
  errors: number;
  warnings: number;
  infos: number;
  /** Files with at least one finding. */
  files: number;
  indexing: boolean;
}
/** server -> client: the workspace's finding counts, for the status bar. */
export const StatusNotification = notification<StatusParams>('secretHygiene/status');

/** client -> server: workspace trust was granted. */
export const TrustNotification = notification<{ trusted: boolean }>('secretHygiene/trust');
