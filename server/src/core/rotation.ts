import { classifyKeyName, parseUrlPassword, isExampleFile, isMarker, keyWords } from './classify';
import { keyGlob, type SlotScheme } from './config';
import {
  algOfValue,
  defaultRandom,
  generateShaped,
  shapeOf,
  targetShape,
  type HmacAlg,
  type RandomSource,
  type SecretEncoding,
  type ValueShape,
} from './generate';
import { journalAgeDays, type JournalIndex } from './journal-index';
import { findSlotFamilies, preferredPreviousSuffix, PREVIOUS_SUFFIXES, type SlotFamily } from './slots';
import { dominantEol, LineIndex } from './text';
import type { EnvEntry, ParsedSource, TextEdit } from './types';

/**
 * Rotation planning: pure functions that turn a parsed file and a key into the text edits of a
 * rotation (seeds 000-004). Nothing here writes files; the CLI and the language server apply the
 * edits. (Signatures are the contract between the engine, the CLI and the editor.)
 *
 * Schemes (see slots.ts for detection):
 * - previous:  `X_PREVIOUS := X`, new `X`; the slot line is inserted after `X` when missing.
 * - versioned: `X_V{n} := X`, new `X`, `X_VERSION := n+1` (n = the current version, 1 when unset).
 * - numbered:  `X_0 := X_1`, new `X_1` (every slot shifts down one; the lowest value is dropped).
 * - authjs:    Auth.js builds its secret list as [AUTH_SECRET_3, _2, _1, AUTH_SECRET] and signs
 *              with the first (@auth/core `setEnvDefaults`), so a rotation adds the next numbered
 *              slot with the new value; at most three, after which the rotation must be completed.
 * - list:      `X=new,old` keeping at most `listMax` (2) keys.
 * - immediate: the value is replaced; every session and token signed with it dies (seeds 003/004).
 *
 * Completion (after the overlap window):
 * - previous/numbered: the older slots are emptied (`X_PREVIOUS=`), not removed, so the slot stays
 *   visible to readers, to the scheme detection and to the next rotation; `removeSlots` removes the
 *   lines instead (seed 000's "remove JWT_SECRET_PREVIOUS").
 * - versioned: slots older than latest-1 are removed; latest (`X`) and latest-1 stay as the recovery
 *   floor (seed 004). Records still encrypted with a retired key become unreadable: callers confirm.
 * - authjs: `AUTH_SECRET := AUTH_SECRET_n` (the signing value) and the numbered lines are removed, so
 *   the next rotation starts again at `AUTH_SECRET_1`.
 * - list: only the first key is kept.
 */

export type { ValueShape } from './generate';

export type RefusalCode =
  | 'not-found'
  | 'ambiguous'
  | 'unparseable'
  | 'read-only'
  | 'reference'
  | 'example-file'
  | 'unsupported'
  | 'slots-full'
  | 'broken-chain'
  | 'nothing-to-complete'
  | 'internal';

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
  /** Config `schemes` (key glob -> scheme); `scheme` wins over it. */
  schemes?: Record<string, SlotScheme>;
  /** Every key of the workspace, to pick the project's previous-slot suffix (`_PREVIOUS`/`_PREV`/`_OLD`). */
  workspaceKeys?: Iterable<string>;
  /** Forces the new value's encoding / size (otherwise the old value's shape is kept). */
  encoding?: SecretEncoding;
  bytes?: number;
  /** Forces the algorithm floor (otherwise read from a sibling `*_ALG`/`*_ALGORITHM`). */
  alg?: HmacAlg;
  /** list scheme: how many keys the list keeps, the new one included (default 2). */
  listMax?: number;
  /** Rotate in an example file anyway (refused by default: example files are shared). */
  allowExample?: boolean;
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
  /** The key that now holds the new value (`X`, `X_1`, `AUTH_SECRET_2`). */
  currentKey?: string;
  /** The slot key that holds the old value, when the scheme keeps one. */
  previousKey?: string;
  /** Keys whose lines were added. */
  insertedKeys?: string[];
  /** The family's base key (`JWT_SECRET` for `JWT_SECRET_PREVIOUS`): what the journal records. */
  base?: string;
  /** What the secret is for, by its name (classify.ts): a password rotation also needs the service changed. */
  purpose?: string;
}

export interface Refusal {
  ok: false;
  reason: string;
  code?: RefusalCode;
}

export interface PlanCompletionInput {
  source: ParsedSource;
  key: string;
  fingerprint: (value: string) => string;
  eol?: '\n' | '\r\n';
  scheme?: SlotScheme;
  schemes?: Record<string, SlotScheme>;
  /** The journal and the clock: completing inside the overlap window asks for confirmation. */
  journal?: JournalIndex;
  now?: Date;
  overlapDays?: number;
  /** previous/numbered: remove the slot lines instead of emptying them. */
  removeSlots?: boolean;
}

export interface CompletionPlan {
  ok: true;
  path: string;
  key: string;
  scheme: SlotScheme;
  edits: TextEdit[];
  summary: string[];
  warnings: string[];
  /** Set when completing may lock users or data out (inside the overlap window, retiring keys). */
  confirm?: string;
  base?: string;
  /** Keys whose old values were cleared or whose lines were removed. */
  retiredKeys?: string[];
}

