/**
 * Every edit the product makes changes only the bytes it means to (issue 7):
 * - each quick fix the language server offers, computed by its code-action module in process on
 *   generated workspaces (replace a secret, add a previous slot, add missing version slots, rename to
 *   a server-only key, add to .gitignore, disable a rule for a line);
 * - rotate and complete in config formats (YAML, Kubernetes Secret, compose, JSON, .properties) and in
 *   .env files full of hostile lines (the well-formed .env schemes are covered by rotation.test.ts);
 * - the journal insertion, on arbitrary journals.
 *
 * Fixed seed, FUZZ_RUNS runs; failures report the seed, the path and a skeleton of the input.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { CodeAction, Connection, Diagnostic, TextDocumentEdit, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { Analyzer } from '../../server/src/core/analyzer';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import { insertJournalEntry, renderJournalEntry } from '../../server/src/core/journal';
import { parseJournal } from '../../server/src/core/journal-index';
import { parseSource } from '../../server/src/core/parse';
import { planCompletion, planRotation } from '../../server/src/core/rotation';
import { applyEdits, LineIndex } from '../../server/src/core/text';
import type { EnvEntry, ParsedSource, TextEdit } from '../../server/src/core/types';
import { codeActions, resolveCodeAction } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { FolderState, pathToUri } from '../../server/src/lsp/folder';
import { SecretHygieneServer, type ClientFeatures } from '../../server/src/lsp/main';
import { FUZZ_TIMEOUT_MS, RUNS, assertAsyncProperty, assertProperty, removeTree, skeleton, tempDir } from './hardening-support';

const fp = (v: string) => `fp:${v.length}`;

// ---------------------------------------------------------------------------------------------
// Edit helpers

function applyLsp(text: string, edits: LspTextEdit[]): string {
  const lines = new LineIndex(text);
  return applyEdits(
    text,
    edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })),
  );
}

/** The edits of a WorkspaceEdit per URI (documentChanges or changes). */
function editsByUri(edit: WorkspaceEdit): Map<string, LspTextEdit[]> {
  const out = new Map<string, LspTextEdit[]>();
  for (const ch of edit.documentChanges ?? []) {
    if ('kind' in ch) continue;
    const d = ch as TextDocumentEdit;
    out.set(d.textDocument.uri, [...(out.get(d.textDocument.uri) ?? []), ...(d.edits as LspTextEdit[])]);
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) out.set(uri, [...(out.get(uri) ?? []), ...edits]);
  return out;
}

/** Offsets (in the old text) of each edit. */
function offsets(text: string, edits: LspTextEdit[]): TextEdit[] {
  const lines = new LineIndex(text);
  return edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }));
}

function isLineBoundary(text: string, at: number): boolean {
  return at === 0 || at === text.length || text[at - 1] === '\n' || (text[at - 1] === '\r' && text[at] !== '\n');
}

/** Entries as (key, value) in order, for "nothing else changed" comparisons. */
function entryList(src: ParsedSource): [string, string][] {
  return src.entries.map((e) => [e.key, e.value]);
}

function errorCount(src: ParsedSource): number {
  return src.problems.filter((p) => p.severity === 'error').length;
}

// ---------------------------------------------------------------------------------------------
// Quick fixes, in process: the server's code-action module on a folder built in memory

const FEATURES: ClientFeatures = {
  configuration: false,
  workspaceFolders: true,
  watchedFilesDynamic: false,
  configurationDynamic: false,
  documentChanges: true,
  createFiles: true,
  codeActionLiteral: true,
  codeActionResolveEdit: false,
  codeLensRefresh: false,
  showDocument: false,
  relatedInformation: true,
  vscode: false,
};

const silent = { console: { info() {}, warn() {}, error() {}, log() {} } } as unknown as Connection;

interface Workspace {
  server: SecretHygieneServer;
  folder: FolderState;
  texts: Map<string, string>;
}

