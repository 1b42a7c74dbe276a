import type { SlotScheme } from './config';
import type { ParsedSource, TextEdit } from './types';

/**
 * Rotation planning: pure functions that turn a parsed file and a key into the text edits of a
 * rotation (seeds 000-004). Nothing here writes files; the CLI and the language server apply the
 * edits. (Signatures are the contract between the engine, the CLI and the editor.)
 */

export type ValueShape = { encoding: 'hex' | 'base64' | 'base64url' | 'text'; bytes: number; padded: boolean };

export interface PlanRotationInput {
  source: ParsedSource;
  key: string;
  /** Overrides the detected scheme (config `schemes`, or the user's choice). */
  scheme?: SlotScheme;
  /** When the key has no slot yet: create one with this scheme instead of rotating immediately. */
  createSlot?: SlotScheme;
  /** Minimum bytes of a new value (config `minBytes`); HS384/HS512 siblings raise it. */
  minBytes?: number;
  /** The CSPRNG; node:crypto randomBytes unless a test passes its own. */
  randomBytes?: (n: number) => Uint8Array;
  /** Keyed fingerprint for summaries (never the value). */
  fingerprint: (value: string) => string;
  /** Line ending for inserted lines; the file's own. */
  eol?: '\n' | '\r\n';
}

export interface RotationPlan {
  ok: true;
  path: string;
  key: string;
  scheme: SlotScheme;
  edits: TextEdit[];
  /** Human lines without values: "JWT_SECRET_PREVIOUS := old JWT_SECRET (fp:...)". */
  summary: string[];
  oldFingerprint: string;
  newFingerprint: string;
  newShape: ValueShape;
  /** Set for immediate rotation: every session is invalidated; callers must confirm. */
  confirm?: string;
  warnings: string[];
}

export interface Refusal {
  ok: false;
  reason: string;
}

export function planRotation(_input: PlanRotationInput): RotationPlan | Refusal {
  return { ok: false, reason: 'not implemented' };
}

export interface PlanCompletionInput {
  source: ParsedSource;
  key: string;
  fingerprint: (value: string) => string;
  eol?: '\n' | '\r\n';
}

export interface CompletionPlan {
  ok: true;
  path: string;
  key: string;
  scheme: SlotScheme;
  edits: TextEdit[];
  summary: string[];
  warnings: string[];
}

export function planCompletion(_input: PlanCompletionInput): CompletionPlan | Refusal {
  return { ok: false, reason: 'not implemented' };
}
