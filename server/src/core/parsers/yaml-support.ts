/**
 * What the YAML-based parsers (config YAML, docker compose) share: parsing with a nesting guard,
 * problems without source text, and the exact place and value of a scalar.
 */
import { CST, Composer, Lexer, Parser, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Scalar } from 'yaml';
import { version as yamlVersion } from 'yaml/package.json';
import type { CommentedEntry, ParseProblem, QuoteStyle } from '../types';
import { LineIndex } from '../text';

/**
 * Deeper nesting is refused before the `yaml` package sees the text: its composer recurses per
 * level and overflows the stack between 500 and 1,000 levels, and a stack overflow while V8
 * compiles a regular expression ends the whole process instead of throwing. Config files nest
 * a dozen levels; a hundred leaves room for anything real.
 */
export const MAX_YAML_DEPTH = 100;


/**
 * `*alias` expansions allowed if a document is ever converted to JS (`doc.toJS({ maxAliasCount })`).
 * The parsers here never do: they walk the syntax tree and read an alias as a reference, so a
 * "billion laughs" document costs its own size and nothing more.
 */
export const MAX_ALIAS_COUNT = 100;

/** The `yaml` version whose `Parser.prototype.next` LeanParser repeats; test/unit/parsers-perf checks them token for token. */
export const LEAN_PARSER_YAML_VERSION = '2.9.1';

/** The Parser state that `next` works on (private in the package's typings). */
interface ParserState {
  source: string;
  atScalar: boolean;
  atNewLine: boolean;
  indent: number;
  offset: number;
  type: string;
  onNewLine?: (offset: number) => void;
  step(): Generator<CST.Token, void>;
  pop(error?: CST.Token): Generator<CST.Token, void>;
}

/**
 * The `yaml` package's Parser, without its `process.env.LOG_TOKENS` read for every token (a
 * debugging switch; reading process.env goes through C++ and was a fifth of all YAML parsing).
 * `next` is the package's own (yaml 2.9.1, dist/parse/parser.js) minus that line; other versions
 * of the package get their own Parser (see yamlParser).
 */
export class LeanParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const p = this as unknown as ParserState;
    p.source = source;
    if (p.atScalar) {
      p.atScalar = false;
      yield* p.step();
      p.offset += source.length;
      return;
    }
    const type = CST.tokenType(source);
    if (!type) {
      const message = `Not a YAML token: ${source}`;
      yield* p.pop({ type: 'error', offset: p.offset, message, source });
      p.offset += source.length;
    } else if (type === 'scalar') {
      p.atNewLine = false;
      p.atScalar = true;
      p.type = 'scalar';
    } else {
      p.type = type;
      yield* p.step();
      switch (type) {
        case 'newline':
          p.atNewLine = true;
          p.indent = 0;
          if (p.onNewLine) p.onNewLine(p.offset + source.length);
          break;
        case 'space':
          if (p.atNewLine && source[0] === ' ') p.indent += source.length;
          break;
        case 'explicit-key-ind':
        case 'map-value-ind':
        case 'seq-item-ind':
          if (p.atNewLine) p.indent += source.length;
          break;
        case 'doc-mode':
        case 'flow-error-end':
          return;
        default:
          p.atNewLine = false;
      }
      p.offset += source.length;
    }
  }
}

/** LeanParser where the installed `yaml` is the version it was written against, the package's Parser otherwise. */
export function yamlParser(): Parser {
  return yamlVersion === LEAN_PARSER_YAML_VERSION ? new LeanParser() : new Parser();
}

const COMPOSE_OPTIONS = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false } as const;

export interface YamlParse {
  docs: Document.Parsed[];
  problems: ParseProblem[];
  lines: LineIndex;
}

/** Parses every document of a YAML stream. Never throws; failures become problems. */
export function parseYamlStream(text: string): YamlParse {
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  let deep: number;
  try {
    deep = firstTooDeepOffset(text, MAX_YAML_DEPTH);
  } catch (e) {
    problems.push({ start: 0, end: 0, message: `The YAML lexer failed (${e instanceof Error ? e.name : 'error'}); the file was not read`, severity: 'error', kind: 'syntax-error' });
    return { docs: [], problems, lines };
  }
  if (deep !== -1) {
    problems.push({
      start: deep,
      end: Math.max(deep, lines.lineEnd(lines.positionAt(deep).line)),
      message: `YAML nested deeper than ${MAX_YAML_DEPTH} levels here; the file was not read`,
      severity: 'error',
      kind: 'nesting-too-deep',
    });
    return { docs: [], problems, lines };
  }
  let docs: Document.Parsed[];
  try {
    // parseAllDocuments(text, COMPOSE_OPTIONS), with the lean parser (no LineCounter: prettyErrors is off).
    const composer = new Composer(COMPOSE_OPTIONS);
    docs = Array.from(composer.compose(yamlParser().parse(text))) as Document.Parsed[];
    // An empty stream still carries errors (a stray "]" and nothing else).
    if (docs.length === 0) for (const err of composer.streamInfo().errors) problems.push(yamlProblem(text, err));
  } catch (e) {
    problems.push({ start: 0, end: 0, message: `The YAML parser failed (${e instanceof Error ? e.name : 'error'}); the file was not read`, severity: 'error', kind: 'syntax-error' });
    return { docs: [], problems, lines };
  }
  for (const doc of docs) for (const err of doc.errors) problems.push(yamlProblem(text, err));
  return { docs, problems, lines };
}