/** The slot scheme to create for a key without one: Auth.js reads numbered slots, others a previous slot. */
export function defaultSlotScheme(key: string): SlotScheme {
  return /^AUTH_SECRET$/i.test(key) ? 'authjs' : 'previous';
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

class Refused extends Error {
  constructor(
    readonly reason: string,
    readonly code: RefusalCode,
  ) {
    super(reason);
  }
}

function refuse(reason: string, code: RefusalCode): never {
  throw new Refused(reason, code);
}

/** Text-level helpers over one source: entries by key, line spans, raw value text, edit builders. */
class FileView {
  readonly lines: LineIndex;
  readonly text: string;
  readonly eol: '\n' | '\r\n';
  private readonly byKey = new Map<string, EnvEntry[]>();

  constructor(
    readonly source: ParsedSource,
    eol?: '\n' | '\r\n',
  ) {
    this.text = source.text;
    this.lines = new LineIndex(source.text);
    this.eol = eol ?? dominantEol(source.text);
    for (const e of source.entries) {
      const list = this.byKey.get(e.key);
      if (list) list.push(e);
      else this.byKey.set(e.key, [e]);
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** The single entry of `key`, refusing when it is missing, defined twice or unsafe to edit. */
  entry(key: string, what = key): EnvEntry {
    const list = this.byKey.get(key);
    if (!list || list.length === 0) refuse(`${what} is not defined in ${this.source.path}`, 'not-found');
    if (list.length > 1) {
      refuse(
        `${key} is defined ${list.length} times in ${this.source.path} (lines ${list.map((e) => e.line + 1).join(', ')}); remove the extra definitions first so it is clear which one is rotated`,
        'ambiguous',
      );
    }
    const e = list[0];
    if (e.readOnly) refuse(`${key} on line ${e.line + 1} is not written as literal text (a block scalar or an escaped string); edit it by hand`, 'read-only');
    if (e.reference) refuse(`${key} on line ${e.line + 1} refers to another variable; rotate the variable it refers to`, 'reference');
    if (e.interpolationDefault) {
      const form = this.source.format === 'compose' ? ':-...' : ':...';
      refuse(`${key} on line ${e.line + 1} is the default of \${${e.interpolationVar ?? key}${form}}, used when the variable is unset; set and rotate the variable in the env file instead`, 'unsupported');
    }
    const span = this.span(e);
    const bad = this.source.problems.find((p) => p.severity === 'error' && p.start <= span.end && p.end >= span.start);
    if (bad) {
      const line = this.lines.positionAt(bad.start).line + 1;
      refuse(`${key} sits on a line the parser cannot read safely (line ${line}: ${bad.kind}); fix that line first`, 'unparseable');
    }
    return e;
  }

  /** The entry's value including its quotes. */
  rawRange(e: EnvEntry): { start: number; end: number } {
    const q = e.quote === 'none' ? 0 : 1;
    return { start: e.valueStart - q, end: e.valueEnd + q };
  }

  rawText(e: EnvEntry): string {
    const r = this.rawRange(e);
    return this.text.slice(r.start, r.end);
  }

  /** From the start of the key's line to the end of the line the value ends on. */
  span(e: EnvEntry): { start: number; end: number; firstLine: number; lastLine: number } {
    const firstLine = this.lines.positionAt(e.keyStart).line;
    const end = Math.max(e.keyEnd, this.rawRange(e).end);
    const lastLine = this.lines.positionAt(end).line;
    return { start: this.lines.lineStart(firstLine), end: this.lines.lineEnd(lastLine), firstLine, lastLine };
  }

  /** Text written before the key on its line (`export `, indentation), copied onto inserted lines. */
  linePrefix(e: EnvEntry): string {
    const s = this.span(e);
    return this.text.slice(s.start, e.keyStart);
  }

  /**
   * Where an empty unquoted value is written: right after the separator, so `X= # note` becomes
   * `X=value # note` rather than gaining a space after "=" (which shells and docker read differently).
   */
  private emptyStart(e: EnvEntry, start: number): number {
    if (e.quote !== 'none' || e.valueStart !== e.valueEnd || this.source.format !== 'dotenv') return start;
    let s = start;
    while (s > e.keyEnd && (this.text[s - 1] === ' ' || this.text[s - 1] === '\t')) s--;
    return /[=:]/.test(this.text[s - 1] ?? '') ? s : start;
  }

  /** Keeps an inline comment a comment: a value written right before "#" gets a space. */
  private beforeHash(end: number, newText: string): string {
    return newText !== '' && this.text[end] === '#' ? newText + ' ' : newText;
  }

  /** Replaces the value's content (inside its quotes), keeping quoting and the rest of the line. */
  replaceValue(e: EnvEntry, value: string): TextEdit {
    const newText = e.encodedAs === 'base64' ? Buffer.from(value, 'utf8').toString('base64') : value;
    const start = newText === '' ? e.valueStart : this.emptyStart(e, e.valueStart);
    return { start, end: e.valueEnd, newText: e.quote === 'none' ? this.beforeHash(e.valueEnd, newText) : newText };
  }

  /** Writes `from`'s value into `slot` by copying its literal text, quotes included. */
  copyValue(slot: EnvEntry, from: EnvEntry): TextEdit {
    if (slot.encodedAs !== from.encodedAs) refuse(`${slot.key} and ${from.key} store their values differently; copy the value by hand`, 'unsupported');
    const r = this.rawRange(slot);
    const newText = this.rawText(from);
    const start = newText === '' ? r.start : this.emptyStart(slot, r.start);
    return { start, end: r.end, newText: this.beforeHash(r.end, newText) };
  }

  /** Inserts whole lines (`KEY=raw`, from `newLine`) after the line the entry ends on. */
  insertAfter(e: EnvEntry, lines: { key: string; text: string }[]): TextEdit {
    if (this.source.format !== 'dotenv' && this.source.format !== 'properties') {
      refuse(`adding ${lines.map((l) => l.key).join(', ')} to a ${this.source.format} file is not supported; add it by hand next to ${e.key}, then rotate`, 'unsupported');
    }
    const { lastLine } = this.span(e);
    if (lastLine + 1 < this.lines.lineCount) {
      return { start: this.lines.lineStart(lastLine + 1), end: this.lines.lineStart(lastLine + 1), newText: lines.map((l) => l.text + this.eol).join('') };
    }
    const at = this.text.length;
    return { start: at, end: at, newText: lines.map((l) => this.eol + l.text).join('') };
  }

  /** A line assigning `raw` (literal text, quotes included) to `key`, written like `e`'s line. */
  newLine(e: EnvEntry, key: string, raw: string): { key: string; text: string } {
    return { key, text: `${this.linePrefix(e)}${key}=${raw}` };
  }

  /** Edits removing the given entries' lines with their line breaks; nothing else moves. */
  removeLines(entries: EnvEntry[]): TextEdit[] {
    const remove = new Set<number>();
    for (const e of entries) {
      const s = this.span(e);
      for (let l = s.firstLine; l <= s.lastLine; l++) remove.add(l);
    }
    const sorted = [...remove].sort((a, b) => a - b);
    const edits: TextEdit[] = [];
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
      const first = sorted[i];
      const last = sorted[j];
      // Every other line keeps its bytes, its line break included: removing the file's last line
      // leaves the line before it ending in a line break.
      const end = last + 1 < this.lines.lineCount ? this.lines.lineStart(last + 1) : this.text.length;
      edits.push({ start: this.lines.lineStart(first), end, newText: '' });
      i = j + 1;
    }
    return edits;
  }

  /** The line's quote character, to write a new value the way its neighbour is written. */
  quoteChars(e: EnvEntry): string {
    return e.quote === 'double' ? '"' : e.quote === 'single' ? "'" : e.quote === 'backtick' ? '`' : '';
  }
}

/** Sorts edits and merges touching ones, so no two edits share an offset (one clean WorkspaceEdit). */
function normalizeEdits(edits: TextEdit[]): TextEdit[] {
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i).map((x) => x.e);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && e.start < prev.end) refuse('internal error: the planned edits overlap', 'internal');
    if (prev && e.start === prev.end) {
      out[out.length - 1] = { start: prev.start, end: e.end, newText: prev.newText + e.newText };
    } else out.push({ ...e });
  }
  return out;
}

