import { posix } from 'node:path';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Scalar, YAMLMap } from 'yaml';
import type { EnvEntry, ParsedSource, ParseProblem } from '../types';
import { parseSuppressions } from '../suppressions';
import type { LineIndex } from '../text';
import { interpolate } from './interpolation';
import { AnchorTable, commentedAssignments, keyInfo, parseYamlStream, scalarInfo } from './yaml-support';
import type { ScalarInfo } from './yaml-support';

/**
 * docker-compose files: `services.*.environment` as a map (`KEY: value`) and as a list
 * (`- KEY=value`), keyed by the variable name. `${VAR}` is a reference; `${VAR:-default}` is the
 * default, the value that runs when nobody sets VAR; `env_file:` entries are recorded,
 * workspace-relative, so that a value in `.env` and the compose file that loads it are one secret.
 */
export function parseCompose(path: string, text: string): ParsedSource {
  const { docs, problems, lines } = parseYamlStream(text);
  const ctx: ComposeContext = { text, lines, entries: [], problems, envFiles: [], seen: new Set() };
  const dir = posix.dirname(path.replace(/\\/g, '/'));
  for (const doc of docs) readDocument(ctx, doc, dir);
  return {
    path,
    format: 'compose',
    text,
    entries: ctx.entries,
    commented: commentedAssignments(text, lines),
    problems,
    suppressions: parseSuppressions(text),
    envFiles: [...new Set(ctx.envFiles)],
  };
}

interface ComposeContext {
  text: string;
  lines: LineIndex;
  entries: EnvEntry[];
  problems: ParseProblem[];
  envFiles: string[];
  /** Key offsets already read: an anchored environment shared by services is read once. */
  seen: Set<number>;
}

function readDocument(ctx: ComposeContext, doc: Document.Parsed, dir: string): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const services = mapValue(root, 'services');
  if (!isMap(services)) return;
  const anchors = new AnchorTable(root);
  const resolve = (node: unknown): unknown => (isAlias(node) ? anchors.resolve(node) : node);
  for (const service of services.items) {
    const body = resolve(service.value);
    if (!isMap(body)) continue;
    const environment = resolve(mapValue(body, 'environment'));
    if (isMap(environment)) readEnvironmentMap(ctx, environment, resolve);
    else if (isSeq(environment)) {
      for (const item of environment.items) {
        const resolved = resolve(item);
        if (isScalar(resolved)) readListItem(ctx, resolved);
      }
    }
    readEnvFiles(ctx, resolve(mapValue(body, 'env_file')), dir, resolve);
  }
}

function mapValue(map: YAMLMap, key: string): unknown {
  for (const pair of map.items) if (isScalar(pair.key) && pair.key.value === key) return pair.value;
  return undefined;
}

/** `environment:` as a map, with `<<: *anchor` merges (one level, never recursive). */
function readEnvironmentMap(ctx: ComposeContext, map: YAMLMap, resolve: (n: unknown) => unknown, merged = 0): void {
  for (const pair of map.items) {
    const key = keyInfo(ctx.text, pair.key);
    if (!key) continue;
    if (key.key === '<<' && isScalar(pair.key) && pair.key.type === 'PLAIN') {
      if (merged > 0) continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const s of sources) {
        const m = resolve(s);
        if (isMap(m)) readEnvironmentMap(ctx, m, resolve, merged + 1);
      }
      continue;
    }
    const value = resolve(pair.value);
    if (value === null || value === undefined) {
      pushEntry(ctx, key.key, key, { value: '', start: key.end, end: key.end, quote: 'none', literal: true, isNull: true }, { reference: true });
      continue;
    }
    if (!isScalar(value)) continue;
    const info = scalarInfo(ctx.text, value);
    if (info.isNull) {
      // `KEY:` with nothing: compose passes the variable through from the shell.
      pushEntry(ctx, key.key, key, info, { reference: true });
      continue;
    }
    pushValue(ctx, key.key, key, info);
  }
}