interface YamlError {
  pos: [number, number];
  code: string;
  message: string;
}

/**
 * The `yaml` package's messages can quote source text (`Invalid escape sequence \q`,
 * `Block scalar header includes extra characters: ...`); only the part before a colon is kept,
 * and the code says which error it is.
 */
function yamlProblem(text: string, err: YamlError): ParseProblem {
  const first = String(err.message ?? '').split('\n')[0];
  const cut = first.indexOf(':');
  const message =
    FIXED_MESSAGES[err.code] ?? ((cut > 0 ? first.slice(0, cut) : first).replace(/ at line \d+, column \d+$/, '').trim() || 'invalid YAML');
  const start = clamp(err.pos?.[0] ?? 0, text.length);
  const end = Math.max(start, clamp(err.pos?.[1] ?? start, text.length));
  const duplicate = err.code === 'DUPLICATE_KEY';
  return {
    start,
    end,
    message: duplicate ? 'Duplicate key in a YAML map: readers keep one of the values or refuse the file' : `YAML: ${message} (${err.code})`,
    severity: 'error',
    kind: duplicate ? 'duplicate-key' : 'syntax-error',
  };
}

/** Codes whose messages quote the text at fault. */
const FIXED_MESSAGES: Record<string, string> = {
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote the value',
  UNEXPECTED_TOKEN: 'unexpected text here',
  TAG_RESOLVE_FAILED: 'unknown or unusable tag',
  BAD_COLLECTION_TYPE: 'a tag does not fit this collection',
};

function clamp(n: number, max: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.min(Math.trunc(n), max)) : 0;
}

/** A scalar's value as the program reading the file sees it, and where its content is written. */
export interface ScalarInfo {
  value: string;
  /** The content: inside the quotes, after a block scalar's header line. */
  start: number;
  end: number;
  quote: QuoteStyle;
  /** `text.slice(start, end) === value`: replacing the slice replaces the value. */
  literal: boolean;
  isNull: boolean;
}

export function scalarInfo(text: string, node: Scalar): ScalarInfo {
  const [s, e] = node.range ?? [0, 0, 0];
  const raw = text.slice(s, e);
  const v = node.value;
  switch (node.type) {
    case 'QUOTE_SINGLE':
    case 'QUOTE_DOUBLE': {
      const q = node.type === 'QUOTE_SINGLE' ? "'" : '"';
      const start = Math.min(s + 1, e);
      const end = e - 1 >= start && text[e - 1] === q ? e - 1 : e;
      const value = typeof v === 'string' ? v : String(v ?? '');
      return { value, start, end, quote: q === "'" ? 'single' : 'double', literal: text.slice(start, end) === value, isNull: false };
    }
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED': {
      // The content starts on the line after the `|` / `>` header.
      let start = s;
      while (start < e && text[start] !== '\n' && text[start] !== '\r') start++;
      if (text[start] === '\r' && text[start + 1] === '\n') start += 2;
      else if (start < e) start++;
      let end = e;
      while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
      return { value: typeof v === 'string' ? v : String(v ?? ''), start, end, quote: 'none', literal: false, isNull: false };
    }
    default: {
      // Plain scalars: numbers and booleans are kept as written (`password: 123456` is weak as text).
      const isNull = v === null || v === undefined;
      const value = typeof v === 'string' ? v : isNull ? '' : raw;
      return { value, start: s, end: e, quote: 'none', literal: raw === value, isNull };
    }
  }
}

/** A map key's text and the range of its content (inside quotes). Undefined for complex keys. */
export function keyInfo(text: string, node: unknown): { key: string; start: number; end: number } | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const info = scalarInfo(text, node);
  if (info.isNull) return undefined;
  return { key: info.value, start: info.start, end: info.end };
}

/**
 * Anchors of a document, for resolving `*alias` one level (never expanding recursively). Later
 * definitions of a name shadow earlier ones, as YAML says.
 */
export class AnchorTable {
  private readonly byName = new Map<string, { offset: number; node: YamlNode }[]>();