function schemeOverride(base: string, schemes: Record<string, SlotScheme> | undefined): SlotScheme | undefined {
  if (!schemes) return undefined;
  for (const [pattern, scheme] of Object.entries(schemes)) if (keyGlob(pattern).test(base)) return scheme;
  return undefined;
}

/** Finds the family a key belongs to: `JWT_SECRET_PREVIOUS` and `JWT_SECRET` both name JWT_SECRET's. */
function resolveFamily(view: FileView, key: string): { base: string; family?: SlotFamily } {
  const families = findSlotFamilies(view.keys());
  const direct = families.get(key);
  if (direct) return { base: key, family: direct };
  for (const f of families.values()) {
    const members = [f.current, ...f.previous, ...(f.numbered ? f.numbered.values() : [])];
    if (members.includes(key)) return { base: f.base, family: f };
    if (f.versionKey === key) {
      refuse(`${key} is the version counter of ${f.base}; rotate ${f.base}`, 'unsupported');
    }
  }
  return { base: key };
}

/** `key1,key2`: two or more comma-separated random keys, the list scheme without configuration. */
function isRandomList(value: string): boolean {
  const items = value.split(',').map((s) => s.trim());
  return items.length >= 2 && items.every((s) => s.length >= 16 && shapeOf(s).encoding !== 'text');
}

/** A value with nothing in it yet: empty, or a `<placeholder>` marker. */
function isUnset(value: string): boolean {
  return value.trim() === '' || isMarker(value);
}

/**
 * The HMAC algorithm a sibling `*_ALG`/`*_ALGORITHM` of a signing key selects: `JWT_ALGORITHM=HS512`
 * raises `JWT_SECRET` to 64 bytes. Only siblings that share a word with the key count, and never
 * for encryption keys, whose length the cipher fixes.
 */
function siblingAlg(view: FileView, base: string): HmacAlg | undefined {
  const purpose = classifyKeyName(base)?.purpose;
  if (purpose === 'encryption' || purpose === 'password' || purpose === 'private-key') return undefined;
  const generic = new Set(['SECRET', 'KEY', 'TOKEN', 'PREVIOUS', 'PREV', 'OLD', 'VERSION', 'ALG', 'ALGO', 'ALGORITHM', 'ALGORITHMS']);
  const words = new Set(keyWords(base).filter((w) => !generic.has(w)));
  const candidates = view.source.entries.filter((e) => /(^|[_.-])(ALG|ALGO|ALGORITHMS?)$/i.test(e.key) && algOfValue(e.value));
  let best: HmacAlg | undefined;
  const rank = { HS256: 1, HS384: 2, HS512: 3 } as const;
  for (const e of candidates) {
    if (!keyWords(e.key).some((w) => words.has(w))) continue;
    const a = algOfValue(e.value)!;
    if (!best || rank[a] > rank[best]) best = a;
  }
  return best;
}

function describeShape(shape: ValueShape, value: string): string {
  const enc = shape.encoding === 'text' ? 'base64url' : shape.encoding;
  return `${enc}, ${shape.bytes} bytes, ${value.length} chars`;
}