/** `- KEY=value` (or `- KEY`, passed through from the shell). */
function readListItem(ctx: ComposeContext, node: Scalar): void {
  const info = scalarInfo(ctx.text, node);
  if (info.isNull || info.value === '') return;
  const eq = info.value.indexOf('=');
  const name = (eq === -1 ? info.value : info.value.slice(0, eq)).trim();
  if (name === '') return;
  // Offsets inside the scalar are exact while the written text equals the value up to "=".
  const rawEq = ctx.text.slice(info.start, info.end).indexOf('=');
  const keyExact = info.literal || (eq !== -1 && rawEq === eq && ctx.text.slice(info.start, info.start + Math.max(eq, 0)) === info.value.slice(0, Math.max(eq, 0)));
  const lead = info.value.length - info.value.trimStart().length;
  const keyPlace = keyExact
    ? { start: info.start + lead, end: info.start + lead + name.length }
    : { start: info.start, end: info.start };
  if (eq === -1) {
    pushEntry(ctx, name, keyPlace, { ...info, value: '', start: info.end, end: info.end, literal: true }, { reference: true });
    return;
  }
  const valueInfo: ScalarInfo = keyExact
    ? { ...info, value: info.value.slice(eq + 1), start: info.start + rawEq + 1, literal: info.literal }
    : { ...info, value: info.value.slice(eq + 1), literal: false };
  pushValue(ctx, name, keyPlace, valueInfo);
}

/** A value with compose interpolation applied: `${VAR}` is a reference, `${VAR:-x}` is x. */
function pushValue(ctx: ComposeContext, key: string, keyPlace: { start: number; end: number }, info: ScalarInfo): void {
  if (info.value.indexOf('$') !== -1) {
    const interp = interpolate(info.value, 'compose');
    switch (interp.kind) {
      case 'reference':
        pushEntry(ctx, key, keyPlace, info, { reference: true, interpolationVar: interp.variable });
        return;
      case 'default': {
        const exact = info.literal && interp.literal;
        const place = exact ? { start: info.start + interp.start, end: info.start + interp.end } : { start: info.start, end: info.end };
        pushEntry(ctx, key, keyPlace, { ...info, ...place, value: interp.value, literal: exact }, { interpolationDefault: true, interpolationVar: interp.variable });
        return;
      }
      case 'mixed':
        pushEntry(ctx, key, keyPlace, { ...info, value: interp.value, literal: false }, {});
        return;
      case 'invalid': {
        const at = info.literal ? { start: info.start + interp.start, end: info.start + interp.end } : { start: info.start, end: info.end };
        ctx.problems.push({ ...at, message: `Invalid interpolation in ${key}: ${interp.message}; docker compose refuses the file. Write "$$" for a literal "$"`, severity: 'error', kind: 'invalid-interpolation' });
        pushEntry(ctx, key, keyPlace, info, { readOnly: true });
        return;
      }
      default:
        break;
    }
  }
  pushEntry(ctx, key, keyPlace, info, {});
}

function pushEntry(ctx: ComposeContext, key: string, keyPlace: { start: number; end: number }, info: ScalarInfo, extra: Partial<EnvEntry>): void {
  if (ctx.seen.has(keyPlace.start)) return;
  ctx.seen.add(keyPlace.start);
  const entry: EnvEntry = {
    key,
    value: info.value,
    keyStart: keyPlace.start,
    keyEnd: keyPlace.end,
    valueStart: info.start,
    valueEnd: info.end,
    quote: info.quote,
    exported: false,
    line: ctx.lines.lineAt(keyPlace.start),
  };
  // Object.assign, not spreads: the same properties in the same order, without two object copies per entry.
  Object.assign(entry, extra);
  if (!info.literal) entry.readOnly = true;
  ctx.entries.push(entry);
}

/** `env_file:` as a string, a list of strings, or a list of `{ path, required }`. */
function readEnvFiles(ctx: ComposeContext, node: unknown, dir: string, resolve: (n: unknown) => unknown): void {
  const items = isSeq(node) ? node.items.map(resolve) : [node];
  for (const item of items) {
    let p: unknown;
    if (isScalar(item)) p = item.value;
    else if (isMap(item)) {
      const v = resolve(mapValue(item, 'path'));
      if (isScalar(v)) p = v.value;
    }
    if (typeof p !== 'string' || p.trim() === '') continue;
    ctx.envFiles.push(resolveEnvFile(dir, p.trim()));
  }
}

/** Workspace-relative, forward slashes: `./.env` next to `deploy/compose.yml` is `deploy/.env`. */
export function resolveEnvFile(dir: string, file: string): string {
  const f = file.replace(/\\/g, '/');
  if (f.startsWith('/') || /^[A-Za-z]:\//.test(f)) return posix.normalize(f);
  return posix.normalize(posix.join(dir === '' ? '.' : dir, f));
}