function makeServer(root: string, files: Record<string, string>, gitignore: string | undefined, resolveEdits: boolean): Workspace {
  const server = new SecretHygieneServer(silent);
  server.features = { ...FEATURES, codeActionResolveEdit: resolveEdits };
  server.trusted = true;
  const uri = pathToUri(root);
  const folder = new FolderState(uri, root, 'ws', false, new Uint8Array(32));
  folder.config = DEFAULT_CONFIG;
  const analyzer = new Analyzer({ config: DEFAULT_CONFIG, hashKey: new Uint8Array(32), now: () => new Date('2026-05-03T00:00:00Z') });
  if (gitignore !== undefined) {
    writeFileSync(join(root, '.gitignore'), gitignore);
    analyzer.setGitignore('', gitignore);
  }
  const texts = new Map<string, string>();
  for (const [rel, text] of Object.entries(files)) {
    analyzer.setFile({ path: rel, text, meta: { mode: 0o644, posix: true } });
    texts.set(rel, text);
  }
  folder.analyzer = analyzer;
  server.folders.set(uri, folder);
  return { server, folder, texts };
}

const uriOf = (ws: Workspace, rel: string) => pathToUri(ws.folder.abs(rel));

/** A secret-ish value of a shape: random base64, hex, short, weak, a URL password... (no quotes, "#" or spaces). */
const valueArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 48 }).map((b) => Buffer.from(b).toString('base64')),
  fc.uint8Array({ minLength: 8, maxLength: 20 }).map((b) => Buffer.from(b).toString('hex')),
  fc.uint8Array({ minLength: 16, maxLength: 31 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.constantFrom('changeme', 'secret', 'password123', 'your_jwt_secret', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr', 'Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3'),
  fc.uint8Array({ minLength: 12, maxLength: 24 }).map((b) => `postgres://app:${Buffer.from(b).toString('hex')}@db:5432/app`),
);

const KEYS = ['JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'SESSION_SECRET', 'NEXTAUTH_SECRET', 'NEXT_PUBLIC_JWT_SECRET', 'VITE_API_SECRET', 'DATABASE_URL', 'ENC_KEY', 'ENC_KEY_VERSION', 'ENC_KEY_V1', 'API_TOKEN', 'DB_PASSWORD', 'PORT', 'JWT_ALGORITHM'];

const lineArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('entry' as const), key: fc.constantFrom(...KEYS), value: valueArb, quote: fc.constantFrom('', '"', "'", '`'), exported: fc.boolean(), comment: fc.boolean(), indent: fc.constantFrom('', '  ', '\t') }) },
  { weight: 1, arbitrary: fc.constantFrom('# a comment', '', 'NOT AN ASSIGNMENT', 'A = spaced', 'HASH=#ff0000', 'ENC_KEY_VERSION=3', 'JWT_ALGORITHM=HS512', '# JWT_SECRET=old-commented-value', 'MULTI="first\nsecond"', '# secret-hygiene-disable-next-line weak-secret', 'Ünïcödé=välue ✓').map((text) => ({ kind: 'raw' as const, text })) },
);

type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;

function renderLines(lines: Line[], eol: string): string {
  return lines
    .map((l) => (l.kind === 'raw' ? l.text.replace(/\n/g, eol) : `${l.indent}${l.exported ? 'export ' : ''}${l.key}=${l.quote}${l.value}${l.quote}${l.comment ? ' # note' : ''}`))
    .join(eol);
}