// ---------------------------------------------------------------------------------------------
// Rotation

/** Plans a rotation of `key` in one file: the edits, a value-free summary, and what to confirm. */
export function planRotation(input: PlanRotationInput): RotationPlan | Refusal {
  try {
    return planRotationOrThrow(input);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.reason, code: e.code };
    // Never echo an unexpected error's message: it could quote the file.
    return { ok: false, reason: `internal error while planning the rotation (${e instanceof Error ? e.name : 'error'}); please report it`, code: 'internal' };
  }
}

function planRotationOrThrow(input: PlanRotationInput): RotationPlan {
  const { source } = input;
  if (source.unreadable) refuse(`${source.path} cannot be read: ${source.unreadable}`, 'unparseable');
  if (!input.allowExample && isExampleFile(source.path)) {
    refuse(`${source.path} is an example file that everyone shares; it should hold placeholders, not secrets`, 'example-file');
  }
  const view = new FileView(source, input.eol);
  const { base, family } = resolveFamily(view, input.key);
  // The private half of a key pair is not random bytes: a generated value would destroy the key.
  const pem = source.entries.some((e) => (e.key === input.key || e.key === base) && /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(e.value));
  if (pem || classifyKeyName(base)?.purpose === 'private-key') {
    refuse(`${base} holds the private half of a key pair, which random bytes cannot replace: generate a new key pair (e.g. openssl genpkey), publish its public key, then replace ${base} by hand`, 'unsupported');
  }
  const detected = family?.scheme ?? 'immediate';
  let scheme: SlotScheme = input.scheme ?? schemeOverride(base, input.schemes) ?? detected;
  const warnings: string[] = [];
  const summary: string[] = [];
  if (input.key !== base) summary.push(`${input.key} belongs to the ${base} rotation family`);

  // A comma-separated list of random keys rotates as a list even without configuration.
  if (scheme === 'immediate' && !input.scheme && view.has(base)) {
    if (isRandomList(view.entry(base).value)) scheme = 'list';
  }
  if (scheme === 'immediate' && input.createSlot && input.createSlot !== 'immediate' && !input.scheme) scheme = input.createSlot;

  const random: RandomSource = input.randomBytes ?? defaultRandom;
  const ctx: RotateCtx = { input, view, base, family, warnings, summary, random };
  switch (scheme) {
    case 'immediate':
      return rotateImmediate(ctx);
    case 'previous':
      return rotatePrevious(ctx);
    case 'versioned':
      return rotateVersioned(ctx);
    case 'numbered':
      return rotateNumbered(ctx);
    case 'authjs':
      return rotateAuthjs(ctx);
    case 'list':
      return rotateList(ctx);
  }
}

interface RotateCtx {
  input: PlanRotationInput;
  view: FileView;
  base: string;
  family?: SlotFamily;
  warnings: string[];
  summary: string[];
  random: RandomSource;
}

interface Fresh {
  value: string;
  shape: ValueShape;
}

/**
 * A fresh value shaped like `old`. A password inside a connection URL is replaced inside the URL.
 * The value differs from every value the family holds now (which only a broken generator repeats).
 */
function freshValue(ctx: RotateCtx, old: string, avoid: string[]): Fresh {
  const alg = ctx.input.alg ?? siblingAlg(ctx.view, ctx.base);
  const url = old === '' ? undefined : parseUrlPassword(old);
  const shapeSource = url ? old.slice(url.start, url.end) : isUnset(old) ? '' : old;
  const oldShape = shapeSource === '' ? undefined : shapeOf(shapeSource);
  // An encryption key's length is fixed by its cipher (AES-256 takes exactly 32 bytes): keep it.
  const fixedLength =
    !ctx.input.bytes && !ctx.input.alg && oldShape && oldShape.encoding !== 'text' && classifyKeyName(ctx.base)?.purpose === 'encryption' ? oldShape.bytes : undefined;
  const shape = targetShape(shapeSource, {
    minBytes: ctx.input.minBytes,
    alg,
    encoding: url ? (ctx.input.encoding ?? 'base64url') : ctx.input.encoding,
    bytes: ctx.input.bytes ?? fixedLength,
  });
  if (fixedLength !== undefined && fixedLength < Math.max(32, ctx.input.minBytes ?? 32)) {
    ctx.warnings.push(`${ctx.base} holds ${fixedLength} bytes, under the 32-byte floor; the new key keeps that length because an encryption key's size is fixed by its cipher (pass a size explicitly to change it)`);
  }
  if (alg && alg !== 'HS256' && oldShape && shape.bytes > oldShape.bytes) {
    ctx.warnings.push(`${ctx.base}'s new value has ${shape.bytes} bytes because ${alg} is selected (RFC 7518 §3.2)`);
  }
  if (oldShape && oldShape.encoding === 'text' && !ctx.input.encoding) {
    ctx.warnings.push(`${ctx.base}'s old value is free text (${shapeSource.length} chars); the new one is ${shape.bytes} random bytes in base64url`);
  } else if (oldShape && oldShape.encoding !== 'text' && oldShape.bytes < shape.bytes && !(alg && alg !== 'HS256')) {
    ctx.warnings.push(`${ctx.base}'s old value held ${oldShape.bytes} bytes, under the ${shape.bytes}-byte floor; the new one is longer`);
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const secret = generateShaped(shape, ctx.random);
    const value = url ? old.slice(0, url.start) + secret + old.slice(url.end) : secret;
    if (value === old || avoid.includes(value)) continue;
    if (looksNonString(ctx.view.source.format, secret)) continue;
    if (url) ctx.summary.push(`${ctx.base} is a connection URL: only its password is replaced`);
    return { value, shape };
  }
  refuse('the random generator returned a value the family already holds; refusing to reuse it', 'internal');
}

