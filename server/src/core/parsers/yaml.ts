import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document } from 'yaml';
import type { EnvEntry, ParsedSource, ParseProblem } from '../types';
import { parseSuppressions } from '../suppressions';
import type { LineIndex } from '../text';
import { interpolate } from './interpolation';
import { MAX_YAML_DEPTH, commentedAssignments, keyInfo, parseYamlStream, scalarInfo } from './yaml-support';
import type { ScalarInfo } from './yaml-support';

/**
 * YAML config (Spring application*.yml, config/*.yml, Kubernetes Secret manifests).
 *
 * Every scalar leaf is an entry keyed by its dotted path (`spring.datasource.password`,
 * `list.0`). Kubernetes `kind: Secret` documents give their `data:` (base64, decoded) and
 * `stringData:` entries keyed by the data key; container `env:` lists give `name` -> `value`.
 * Spring placeholders `${VAR:default}` count as their default. Aliases are references, never
 * expanded.
 */
export function parseYamlConfig(path: string, text: string): ParsedSource {
  const { docs, problems, lines } = parseYamlStream(text);
  const entries: EnvEntry[] = [];
  const ctx: WalkContext = { text, lines, entries, problems };
  for (const doc of docs) {
    if (isKubernetesSecret(doc)) readKubernetesSecret(ctx, doc);
    else walk(ctx, doc.contents, [], undefined, 0);
  }
  return {
    path,
    format: 'yaml',
    text,
    entries,
    commented: commentedAssignments(text, lines),
    problems,
    suppressions: parseSuppressions(text),
  };
}

interface WalkContext {
  text: string;
  lines: LineIndex;
  entries: EnvEntry[];
  problems: ParseProblem[];
}

interface KeyPlace {
  start: number;
  end: number;
}

function walk(ctx: WalkContext, node: unknown, path: string[], keyPlace: KeyPlace | undefined, depth: number): void {
  if (node === null || node === undefined) return;
  if (depth > MAX_YAML_DEPTH) {
    const at = (node as { range?: [number, number] }).range?.[0] ?? 0;
    ctx.problems.push({ start: at, end: at, message: `YAML nested deeper than ${MAX_YAML_DEPTH} levels; the rest was not read`, severity: 'error', kind: 'nesting-too-deep' });
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = keyInfo(ctx.text, pair.key);
      if (!key) continue;
      if (key.key === '<<' && !(isScalar(pair.key) && pair.key.type !== 'PLAIN')) {
        // A merge key: an inline map's keys join this map; a merged alias is read where it is defined.
        if (isMap(pair.value)) walk(ctx, pair.value, path, keyPlace, depth + 1);
        continue;
      }
      walk(ctx, pair.value, [...path, key.key], key, depth + 1);
    }
    return;
  }
  if (isSeq(node)) {
    if (path.length > 0 && path[path.length - 1] === 'env' && readContainerEnv(ctx, node.items)) return;
    node.items.forEach((item, i) => {
      const at = (item as { range?: [number, number] } | null)?.range?.[0];
      walk(ctx, item, [...path, String(i)], at === undefined ? keyPlace : itemPlace(ctx.text, at), depth + 1);
    });
    return;
  }
  if (path.length === 0 || !keyPlace) return;
  if (isAlias(node)) {
    pushEntry(ctx, path.join('.'), keyPlace, aliasInfo(node), { reference: true });
    return;
  }
  if (isScalar(node)) pushScalar(ctx, path.join('.'), keyPlace, scalarInfo(ctx.text, node));
}

/** A sequence item has no key; its place is the `-` before it, or the item itself in `[a, b]`. */
function itemPlace(text: string, at: number): KeyPlace {
  let i = at - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (i >= 0 && text[i] === '-') return { start: i, end: i + 1 };
  return { start: at, end: at };
}

function aliasInfo(node: { range?: [number, number, number] | null; source: string }): ScalarInfo {
  const [s, e] = node.range ?? [0, 0];
  return { value: '*' + node.source, start: s, end: e, quote: 'none', literal: true, isNull: false };
}

