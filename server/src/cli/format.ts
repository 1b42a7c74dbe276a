import type { Rule } from '../core/rule';
import type { Finding } from '../core/types';
import { jsonIndented, pad, quote } from './json-text';

export interface Report {
  /** Absolute path of the scanned root; every path in the report is relative to it. */
  root: string;
  files: { path: string; findings: Finding[] }[];
  checked: number;
  skipped: { path: string; reason: string }[];
}

/** Where each rule's documentation lives (the README section of the same name). */
export const DOCS_BASE = 'https://github.com/secret-hygiene/secret-hygiene/blob/main/README.md';

const COLORS = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', hint: '\x1b[2m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * Control characters and bidirectional overrides escaped as `\uXXXX`: key names (YAML keys may hold
 * anything) and file names come from the workspace, and raw escape sequences would let a hostile
 * repository drive the terminal (clear it, retitle it, write the clipboard with OSC 52).
 */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** `file:line:col severity rule-id message`, one finding a line, then a summary. */
export function renderText(report: Report, color: boolean): string {
  return join(renderTextChunks(report, color));
}

/** The text report as pieces to write one after the other (the same bytes as `renderText`). */
export function* renderTextChunks(report: Report, color: boolean): Generator<string> {
  const c = (name: keyof typeof COLORS, s: string) => (color ? COLORS[name] + s + COLORS.reset : s);
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const file of report.files) {
    const where0 = printable(file.path) + ':';
    for (const f of file.findings) {
      counts[f.severity]++;
      const where = `${where0}${f.range.start.line + 1}:${f.range.start.character + 1}`;
      let piece = `${c('bold', where)} ${c(f.severity, f.severity)} ${c('dim', f.ruleId)} ${printable(f.message)}\n`;
      for (const r of f.related ?? []) piece += `    ${c('dim', `↳ ${printable(r.path)}:${r.range.start.line + 1}:${r.range.start.character + 1}`)} ${printable(r.message)}\n`;
      yield piece;
    }
  }
  for (const s of report.skipped) yield c('dim', `skipped ${printable(s.path)}: ${printable(s.reason)}`) + '\n';
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const summary =
    total === 0
      ? `✓ ${report.checked} file${report.checked === 1 ? '' : 's'} checked, no findings`
      : `${report.checked} file${report.checked === 1 ? '' : 's'} checked: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info, ${counts.hint} hint${counts.hint === 1 ? '' : 's'}`;
  yield (total === 0 ? c('dim', summary) : summary) + '\n';
}

/** Machine-readable findings: one object per finding, positions 1-based like the text output. */
export function renderJson(report: Report): string {
  return join(renderJsonChunks(report));
}

/**
 * The JSON report as pieces (the same bytes as `JSON.stringify(..., null, 2)` of the whole report):
 * each finding is stringified on its own and indented to its depth, so the report is never one
 * string in memory.
 */
export function* renderJsonChunks(report: Report): Generator<string> {
  const [head, tail] = frame({ version: 1, checked: report.checked, findings: HOLE, skipped: report.skipped });
  yield head;
  yield* jsonFindings(report, 1);
  yield tail;
}

/**
 * The findings array at nesting `depth`, item by item: each finding as the object
 * `{ file, line, column, endLine, endColumn, severity, ruleId, message, key, data, related }` would
 * stringify, written field by field (no object per finding or related location, no re-indenting).
 */
function* jsonFindings(report: Report, depth: number): Generator<string> {
  const d = depth + 1;
  const inner = pad(d + 1);
  const close = pad(d) + '}';
  const inner2 = pad(d + 3);
  let first = true;
  for (const file of report.files) {
    const fileField = '{' + inner + '"file": ' + quote(file.path) + ',' + inner + '"line": ';
    for (const f of file.findings) {
      let out = (first ? '[' : ',') + pad(d) + fileField;
      first = false;
      out += num(f.range.start.line + 1) + ',' + inner + '"column": ' + num(f.range.start.character + 1);
      out += ',' + inner + '"endLine": ' + num(f.range.end.line + 1) + ',' + inner + '"endColumn": ' + num(f.range.end.character + 1);
      out += field(inner, 'severity', f.severity, d + 1) + field(inner, 'ruleId', f.ruleId, d + 1) + field(inner, 'message', f.message, d + 1);
      out += field(inner, 'key', f.key, d + 1) + field(inner, 'data', f.data, d + 1);
      if (f.related !== undefined) {
        out += ',' + inner + '"related": ';
        if (f.related.length === 0) out += '[]';
        else {
          const item = pad(d + 2);
          for (let i = 0; i < f.related.length; i++) {
            const r = f.related[i];
            out += (i === 0 ? '[' : ',') + item + '{' + inner2 + '"file": ' + quote(r.path) + ',' + inner2 + '"line": ' + num(r.range.start.line + 1);
            out += ',' + inner2 + '"column": ' + num(r.range.start.character + 1) + ',' + inner2 + '"message": ' + quote(r.message) + item + '}';
          }
          out += inner + ']';
        }
      }
      yield out + close;
    }
  }
  yield first ? '[]' : pad(depth) + ']';
}