/** YAML reads a plain scalar such as `123e4567` as a number; such (astronomically rare) draws are redrawn. */
function looksNonString(format: ParsedSource['format'], value: string): boolean {
  if (format !== 'yaml' && format !== 'compose') return false;
  return /^[-+]?(\.\d+|\d[\d_]*(\.\d*)?)([eE][-+]?\d+)?$|^0x[0-9a-f_]+$|^0o[0-7_]+$|^0b[01_]+$/i.test(value);
}

function finishRotation(
  ctx: RotateCtx,
  scheme: SlotScheme,
  edits: TextEdit[],
  old: string,
  fresh: Fresh,
  extra: Partial<RotationPlan>,
): RotationPlan {
  const fp = ctx.input.fingerprint;
  return {
    ok: true,
    path: ctx.view.source.path,
    key: ctx.input.key,
    scheme,
    edits: normalizeEdits(edits),
    summary: ctx.summary,
    oldFingerprint: isUnset(old) ? '(empty)' : fp(old),
    newFingerprint: fp(fresh.value),
    newShape: fresh.shape,
    warnings: ctx.warnings,
    base: ctx.base,
    purpose: classifyKeyName(ctx.base)?.purpose,
    ...extra,
  };
}

function newValueLine(ctx: RotateCtx, key: string, fresh: Fresh): string {
  return `${key} := new value (${ctx.input.fingerprint(fresh.value)}, ${describeShape(fresh.shape, fresh.value)})`;
}

/** An empty current value: fill it in, nothing to keep or invalidate. */
function fillEmpty(ctx: RotateCtx, scheme: SlotScheme, current: EnvEntry): RotationPlan {
  const fresh = freshValue(ctx, '', []);
  ctx.warnings.push(`${current.key} had no value; it gets a fresh one and no slot is shifted`);
  ctx.summary.push(newValueLine(ctx, current.key, fresh));
  return finishRotation(ctx, scheme, [ctx.view.replaceValue(current, fresh.value)], '', fresh, { currentKey: current.key });
}

function rotateImmediate(ctx: RotateCtx): RotationPlan {
  const current = ctx.view.entry(ctx.base);
  if (isUnset(current.value)) return fillEmpty(ctx, 'immediate', current);
  const fresh = freshValue(ctx, current.value, []);
  ctx.summary.push(newValueLine(ctx, current.key, fresh) + `, replacing ${ctx.input.fingerprint(current.value)}`);
  const isPassword = classifyKeyName(ctx.base)?.purpose === 'password' || !!parseUrlPassword(current.value);
  const confirm = isPassword
    ? `Rotating ${ctx.base} here does not change the password in the service itself: change it there at the same moment (for Postgres, ALTER USER ... PASSWORD, seed 003), then restart every service that uses it. Until both sides match, connections fail.`
    : `${ctx.base} has no previous slot, so this is an immediate rotation: every session and token signed or encrypted with the old value stops working the moment the new one is deployed, and every user must log in again (seeds 003, 004). For a zero-downtime rotation, create a previous slot instead if the app can verify with two keys.`;
  return finishRotation(ctx, 'immediate', [ctx.view.replaceValue(current, fresh.value)], current.value, fresh, { confirm, currentKey: current.key });
}

function rotatePrevious(ctx: RotateCtx): RotationPlan {
  const { view, base } = ctx;
  const current = view.entry(base);
  if (isUnset(current.value)) return fillEmpty(ctx, 'previous', current);
  const existing = PREVIOUS_SUFFIXES.map((s) => base + s).filter((k) => view.has(k));
  const lowerExisting = PREVIOUS_SUFFIXES.map((s) => base + s.toLowerCase()).filter((k) => view.has(k) && !existing.includes(k));
  existing.push(...lowerExisting);
  if (existing.length > 1) ctx.warnings.push(`${base} has several previous slots (${existing.join(', ')}); ${existing[0]} receives the old value`);
  const suffix = preferredPreviousSuffix(ctx.input.workspaceKeys ?? view.keys());
  const slotKey = existing[0] ?? base + (base === base.toLowerCase() ? suffix.toLowerCase() : suffix);
  const edits: TextEdit[] = [];
  let avoid: string[] = [];
  const inserted: string[] = [];
  if (existing.length > 0) {
    const slot = view.entry(slotKey);
    avoid = [slot.value];
    edits.push(view.copyValue(slot, current));
    ctx.summary.push(`${slotKey} := old ${base} (${ctx.input.fingerprint(current.value)})` + (isUnset(slot.value) ? '' : `; its former value (${ctx.input.fingerprint(slot.value)}) is dropped`));
  } else {
    edits.push(view.insertAfter(current, [view.newLine(current, slotKey, view.rawText(current))]));
    inserted.push(slotKey);
    ctx.summary.push(`${slotKey} added after ${base}, holding the old value (${ctx.input.fingerprint(current.value)})`);
  }
  const fresh = freshValue(ctx, current.value, avoid);
  edits.push(view.replaceValue(current, fresh.value));
  ctx.summary.push(newValueLine(ctx, base, fresh));
  return finishRotation(ctx, 'previous', edits, current.value, fresh, { currentKey: base, previousKey: slotKey, insertedKeys: inserted });
}