const workspaceArb = fc.record({
  env: fc.array(lineArb, { minLength: 1, maxLength: 14 }),
  prod: fc.array(lineArb, { maxLength: 6 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  finalEol: fc.boolean(),
  gitignore: fc.constantFrom(undefined, '', 'node_modules', 'node_modules\n', '.env.production\r\n'),
  yaml: fc.boolean(),
  resolveEdits: fc.boolean(),
});

type WsInput = typeof workspaceArb extends fc.Arbitrary<infer T> ? T : never;

function buildFiles(w: WsInput): Record<string, string> {
  const files: Record<string, string> = { '.env': renderLines(w.env, w.eol) + (w.finalEol ? w.eol : '') };
  if (w.prod.length > 0) files['.env.production'] = renderLines(w.prod, w.eol) + w.eol;
  if (w.yaml) {
    const first = w.env.find((l) => l.kind === 'entry');
    const v = first && first.kind === 'entry' ? first.value : 'changeme';
    files['config/app.yml'] = `jwt:\n  secret: '${v}'\n  other: "${v}"\n# JWT_SECRET=x\n`;
    files['appsettings.json'] = `{\n  "Jwt": { "Secret": "${v}" }\n}\n`;
  }
  return files;
}

/** What an action may touch, by its title; everything else must keep its bytes. */
function checkAction(ws: Workspace, rel: string, diag: Diagnostic, action: CodeAction): string | undefined {
  if (!action.edit) return undefined;
  const edits = editsByUri(action.edit);
  const title = action.title;
  const kind = title.startsWith('Replace ')
    ? 'replace'
    : title.startsWith('Disable ')
      ? 'disable'
      : title.startsWith('Add ') && title.includes('.gitignore')
        ? 'gitignore'
        : title.startsWith('Add ') && title.includes('slot')
          ? 'slot'
          : title.startsWith('Add ') && title.includes('placeholder')
            ? 'placeholders'
            : title.startsWith('Rename to server-only')
              ? 'rename'
              : 'other';
  assert.notEqual(kind, 'other', `an edit under an unexpected title: ${title.replace(/[A-Za-z0-9]{12,}/g, '<long>')}`);
  for (const [uri, lspEdits] of edits) {
    const relOf = [...ws.texts.keys(), '.gitignore'].find((r) => uriOf(ws, r) === uri);
    assert.ok(relOf, `${kind}: an edit to a file outside the workspace`);
    const old = relOf === '.gitignore' ? readGitignore(ws) : ws.texts.get(relOf!)!;
    const es = offsets(old, lspEdits);
    const after = applyLsp(old, lspEdits);
    const src = relOf === '.gitignore' ? undefined : parseSource(relOf!, old);
    const srcAfter = relOf === '.gitignore' ? undefined : parseSource(relOf!, after);
    switch (kind) {
      case 'replace': {
        assert.equal(relOf, rel, 'replace: only the diagnosed file');
        assert.equal(es.length, 1, 'replace: one edit');
        const e = es[0];
        const line = diag.range.start.line;
        const target = src!.entries.find((x) => x.line <= line && e.start >= x.valueStart && e.end <= x.valueEnd);
        assert.ok(target, 'replace: the edit lies inside the value of an entry on the diagnosed line');
        assert.ok(!/[\s"'`#\\]/.test(e.newText), 'replace: the new value holds no whitespace, quote, "#" or backslash');
        // Every other entry keeps its key and value; the target keeps its key and quoting.
        const before = entryList(src!);
        const now = entryList(srcAfter!);
        assert.equal(now.length, before.length, 'replace: same number of entries');
        for (let i = 0; i < before.length; i++) {
          if (src!.entries[i] === target) {
            assert.equal(now[i][0], before[i][0], 'replace: same key');
            assert.equal(srcAfter!.entries[i].quote, target!.quote, 'replace: quoting kept');
          } else assert.deepEqual(now[i], before[i], `replace: entry ${i} unchanged`);
        }
        assert.ok(errorCount(srcAfter!) <= errorCount(src!), 'replace: no new parse error');
        break;
      }
      case 'disable':
      case 'slot':
      case 'placeholders': {
        assert.equal(relOf, rel, `${kind}: only the diagnosed file`);
        assert.equal(es.length, 1, `${kind}: one edit`);
        const e = es[0];
        assert.equal(e.start, e.end, `${kind}: a pure insertion`);
        if (kind === 'disable' && !/^[ \t]*(#|\/\/)/.test(e.newText)) {
          // Extending the directive above: ` rule-id` inside a comment line.
          assert.match(e.newText, /^ [a-z-]+$/, 'disable: extends a directive with a rule id');
          assert.match(new LineIndex(old).lineText(new LineIndex(old).positionAt(e.start).line), /secret-hygiene-disable-next-line/, 'disable: inside the directive line');
        } else {
          const boundary = isLineBoundary(old, e.start) || /^\r?\n/.test(e.newText);
          assert.ok(boundary, `${kind}: inserted at a line boundary`);
          assert.ok(/\r?\n$/.test(e.newText) || /^\r?\n/.test(e.newText), `${kind}: whole lines`);
        }
        assert.equal(after.slice(0, e.start) + after.slice(e.start + e.newText.length), old, `${kind}: the rest of the file is byte for byte the same`);
        if (kind !== 'disable') {
          const before = entryList(src!);
          const now = entryList(srcAfter!).filter(([k]) => !e.newText.includes(k + '='));
          assert.deepEqual(now, before, `${kind}: every entry keeps its value`);
        }
        break;
      }
      case 'rename': {
        const key = String(diag.data && (diag.data as { key?: string }).key);
        for (const x of es) {
          const entry = src!.entries.find((en) => en.keyStart === x.start && en.keyEnd === x.end);
          assert.ok(entry && entry.key === key, 'rename: every edit is exactly a key of the renamed variable');
        }
        const before = entryList(src!).map(([, v]) => v);
        const now = entryList(srcAfter!).map(([, v]) => v);
        assert.deepEqual(now, before, 'rename: every value kept');
        break;
      }
      case 'gitignore': {
        assert.equal(es.length, 1, 'gitignore: one edit');
        assert.equal(es[0].start, old.length, 'gitignore: appended at the end');
        assert.equal(after.slice(0, old.length), old, 'gitignore: the rest kept');
        assert.match(es[0].newText, /^(\r?\n)?[^\r\n]+\r?\n$/, 'gitignore: one line');
        break;
      }
    }
  }
  return kind;
}

function readGitignore(ws: Workspace): string {
  return existsSync(join(ws.folder.root, '.gitignore')) ? readFileSync(join(ws.folder.root, '.gitignore'), 'utf8') : '';
}

describe('hardening: every quick fix changes only the bytes it means to (code-action module, in process)', function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  const seen = new Map<string, number>();

  it('on generated workspaces: replace, add slot, add missing versions, rename, .gitignore, disable', async () => {
    await assertAsyncProperty(
      'quick fixes',
      workspaceArb,
      async (w) => {
        const root = tempDir('sh-qf-');
        try {
          const ws = makeServer(root, buildFiles(w), w.gitignore, w.resolveEdits);
          for (const [rel, findings] of ws.folder.analyzer.allFindings()) {
            const uri = uriOf(ws, rel);
            const diagnostics = findings.map((f) => toDiagnostic(f, (p) => uriOf(ws, p)));
            for (const diag of diagnostics) {
              const actions = await codeActions(ws.server, { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
              for (let action of actions) {
                if (!action.edit && action.data) action = (await resolveCodeAction(ws.server, action)) ?? action;
                const kind = checkAction(ws, rel, diag, action);
                if (kind) seen.set(kind, (seen.get(kind) ?? 0) + 1);
              }
            }
          }
        } finally {
          removeTree(root);
        }
      },
      (w) => skeleton(buildFiles(w)['.env']),
      Math.max(1, Math.ceil(RUNS / 4)),
    );
    // The generator must reach every kind of fix, or the property proves less than it says.
    for (const kind of ['replace', 'disable', 'slot', 'placeholders', 'rename', 'gitignore']) {
      assert.ok((seen.get(kind) ?? 0) > 0, `no "${kind}" quick fix was generated; widen the generator`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Rotation in config formats and in hostile .env files

/** Lines [first, last] an entry spans, and where a line may be inserted after it. */
function spanOf(src: ParsedSource, lines: LineIndex, e: EnvEntry): { start: number; end: number; after: number } {
  const first = lines.positionAt(e.keyStart).line;
  const last = lines.positionAt(Math.max(e.keyEnd, e.valueEnd + (e.quote === 'none' ? 0 : 1))).line;
  return { start: lines.lineStart(first), end: lines.lineEnd(last), after: last + 1 < lines.lineCount ? lines.lineStart(last + 1) : src.text.length };
}

/**
 * Every edit stays inside the lines of the family's entries (adjacent family lines form one region,
 * their line breaks included, so removing or inserting whole family lines is allowed); any line it
 * writes is a family assignment.
 */
function assertConfined(src: ParsedSource, edits: TextEdit[], base: string, label: string): void {
  const lines = new LineIndex(src.text);
  const spans = src.entries
    .filter((e) => e.key === base || e.key.startsWith(base + '_'))
    .map((e) => spanOf(src, lines, e))
    .sort((a, b) => a.start - b.start);
  const regions: { start: number; after: number }[] = [];
  for (const sp of spans) {
    const last = regions[regions.length - 1];
    if (last && sp.start <= last.after) last.after = Math.max(last.after, sp.after);
    else regions.push({ start: sp.start, after: sp.after });
  }
  for (const e of edits) {
    const inside = regions.some((r) => e.start >= r.start && e.end <= r.after);
    assert.ok(inside, `${label}: an edit at ${e.start}-${e.end} is outside the ${base} family's lines`);
    if (/[\r\n]/.test(e.newText)) {
      const written = e.newText.split(/\r\n|\r|\n/).filter((l) => l !== '');
      assert.ok(written.every((l) => new RegExp(`^[ \\t]*(export[ \\t]+)?${base}(_[A-Z0-9]+)?=`).test(l)), `${label}: written lines are family assignments`);
    }
  }
}

const secretValue = fc.uint8Array({ minLength: 32, maxLength: 48 }).map((b) => 'k' + Buffer.from(b).toString('base64url'));

const NOISE = fc.oneof(
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ')),
  fc.constantFrom('# comment', '', 'OTHER="unterminated', "X='a'b'", 'Y=`multi', 'line`', 'Z = spaced', '\u2028', 'export', '=== ===', 'K="a\\"b"', 'JWT_SECRETX=1', 'JWT_SECRET_=2', '#JWT_SECRET=commented'),
);

const noisyEnvArb = fc.record({
  before: fc.array(NOISE, { maxLength: 5 }),
  after: fc.array(NOISE, { maxLength: 5 }),
  current: secretValue,
  previous: fc.option(secretValue, { nil: undefined }),
  quote: fc.constantFrom('', '"', "'"),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  scheme: fc.constantFrom('previous', 'immediate', 'list', 'versioned', 'numbered', 'authjs'),
});

/** The family lines of a scheme, its base key, and the key holding the current value. */
function noisyFamily(f: { current: string; previous?: string; quote: string; scheme: string }): { base: string; key: string; lines: string[]; scheme?: 'immediate' | 'list' } {
  const q = f.quote;
  const v = (x: string) => `${q}${x}${q}`;
  switch (f.scheme) {
    case 'versioned':
      return { base: 'WALLET_KEY', key: 'WALLET_KEY', lines: [`WALLET_KEY=${v(f.current)}`, 'WALLET_KEY_VERSION=2', ...(f.previous ? [`WALLET_KEY_V1=${v(f.previous)}`] : [])] };
    case 'numbered':
      return { base: 'JWT_SECRET', key: 'JWT_SECRET_1', lines: [`JWT_SECRET_1=${v(f.current)}`, `JWT_SECRET_0=${v(f.previous ?? '')}`] };
    case 'authjs':
      return { base: 'AUTH_SECRET', key: 'AUTH_SECRET', lines: [`AUTH_SECRET=${v(f.current)}`, ...(f.previous ? [`AUTH_SECRET_1=${v(f.previous)}`] : [])] };
    case 'list':
      return { base: 'JWT_SECRET', key: 'JWT_SECRET', lines: [`JWT_SECRET=${v(f.current + (f.previous ? ',' + f.previous : ''))}`], scheme: 'list' };
    case 'immediate':
      return { base: 'JWT_SECRET', key: 'JWT_SECRET', lines: [`JWT_SECRET=${v(f.current)}`], scheme: 'immediate' };
    default:
      return { base: 'JWT_SECRET', key: 'JWT_SECRET', lines: [`JWT_SECRET=${v(f.current)}`, ...(f.previous ? [`JWT_SECRET_PREVIOUS=${v(f.previous)}`] : [])] };
  }
}

describe('hardening: rotate and complete touch only their family, in hostile .env files and in every config format', function () {
  this.timeout(FUZZ_TIMEOUT_MS);

  it('.env surrounded by hostile lines (unterminated quotes, separators, lone CR): confined edits or a refusal', () => {
    const planned = new Map<string, number>();
    assertProperty(
      'noisy .env rotation',
      noisyEnvArb,
      (f) => {
        const fam = noisyFamily(f);
        const text = [...f.before, ...fam.lines, ...f.after].join(f.eol) + f.eol;
        const src = parseSource('.env', text);
        const plan = planRotation({ source: src, key: fam.key, fingerprint: fp, scheme: fam.scheme, createSlot: f.scheme === 'authjs' ? 'authjs' : 'previous' });
        if (!plan.ok) {
          assert.ok(plan.reason.length > 0 && !plan.reason.includes(f.current), 'a refusal with a value-free reason');
          return;
        }
        assertConfined(src, plan.edits, fam.base, 'rotate');
        planned.set(plan.scheme, (planned.get(plan.scheme) ?? 0) + 1);
        const after = applyEdits(text, plan.edits);
        const a = parseSource('.env', after);
        const others = (s: ParsedSource) => entryList(s).filter(([k]) => k !== fam.base && !k.startsWith(fam.base + '_'));
        assert.deepEqual(others(a), others(src), 'every other entry keeps its value');
        const count = (t: string, v: string) => t.split(v).length - 1;
        // No value of the family gains a copy; the current one leaves its place unless a slot keeps it.
        for (const v of [f.current, f.previous].filter((x): x is string => !!x)) assert.ok(count(after, v) <= count(text, v), 'a family value was copied');
        if (plan.scheme === 'immediate') assert.equal(count(after, f.current), count(text, f.current) - 1, 'immediate: the old value is gone');
        if (plan.scheme === 'previous') assert.equal(a.entries.find((e) => e.key === fam.base + '_PREVIOUS')?.value, src.entries.find((e) => e.key === fam.key)!.value, 'the old value is the previous slot');
        const done = planCompletion({ source: a, key: fam.key, fingerprint: fp, scheme: fam.scheme });
        if (done.ok) {
          assertConfined(a, done.edits, fam.base, 'complete');
          assert.deepEqual(others(parseSource('.env', applyEdits(after, done.edits))), others(src), 'completion: every other entry keeps its value');
        }
      },
      (f) => skeleton([...f.before, 'FAMILY', ...f.after].join(f.eol)),
    );
    for (const scheme of ['previous', 'immediate', 'list', 'versioned', 'numbered', 'authjs']) assert.ok((planned.get(scheme) ?? 0) > 0, `no ${scheme} rotation was planned; the generator proves nothing for it`);
  });

  const configArb = fc.record({
    format: fc.constantFrom('yaml', 'k8s', 'compose', 'compose-list', 'json', 'properties'),
    current: secretValue,
    previous: fc.option(secretValue, { nil: undefined }),
    extra: fc.array(fc.tuple(fc.constantFrom('PORT', 'API_URL', 'SESSION_SECRET', 'DB_PASSWORD'), secretValue), { maxLength: 4 }),
    crlf: fc.boolean(),
  });

  function renderConfig(c: typeof configArb extends fc.Arbitrary<infer T> ? T : never): { path: string; text: string } {
    const pairs: [string, string][] = [['JWT_SECRET', c.current], ...(c.previous ? ([['JWT_SECRET_PREVIOUS', c.previous]] as [string, string][]) : []), ...c.extra];
    let path: string;
    let text: string;
    switch (c.format) {
      case 'yaml':
        path = 'config/app.yml';
        text = `# app\n${pairs.map(([k, v]) => `${k}: ${v}`).join('\n')}\nnested:\n  key: value\n`;
        break;
      case 'k8s':
        path = 'k8s/app-secret.yaml';
        text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n${pairs.map(([k, v]) => `  ${k}: ${Buffer.from(v).toString('base64')}`).join('\n')}\n`;
        break;
      case 'compose':
        path = 'docker-compose.yml';
        text = `services:\n  api:\n    image: x\n    environment:\n${pairs.map(([k, v]) => `      ${k}: "${v}"`).join('\n')}\n    ports:\n      - "3000:3000"\n`;
        break;
      case 'compose-list':
        path = 'docker-compose.yml';
        text = `services:\n  api:\n    environment:\n${pairs.map(([k, v]) => `      - ${k}=${v}`).join('\n')}\n`;
        break;
      case 'json':
        path = 'appsettings.json';
        text = JSON.stringify(Object.fromEntries(pairs), null, 2) + '\n';
        break;
      default:
        path = 'application.properties';
        text = `# app\n${pairs.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
    }
    return { path, text: c.crlf ? text.replace(/\n/g, '\r\n') : text };
  }

  it('YAML, Kubernetes Secret, compose (map and list), JSON, .properties: only the value bytes change', () => {
    const planned = new Map<string, number>();
    assertProperty(
      'config rotation',
      configArb,
      (c) => {
        const { path, text } = renderConfig(c);
        const src = parseSource(path, text);
        for (const scheme of ['immediate', undefined] as const) {
          const plan = planRotation({ source: src, key: 'JWT_SECRET', fingerprint: fp, scheme, createSlot: scheme === undefined ? 'previous' : undefined });
          if (!plan.ok) {
            // Slot lines cannot be added to every format; a clear refusal is fine, a value in it is not.
            assert.ok(!plan.reason.includes(c.current), 'a value-free refusal');
            continue;
          }
          planned.set(c.format, (planned.get(c.format) ?? 0) + 1);
          const family = src.entries.filter((e) => e.key === 'JWT_SECRET' || e.key === 'JWT_SECRET_PREVIOUS');
          for (const e of plan.edits) {
            const inValue = family.some((x) => {
              const q = x.quote === 'none' ? 0 : 1;
              return e.start >= x.valueStart - q && e.end <= x.valueEnd + q;
            });
            const inserted = e.start === e.end && c.format === 'properties';
            assert.ok(inValue || inserted, `${c.format}/${plan.scheme}: an edit outside the family's values`);
            assert.ok(!/[\r\n]/.test(e.newText) || inserted, `${c.format}: no line break inside a value`);
          }
          const after = applyEdits(text, plan.edits);
          const a = parseSource(path, after);
          assert.equal(errorCount(a), errorCount(src), `${c.format}: no new parse error`);
          const others = (s: ParsedSource) => entryList(s).filter(([k]) => !k.endsWith('JWT_SECRET') && !k.endsWith('JWT_SECRET_PREVIOUS'));
          assert.deepEqual(others(a), others(src), `${c.format}: every other entry keeps its value`);
          const now = a.entries.find((e) => e.key.endsWith('JWT_SECRET'))!.value;
          assert.ok(now !== c.current && now.length >= 32, `${c.format}: a fresh value`);
          if (plan.scheme === 'previous') {
            assert.equal(a.entries.find((e) => e.key.endsWith('JWT_SECRET_PREVIOUS'))?.value, c.current, `${c.format}: the old value moved to the previous slot`);
          }
        }
      },
      (c) => `${c.format} previous:${c.previous !== undefined} extra:${c.extra.length} crlf:${c.crlf}`,
    );
    for (const format of ['yaml', 'k8s', 'compose', 'compose-list', 'json', 'properties']) assert.ok((planned.get(format) ?? 0) > 0, `no rotation was planned in ${format}`);
  });
});

// ---------------------------------------------------------------------------------------------
// The journal

describe('hardening: the journal insertion keeps every byte before and after it', function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  const entry = renderJournalEntry({ key: 'JWT_SECRET', date: '2026-05-03', trigger: 'scheduled', cadenceDays: 90, overlapDays: 7, files: ['.env'], oldFingerprint: 'fp:a', newFingerprint: 'fp:b' });
  const mdLine = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.constantFrom('## 2026-05-03', '## 2026-05-03 ', '##2026-05-03', '## 2026-04-01', '## 2027-01-01', '# Log', '### A rotation [done 2026-05-03]', '### B rotation [done 2020-01-01]', '```', '~~~', '    ## 2026-05-03', '<!-- x -->', '---', '\t', ' ', '\u2028', '\ufeff## 2026-01-01'),
  );
  const journalArb = fc.tuple(fc.array(mdLine, { maxLength: 20 }), fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 3 }), fc.boolean());

  it('any journal: one pure insertion at a line boundary; the text before and after it is unchanged', () => {
    assertProperty(
      'journal insertion',
      journalArb,
      ([lines, eols, final]) => {
        const old = lines.map((l, i) => l + (i < lines.length - 1 || final ? eols[i % eols.length] : '')).join('');
        const r = insertJournalEntry(old, entry, '2026-05-03');
        if (r.created) {
          assert.equal(old.trim(), '', 'a journal is only created in place of an empty one');
          return;
        }
        assert.equal(r.edit.start, r.edit.end, 'a pure insertion');
        assert.equal(r.text, old.slice(0, r.edit.start) + r.edit.newText + old.slice(r.edit.start), 'text = before + entry + after');
        assert.ok(isLineBoundary(old, r.edit.start) || /^\r?\n/.test(r.edit.newText), 'inserted at a line boundary');
        assert.ok(parseJournal(r.text).rotations.length >= parseJournal(old).rotations.length, 'no record lost');
      },
      ([lines]) => skeleton(lines.join('|')),
    );
  });
});

describe('hardening: a rotation never replaces a key pair half with random bytes', function () {
  it('a PEM private key (or any *PRIVATE* key) is refused with a reason, in every scheme, and the file is untouched', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
    const files = [
      `PRIVATE_KEY="${pem}"\n`,
      `JWT_PRIVATE_KEY=3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8\nJWT_PRIVATE_KEY_PREVIOUS=\n`,
      `SIGNING_KEY="${pem}"\n`,
    ];
    for (const text of files) {
      const src = parseSource('.env', text);
      const key = src.entries[0].key;
      for (const scheme of [undefined, 'immediate', 'previous'] as const) {
        const plan = planRotation({ source: src, key, fingerprint: fp, scheme, createSlot: 'previous' });
        assert.equal(plan.ok, false, `${key} (${scheme ?? 'detected'}): refused`);
        if (!plan.ok) {
          assert.match(plan.reason, /key pair/, `${key}: the reason says why`);
          assert.ok(!plan.reason.includes('MIIE'), 'the reason quotes no value');
        }
      }
    }
  });
});