/** `, "name": value` as stringified at `depth`, or nothing when the value is left out (undefined). */
function field(inner: string, name: string, value: unknown, depth: number): string {
  const v = jsonIndented(value, depth);
  return v === undefined ? '' : ',' + inner + quote(name) + ': ' + v;
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/** A placeholder for the streamed array; stringified it is `"\u0000findings\u0000"`, which no real value in the frame is. */
const HOLE = '\u0000findings\u0000';

/** `JSON.stringify(value, null, 2)` cut at the one HOLE in it: what comes before and after the array. */
function frame(value: object): [string, string] {
  const text = JSON.stringify(value, null, 2);
  const at = text.indexOf(JSON.stringify(HOLE));
  return [text.slice(0, at), text.slice(at + JSON.stringify(HOLE).length) + '\n'];
}

/** The items of an array at nesting `depth` (of the array's own line), as `JSON.stringify(array, null, 2)` lays them out. */
function* arrayItems(items: Iterable<object>, depth: number): Generator<string> {
  const inner = pad(depth + 1);
  let first = true;
  for (const item of items) {
    const text = jsonIndented(item, depth + 1);
    if (text === undefined) continue; // never for the objects rendered here
    yield (first ? '[' : ',') + inner + text;
    first = false;
  }
  yield first ? '[]' : pad(depth) + ']';
}

function join(chunks: Iterable<string>): string {
  let out = '';
  for (const c of chunks) out += c;
  return out;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;

/** SARIF 2.1.0 with the tool's rules, ruleId, level, regions and URIs relative to the scanned root. */
export function renderSarif(report: Report, rules: readonly Rule[], version = '0.1.0'): string {
  return join(renderSarifChunks(report, rules, version));
}

/** The SARIF report as pieces (the same bytes as `renderSarif`). */
export function* renderSarifChunks(report: Report, rules: readonly Rule[], version = '0.1.0'): Generator<string> {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secret-hygiene',
            version,
            informationUri: DOCS_BASE,
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.meta.description },
              helpUri: `${DOCS_BASE}${r.meta.docs}`,
              defaultConfiguration: { level: SARIF_LEVEL[r.meta.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { ROOT: { uri: toFileUri(report.root) } },
        results: HOLE,
      },
    ],
  };
  const [head, tail] = frame(sarif);
  yield head;
  yield* arrayItems(sarifResults(report, ruleIndex), 3);
  yield tail;
}

function* sarifResults(report: Report, ruleIndex: Map<string, number>): Generator<object> {
  for (const file of report.files) {
    const uri = encodeUriPath(file.path);
    for (const f of file.findings) {
      yield {
        ruleId: f.ruleId,
        ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: 'ROOT' },
              region: {
                startLine: f.range.start.line + 1,
                startColumn: f.range.start.character + 1,
                endLine: f.range.end.line + 1,
                endColumn: f.range.end.character + 1,
              },
            },
          },
        ],
        ...(f.related && f.related.length > 0
          ? {
              relatedLocations: f.related.map((r, i) => ({
                id: i,
                message: { text: r.message },
                physicalLocation: {
                  artifactLocation: { uri: encodeUriPath(r.path), uriBaseId: 'ROOT' },
                  region: { startLine: r.range.start.line + 1, startColumn: r.range.start.character + 1 },
                },
              })),
            }
          : {}),
      };
    }
  }
}

function encodeUriPath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

function toFileUri(abs: string): string {
  const p = abs.replace(/\\/g, '/');
  return 'file://' + (p.startsWith('/') ? '' : '/') + encodeUriPath(p) + (p.endsWith('/') ? '' : '/');
}