function rotateVersioned(ctx: RotateCtx): RotationPlan {
  const { view, base } = ctx;
  const current = view.entry(base);
  if (isUnset(current.value)) return fillEmpty(ctx, 'versioned', current);
  // The version counter: `X_VERSION` (seed 000's WALLET_ENCRYPTION_KEY_VERSION), 1 when unset.
  const versionKey = ctx.family?.versionKey ?? (view.has(`${base}_VERSION`) ? `${base}_VERSION` : undefined);
  const versions = new Map<number, string>();
  for (const k of view.keys()) {
    const m = /^(.+)_[Vv](\d+)$/.exec(k);
    if (m && m[1] === base) versions.set(Number(m[2]), k);
  }
  let n: number;
  let versionEntry: EnvEntry | undefined;
  if (versionKey) {
    versionEntry = view.entry(versionKey);
    const raw = versionEntry.value.trim();
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) refuse(`${versionKey} must be a positive integer to rotate ${base} (it is ${raw === '' ? 'empty' : 'not an integer'})`, 'broken-chain');
    n = Number(raw);
  } else {
    n = versions.size > 0 ? Math.max(...versions.keys()) + 1 : 1;
  }
  const slotKey = `${base}_V${n}`;
  const slotKeyLower = `${base}_v${n}`;
  if (view.has(slotKey) || view.has(slotKeyLower)) {
    refuse(`${view.has(slotKey) ? slotKey : slotKeyLower} already exists while ${versionKey ?? base + '_VERSION'} says ${base} is version ${n}; fix the version chain first`, 'broken-chain');
  }
  const newer = [...versions.keys()].filter((v) => v > n);
  if (newer.length > 0) refuse(`${base}_V${Math.max(...newer)} is newer than the current version ${n}; fix the version chain first`, 'broken-chain');

  const edits: TextEdit[] = [];
  const lowerCase = [...versions.values()].some((k) => /_v\d+$/.test(k));
  const newSlotKey = lowerCase ? slotKeyLower : slotKey;
  const slotLine = view.newLine(current, newSlotKey, view.rawText(current));
  const anchorKey = versions.size > 0 ? versions.get(Math.max(...versions.keys()))! : versionKey;
  const versionText = String(n + 1);
  if (anchorKey) {
    edits.push(view.insertAfter(view.entry(anchorKey), [slotLine]));
  }
  if (versionEntry) {
    edits.push(view.replaceValue(versionEntry, versionText));
    if (!anchorKey) edits.push(view.insertAfter(current, [slotLine]));
  } else {
    const lines = [view.newLine(current, `${base}_VERSION`, versionText)];
    if (!anchorKey) lines.push(slotLine);
    edits.push(view.insertAfter(current, lines));
    ctx.summary.push(`${base}_VERSION added (there was none; ${base} counted as version ${n})`);
  }
  ctx.summary.push(`${newSlotKey} added, holding the old ${base} (version ${n}, ${ctx.input.fingerprint(current.value)})`);
  ctx.summary.push(`${versionKey ?? base + '_VERSION'} := ${n + 1}`);
  const fresh = freshValue(ctx, current.value, [...versions.values()].map((k) => view.entry(k).value));
  edits.push(view.replaceValue(current, fresh.value));
  ctx.summary.push(newValueLine(ctx, base, fresh));
  ctx.warnings.push(`After deploying, re-encrypt the data still under older versions, then complete the rotation (seed 000, steps 5-7)`);
  return finishRotation(ctx, 'versioned', edits, current.value, fresh, {
    currentKey: base,
    previousKey: newSlotKey,
    insertedKeys: versionEntry ? [newSlotKey] : [`${base}_VERSION`, newSlotKey],
  });
}

function numberedSlots(view: FileView, base: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const k of view.keys()) {
    const m = /^(.+)_(\d+)$/.exec(k);
    if (m && m[1] === base) out.set(Number(m[2]), k);
  }
  return out;
}

function rotateNumbered(ctx: RotateCtx): RotationPlan {
  const { view, base } = ctx;
  const slots = numberedSlots(view, base);
  if (slots.size === 0) {
    refuse(`the numbered scheme needs ${base}_1 (current) and ${base}_0 (previous); rename ${base} to ${base}_1 and update the code that reads it, then rotate`, 'unsupported');
  }
  const ns = [...slots.keys()].sort((a, b) => a - b);
  const top = ns[ns.length - 1];
  const current = view.entry(slots.get(top)!);
  if (isUnset(current.value)) return fillEmpty(ctx, 'numbered', current);
  const edits: TextEdit[] = [];
  const avoid: string[] = [];
  let previousKey: string;
  const inserted: string[] = [];
  if (ns.length === 1) {
    if (top === 0) refuse(`${current.key} is the lowest slot; the numbered scheme keeps the current value in ${base}_1`, 'broken-chain');
    previousKey = `${base}_${top - 1}`;
    edits.push(view.insertAfter(current, [view.newLine(current, previousKey, view.rawText(current))]));
    inserted.push(previousKey);
    ctx.summary.push(`${previousKey} added after ${current.key}, holding the old value (${ctx.input.fingerprint(current.value)})`);
  } else {
    for (let i = 1; i < ns.length; i++) {
      if (ns[i] !== ns[i - 1] + 1) refuse(`${base}_${ns[i - 1] + 1} is missing between ${slots.get(ns[i - 1])} and ${slots.get(ns[i])}; fix the slots first`, 'broken-chain');
    }
    // Shift every slot down one: X_0 := X_1 (seed 002); the lowest slot's value is dropped.
    const lowest = view.entry(slots.get(ns[0])!);
    if (!isUnset(lowest.value)) ctx.summary.push(`${lowest.key}'s former value (${ctx.input.fingerprint(lowest.value)}) is dropped`);
    for (let i = 0; i < ns.length - 1; i++) {
      const slot = view.entry(slots.get(ns[i])!);
      const from = view.entry(slots.get(ns[i + 1])!);
      avoid.push(slot.value);
      edits.push(view.copyValue(slot, from));
      ctx.summary.push(`${slot.key} := old ${from.key} (${isUnset(from.value) ? '(empty)' : ctx.input.fingerprint(from.value)})`);
    }
    previousKey = slots.get(ns[ns.length - 2])!;
  }
  const fresh = freshValue(ctx, current.value, avoid);
  edits.push(view.replaceValue(current, fresh.value));
  ctx.summary.push(newValueLine(ctx, current.key, fresh));
  return finishRotation(ctx, 'numbered', edits, current.value, fresh, { currentKey: current.key, previousKey, insertedKeys: inserted });
}