  constructor(root: unknown) {
    const stack: unknown[] = [root];
    let visited = 0;
    while (stack.length > 0 && visited++ < 1_000_000) {
      const node = stack.pop();
      if (isPair(node)) {
        stack.push(node.key, node.value);
        continue;
      }
      if (!node || typeof node !== 'object' || isAlias(node)) continue;
      const n = node as YamlNode;
      if (n.anchor && n.range) {
        let list = this.byName.get(n.anchor);
        if (!list) this.byName.set(n.anchor, (list = []));
        list.push({ offset: n.range[0], node: n });
      }
      if (isMap(n) || isSeq(n)) for (const item of n.items) stack.push(item);
    }
    for (const list of this.byName.values()) list.sort((a, b) => a.offset - b.offset);
  }

  /** The node an alias names: the last anchor of that name defined before the alias. */
  resolve(alias: unknown): YamlNode | undefined {
    if (!isAlias(alias) || !alias.range) return undefined;
    const list = this.byName.get(alias.source);
    if (!list) return undefined;
    let found: YamlNode | undefined;
    for (const a of list) if (a.offset < alias.range[0]) found = a.node;
    return found;
  }
}

/**
 * The offset where YAML nesting first goes over `limit`, or -1. A cheap upper bound lets
 * ordinary files through at once; otherwise the `yaml` package's own lexer (iterative, and exact
 * about quotes, comments and block scalars) is run and counted: open block indentation levels,
 * compact `- ` / `? ` / `: ` indicators on the line, open flow brackets. It stops at the first
 * offending token, so a hostile file costs no more than its first hundred levels.
 */
export function firstTooDeepOffset(text: string, limit: number): number {
  if (depthUpperBound(text) <= limit) return -1;
  return lexedTooDeep(text, limit);
}

/** Every `[`/`{` in the file + the widest (indentation + indicators) of any line + 1. */
function depthUpperBound(text: string): number {
  let opens = 0;
  let widest = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      widest = Math.max(widest, indent + indicators);
      indent = 0;
      indicators = 0;
      lineStart = true;
      continue;
    }
    if (lineStart && (c === 32 || c === 9)) {
      indent++;
      continue;
    }
    lineStart = false;
    if (c === 91 || c === 123) opens++;
    else if (c === 45 || c === 63 || c === 58) {
      const next = text.charCodeAt(i + 1);
      if (Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13) indicators++;
    }
  }
  return opens + Math.max(widest, indent + indicators) + 1;
}

function lexedTooDeep(text: string, limit: number): number {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = true;
  let indent = 0;
  let compact = 0;
  let scalarNext = false;
  for (const tok of new Lexer().lex(text)) {
    // Control tokens mark modes and take no place in the text.
    if (tok === '\x02' || tok === '\x18') continue;
    if (tok === '\x1f') {
      scalarNext = true;
      continue;
    }
    const at = offset;
    offset += tok.length;
    const type = scalarNext ? 'scalar' : CST.tokenType(tok);
    scalarNext = false;
    switch (type) {
      case 'newline':
        lineStart = true;
        indent = 0;
        continue;
      case 'space':
        if (lineStart) indent += tok.length;
        continue;
      case 'comment':
      case 'byte-order-mark':
      case 'directive-line':
        continue;
      case 'doc-start':
      case 'doc-end':
        indents.length = 0;
        flow = 0;
        continue;
      default:
        break;
    }
    if (lineStart) {
      lineStart = false;
      compact = 0;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') compact++;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if ((type === 'flow-seq-end' || type === 'flow-map-end') && flow > 0) flow--;
    if (indents.length + compact + flow > limit) return at;
  }
  return -1;
}

const COMMENTED_YAML = /^[ \t]*#+[ \t]*(?:-[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*(?::[ \t]+|=[ \t]*)("[^"]*"|'[^']*'|[^\s#'"]+)[ \t]*$/;

/**
 * Commented-out assignments in YAML and compose files (`# JWT_SECRET: old-value`,
 * `# - JWT_SECRET=old-value`): not values, but masked in the editor all the same. Only a single
 * token or a quoted string counts, so that prose comments (`# Note: see the README`) do not.
 */
export function commentedAssignments(text: string, lines: LineIndex): CommentedEntry[] {
  const out: CommentedEntry[] = [];
  // Only the lines with a "#" in them, found by jumping from "#" to "#", not by slicing every line.
  for (let h = text.indexOf('#'); h !== -1; ) {
    const line = lines.lineAt(h);
    const lineText = lines.lineText(line);
    const m = COMMENTED_YAML.exec(lineText);
    if (m) {
      const start = lines.lineStart(line);
      let vs = start + lineText.lastIndexOf(m[2]);
      let ve = vs + m[2].length;
      if (m[2].length >= 2 && (m[2][0] === '"' || m[2][0] === "'")) {
        vs++;
        ve--;
      }
      if (ve > vs) out.push({ key: m[1], line, valueStart: vs, valueEnd: ve });
    }
    if (line + 1 >= lines.lineCount) break;
    h = text.indexOf('#', lines.lineStart(line + 1));
  }
  return out;
}