/** Kubernetes container `env:` lists: `- name: JWT_SECRET` / `value: ...`. False when it is not one. */
function readContainerEnv(ctx: WalkContext, items: unknown[]): boolean {
  const found: { key: ReturnType<typeof keyInfo> & object; value: ScalarInfo }[] = [];
  for (const item of items) {
    if (!isMap(item)) return false;
    let name: ReturnType<typeof keyInfo>;
    let value: ScalarInfo | undefined;
    for (const pair of item.items) {
      const k = keyInfo(ctx.text, pair.key)?.key;
      if (k === 'name' && isScalar(pair.value)) {
        const info = scalarInfo(ctx.text, pair.value);
        name = { key: info.value, start: info.start, end: info.end };
      } else if (k === 'value' && isScalar(pair.value)) value = scalarInfo(ctx.text, pair.value);
    }
    if (!name || name.key === '') return false;
    if (value) found.push({ key: name, value });
  }
  for (const f of found) pushScalar(ctx, f.key.key, f.key, f.value);
  return true;
}

/** A scalar leaf as an entry, with Spring placeholders (`${VAR:default}`) resolved to their default. */
function pushScalar(ctx: WalkContext, key: string, keyPlace: KeyPlace, info: ScalarInfo): void {
  if (info.value.indexOf('${') !== -1) {
    const interp = interpolate(info.value, 'spring');
    switch (interp.kind) {
      case 'reference':
        pushEntry(ctx, key, keyPlace, info, { reference: true, interpolationVar: interp.variable });
        return;
      case 'default': {
        const exact = info.literal && interp.literal;
        const place = exact ? { ...info, start: info.start + interp.start, end: info.start + interp.end } : info;
        pushEntry(ctx, key, keyPlace, { ...place, value: interp.value, literal: exact }, { interpolationDefault: true, interpolationVar: interp.variable });
        return;
      }
      case 'mixed':
        pushEntry(ctx, key, keyPlace, { ...info, value: interp.value, literal: false }, {});
        return;
      default:
        break;
    }
  }
  pushEntry(ctx, key, keyPlace, info, {});
}

function pushEntry(ctx: WalkContext, key: string, keyPlace: KeyPlace, info: ScalarInfo, extra: Partial<EnvEntry>): void {
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

// ---- Kubernetes Secret manifests ----

function isKubernetesSecret(doc: Document.Parsed): boolean {
  const root = doc.contents;
  if (!isMap(root)) return false;
  let kind: unknown;
  let apiVersion: unknown;
  for (const pair of root.items) {
    const k = isScalar(pair.key) ? pair.key.value : undefined;
    if (k === 'kind' && isScalar(pair.value)) kind = pair.value.value;
    if (k === 'apiVersion' && isScalar(pair.value)) apiVersion = pair.value.value;
  }
  return kind === 'Secret' && (apiVersion === undefined || apiVersion === 'v1');
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readKubernetesSecret(ctx: WalkContext, doc: Document.Parsed): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  for (const pair of root.items) {
    const section = isScalar(pair.key) ? pair.key.value : undefined;
    if ((section !== 'data' && section !== 'stringData') || !isMap(pair.value)) continue;
    for (const item of pair.value.items) {
      const key = keyInfo(ctx.text, item.key);
      if (!key) continue;
      if (isAlias(item.value)) {
        pushEntry(ctx, key.key, key, aliasInfo(item.value), { reference: true });
        continue;
      }
      if (!isScalar(item.value)) continue;
      const info = scalarInfo(ctx.text, item.value);
      if (section === 'stringData') {
        pushScalar(ctx, key.key, key, info);
        continue;
      }
      // A template (Helm `{{ ... | b64enc }}`, envsubst `${VAR}`) is filled in later.
      if (info.value.includes('{{') || info.value.includes('${')) {
        pushEntry(ctx, key.key, key, info, { reference: true });
        continue;
      }
      // `data:` holds base64; the entry's value is the decoded text, its offsets the encoded text.
      const encoded = info.value.replace(/\s+/g, '');
      if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
        ctx.problems.push({
          start: info.start,
          end: info.end,
          message: `data.${key.key} is not valid base64 (${encoded.length} characters); Kubernetes rejects the Secret. Put plain text under stringData instead`,
          severity: 'error',
          kind: 'invalid-base64',
        });
        continue;
      }
      let value: string;
      try {
        value = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
      } catch {
        continue; // binary data (a keystore, a certificate in DER): not a text secret
      }
      if (/[\r\n]$/.test(value)) {
        ctx.problems.push({
          start: info.start,
          end: info.end,
          message: `data.${key.key} decodes to a value ending in a line break (base64 of "echo" without -n?); the program sees the line break as part of the secret`,
          severity: 'warning',
          kind: 'base64-trailing-newline',
        });
      }
      pushEntry(ctx, key.key, key, { ...info, value, literal: info.literal && encoded === info.value }, { encodedAs: 'base64' });
    }
  }
}