const AUTHJS_MAX_SLOTS = 3;

function rotateAuthjs(ctx: RotateCtx): RotationPlan {
  const { view, base } = ctx;
  const slots = numberedSlots(view, base);
  const used = [...slots.keys()].filter((n) => n >= 1 && n <= AUTHJS_MAX_SLOTS).sort((a, b) => a - b);
  const top = used.length > 0 ? used[used.length - 1] : 0;
  const currentKey = top > 0 ? slots.get(top)! : base;
  const current = view.entry(currentKey);
  if (isUnset(current.value)) return fillEmpty(ctx, 'authjs', current);
  const next = top + 1;
  if (next > AUTHJS_MAX_SLOTS) {
    refuse(
      `${base}_1..${AUTHJS_MAX_SLOTS} are all in use and Auth.js reads no more; complete the previous rotation first (it moves the signing value into ${base} and frees the numbered slots)`,
      'slots-full',
    );
  }
  const newKey = `${base}_${next}`;
  const avoid = [view.has(base) ? view.entry(base).value : '', ...used.map((n) => view.entry(slots.get(n)!).value)];
  const fresh = freshValue(ctx, current.value, avoid);
  const q = view.quoteChars(current);
  const edit = view.insertAfter(current, [view.newLine(current, newKey, q + fresh.value + q)]);
  ctx.summary.push(`${newKey} added after ${current.key}: ${newValueLine(ctx, newKey, fresh).slice(newKey.length + 4)}; Auth.js signs with it`);
  ctx.summary.push(`${current.key} keeps the old value (${ctx.input.fingerprint(current.value)}) and still decrypts existing sessions`);
  return finishRotation(ctx, 'authjs', [edit], current.value, fresh, { currentKey: newKey, previousKey: current.key, insertedKeys: [newKey] });
}

function rotateList(ctx: RotateCtx): RotationPlan {
  const { view, base } = ctx;
  const current = view.entry(base);
  if (isUnset(current.value)) return fillEmpty(ctx, 'list', current);
  const sep = /,\s+/.test(current.value) ? ', ' : ',';
  const items = current.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const max = Math.max(2, ctx.input.listMax ?? 2);
  const old = items[0];
  const fresh = freshValue(ctx, old, items);
  const kept = [fresh.value, ...items].slice(0, max);
  const dropped = items.length - (kept.length - 1);
  ctx.summary.push(newValueLine(ctx, `${base}[0]`, fresh));
  ctx.summary.push(`${base}[1] := old ${base}[0] (${ctx.input.fingerprint(old)})` + (dropped > 0 ? `; ${dropped} older key${dropped > 1 ? 's' : ''} dropped (the list keeps ${max})` : ''));
  if (current.encodedAs) refuse(`${base} is stored encoded; rotate the list by hand`, 'unsupported');
  const edit = view.replaceValue(current, kept.join(sep));
  return finishRotation(ctx, 'list', [edit], old, fresh, { currentKey: base, previousKey: base });
}

// ---------------------------------------------------------------------------------------------
// Completion

/** Plans the end of a rotation: the old value leaves its slot once the overlap window has passed. */
export function planCompletion(input: PlanCompletionInput): CompletionPlan | Refusal {
  try {
    return planCompletionOrThrow(input);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.reason, code: e.code };
    return { ok: false, reason: `internal error while planning the completion (${e instanceof Error ? e.name : 'error'}); please report it`, code: 'internal' };
  }
}

function planCompletionOrThrow(input: PlanCompletionInput): CompletionPlan {
  const { source } = input;
  if (source.unreadable) refuse(`${source.path} cannot be read: ${source.unreadable}`, 'unparseable');
  const view = new FileView(source, input.eol);
  const { base, family } = resolveFamily(view, input.key);
  let scheme: SlotScheme = input.scheme ?? schemeOverride(base, input.schemes) ?? family?.scheme ?? 'immediate';
  if (scheme === 'immediate' && !input.scheme && view.has(base) && isRandomList(view.entry(base).value)) scheme = 'list';
  const summary: string[] = [];
  const warnings: string[] = [];
  let confirm: string | undefined;
  const fp = (v: string) => (isUnset(v) ? '(empty)' : input.fingerprint(v));
  const edits: TextEdit[] = [];
  const retired: string[] = [];

  const clearOrRemove = (slots: EnvEntry[]) => {
    if (input.removeSlots) {
      edits.push(...view.removeLines(slots));
      for (const s of slots) summary.push(`${s.key} removed (held ${fp(s.value)})`);
    } else {
      for (const s of slots) {
        edits.push(view.replaceValue(s, ''));
        summary.push(`${s.key} emptied (held ${fp(s.value)}); the line stays so the slot is ready for the next rotation`);
      }
    }
    retired.push(...slots.map((s) => s.key));
  };

  switch (scheme) {
    case 'immediate':
      refuse(`${base} has no previous slot, so its rotation has nothing to complete`, 'nothing-to-complete');
    case 'previous': {
      view.entry(base);
      const keys = [...PREVIOUS_SUFFIXES, ...PREVIOUS_SUFFIXES.map((s) => s.toLowerCase())].map((s) => base + s).filter((k) => view.has(k));
      const slots = keys.map((k) => view.entry(k)).filter((e) => input.removeSlots || !isUnset(e.value));
      if (slots.length === 0) refuse(`${keys.length > 0 ? keys.join(', ') + ' is already empty' : base + ' has no previous slot'}; nothing to complete`, 'nothing-to-complete');
      clearOrRemove(slots);
      break;
    }
    case 'numbered': {
      const slots = numberedSlots(view, base);
      const ns = [...slots.keys()].sort((a, b) => a - b);
      if (ns.length === 0) refuse(`${base} has no numbered slots`, 'not-found');
      view.entry(slots.get(ns[ns.length - 1])!);
      const older = ns.slice(0, -1).map((n) => view.entry(slots.get(n)!)).filter((e) => input.removeSlots || !isUnset(e.value));
      if (older.length === 0) refuse(`${base}'s older slots are already empty; nothing to complete`, 'nothing-to-complete');
      clearOrRemove(older);
      break;
    }
    case 'versioned': {
      view.entry(base);
      const versions = new Map<number, string>();
      for (const k of view.keys()) {
        const m = /^(.+)_[Vv](\d+)$/.exec(k);
        if (m && m[1] === base) versions.set(Number(m[2]), k);
      }
      const ns = [...versions.keys()].sort((a, b) => b - a);
      if (ns.length <= 1) {
        refuse(`${ns.length === 1 ? versions.get(ns[0]) + ' is latest-1, the recovery floor (seed 004)' : base + ' has no version slots'}; nothing to retire`, 'nothing-to-complete');
      }
      const keep = versions.get(ns[0])!;
      const retire = ns.slice(1).map((n) => view.entry(versions.get(n)!));
      edits.push(...view.removeLines(retire));
      for (const e of retire) summary.push(`${e.key} removed (held ${fp(e.value)})`);
      summary.push(`${base} (latest) and ${keep} (latest-1) stay as the recovery floor (seed 004)`);
      retired.push(...retire.map((e) => e.key));
      confirm = `Data still encrypted with ${retire.map((e) => e.key).join(', ')} cannot be decrypted once ${retire.length > 1 ? 'they are' : 'it is'} gone. Retire only after every record has been re-encrypted with the latest key and the re-encryption reports nothing left (seed 000, steps 5-6).`;
      break;
    }
    case 'authjs': {
      const slots = numberedSlots(view, base);
      const used = [...slots.keys()].filter((n) => n >= 1 && n <= AUTHJS_MAX_SLOTS).sort((a, b) => a - b);
      if (used.length === 0) refuse(`${base} has no numbered slots; nothing to complete`, 'nothing-to-complete');
      const baseEntry = view.entry(base);
      const top = view.entry(slots.get(used[used.length - 1])!);
      const numbered = used.map((n) => view.entry(slots.get(n)!));
      edits.push(view.copyValue(baseEntry, top));
      edits.push(...view.removeLines(numbered));
      summary.push(`${base} := ${top.key} (${fp(top.value)}), the value Auth.js signs with; ${base}'s old value (${fp(baseEntry.value)}) is dropped`);
      for (const e of numbered) summary.push(`${e.key} removed`);
      retired.push(base, ...numbered.map((e) => e.key));
      break;
    }
    case 'list': {
      const e = view.entry(base);
      const items = e.value.split(',').map((s) => s.trim()).filter((s) => s !== '');
      if (items.length <= 1) refuse(`${base} holds a single key; nothing to complete`, 'nothing-to-complete');
      if (e.encodedAs) refuse(`${base} is stored encoded; complete the rotation by hand`, 'unsupported');
      edits.push(view.replaceValue(e, items[0]));
      summary.push(`${base} keeps only its first key (${fp(items[0])}); ${items.length - 1} older key${items.length > 2 ? 's' : ''} dropped`);
      retired.push(base);
      break;
    }
  }

  // The journal says when the rotation happened: completing inside the overlap window logs out
  // whoever still holds a token signed with the old value.
  if (input.journal) {
    const now = input.now ?? new Date();
    const overlap = input.overlapDays ?? 7;
    const last = input.journal.lastRotation(base) ?? input.journal.lastRotation(input.key);
    if (!last) {
      warnings.push(`The journal has no rotation of ${base}; make sure the overlap window (${overlap} days) has passed since the new value was deployed`);
    } else {
      const age = daysBetween(last.date, now);
      if (age !== undefined && age < overlap) {
        const early = `${base} was rotated ${age} day${age === 1 ? '' : 's'} ago (${last.date}) and the overlap window is ${overlap} days: tokens and sessions made with the old value may still be in use, and completing now logs those users out.`;
        confirm = confirm ? `${early} ${confirm}` : early;
      }
    }
  }

  return {
    ok: true,
    path: source.path,
    key: input.key,
    scheme,
    edits: normalizeEdits(edits),
    summary,
    warnings,
    confirm,
    base,
    retiredKeys: retired,
  };
}

/** Whole days from a journal date to `now` (see journal-index). */
export const daysBetween = journalAgeDays;
