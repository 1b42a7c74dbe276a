/**
 * A minimal LSP client for tests: starts the BUNDLED server (dist/server/server.js) as a child
 * process over stdio and talks JSON-RPC to it. It answers the server's requests
 * (`workspace/configuration`, `client/registerCapability`, `window/workDoneProgress/create`,
 * `workspace/applyEdit`, `window/showDocument`, `window/showMessageRequest`) and records every
 * notification, so tests wait for events (promises resolved by a notification) instead of sleeping.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ClientCapabilities, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import type { Diagnostic, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { LineIndex, applyEdits } from '../../server/src/core/text';

export const SERVER_JS = join(__dirname, '..', '..', '..', 'dist', 'server', 'server.js');
/** The standalone entry other editors run (`secret-hygiene-language-server --stdio`). */
export const SERVER_BIN = join(__dirname, '..', '..', '..', 'bin', 'secret-hygiene-language-server.js');

/** How long a test waits for an event before failing (a safety net, never an assertion on speed). */
export const EVENT_TIMEOUT_MS = Number(process.env.LSP_EVENT_TIMEOUT_MS ?? 15_000);

export function fileUri(p: string): string {
  return pathToFileURL(p).href;
}

/** A temporary workspace folder with the given files (paths relative to the folder). */
export function makeWorkspace(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sh-lsp-')));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}

export function removeWorkspace(root: string): void {
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
}

interface Waiter {
  uri: string;
  pred: (p: PublishDiagnosticsParams) => boolean;
  resolve: (p: PublishDiagnosticsParams) => void;
}

export interface StartOptions {
  folders: { path: string; name?: string }[];
  /** Settings per folder path (the `secretHygiene` section); `*` for every scope. */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** Answer to `window/showMessageRequest` (title of the action to pick). */
  messageChoice?: (message: string, actions: string[]) => string | undefined;
  /** The script to run (default: the bundled server) and its transport. */
  entry?: string;
  transport?: 'stdio' | 'node-ipc';
  /** Node flags for the server process (stdio only), e.g. the VS Code client's `SERVER_NODE_ARGS`. */
  nodeArgs?: readonly string[];
}

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    codeLens: { refreshSupport: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] } },
      resolveSupport: { properties: ['edit'] },
      dataSupport: true,
      isPreferredSupport: true,
    },
    codeLens: {},
  },
  window: { workDoneProgress: true, showDocument: { support: true } },
};

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  private logWaiters: ((message: string) => boolean)[] = [];
  readonly progress: { token: unknown; value: { kind: string; title?: string; message?: string } }[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  readonly applied: WorkspaceEdit[] = [];
  readonly shownDocuments: string[] = [];
  readonly messages: string[] = [];
  readonly protocolErrors: string[] = [];
  readonly stderr: string[] = [];
  readonly configurationRequests: unknown[] = [];
  /** Every raw notification/request the server sent, for "no value anywhere" checks. */
  readonly wire: string[] = [];
  settings: Record<string, unknown>;
  /** Documents opened by the test: uri -> { version, text }. */
  readonly docs = new Map<string, { version: number; text: string; languageId: string }>();
  private waiters: Waiter[] = [];
  private exitWaiters: ((code: number | null) => void)[] = [];
  private lensRefreshWaiters: (() => void)[] = [];
  exitCode: number | null | undefined;
  init!: InitializeResult;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    private readonly options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
  }

  static async start(options: StartOptions): Promise<TestClient> {
    const entry = options.entry ?? SERVER_JS;
    let proc: ChildProcess;
    let conn: MessageConnection;
    if (options.transport === 'node-ipc') {
      // A Node client forking the server with an IPC channel and --node-ipc (VS Code uses --stdio).
      proc = fork(entry, ['--node-ipc'], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
      conn = createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc));
    } else {
      proc = spawn(process.execPath, [...(options.nodeArgs ?? []), entry, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    }
    const client = new TestClient(proc, conn, options);
    client.wireUp();
    conn.listen();
    const folders = options.folders.map((f) => ({ uri: fileUri(f.path), name: f.name ?? f.path.split(/[\\/]/).pop()! }));
    client.init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folders[0]?.uri ?? null,
      workspaceFolders: folders,
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    })) as InitializeResult;
    await conn.sendNotification('initialized', {});
    return client;
  }

  private wireUp(): void {
    const { conn, proc } = this;
    proc.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString('utf8')));
    proc.on('exit', (code) => {
      this.exitCode = code;
      for (const w of this.exitWaiters) w(code);
      this.exitWaiters = [];
    });
    conn.onError(([e]) => this.protocolErrors.push(String(e?.message ?? e)));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.wire.push(JSON.stringify(p));
      this.diagnostics.set(p.uri, p);
      const still: Waiter[] = [];
      for (const w of this.waiters) {
        if (w.uri === p.uri && w.pred(p)) w.resolve(p);
        else still.push(w);
      }
      this.waiters = still;
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.wire.push(JSON.stringify(p));
      this.logs.push(p.message);
      for (const w of this.logWaiters.splice(0)) if (!w(p.message)) this.logWaiters.push(w);
    });
    conn.onNotification('window/showMessage', (p: { message: string }) => {
      this.wire.push(JSON.stringify(p));
      this.messages.push(p.message);
    });
    conn.onNotification('$/progress', (p: { token: unknown; value: { kind: string } }) => {
      this.progress.push(p as TestClient['progress'][number]);
    });
    conn.onNotification((method: string, params: unknown) => {
      this.wire.push(JSON.stringify({ method, params }));
    });
    conn.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) => {
      this.configurationRequests.push(p);
      return p.items.map((item) => {
        for (const [path, s] of Object.entries(this.settings)) if (path !== '*' && item.scopeUri === fileUri(path)) return s;
        return this.settings['*'] ?? null;
      });
    });
    conn.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => {
      const waiters = this.lensRefreshWaiters;
      this.lensRefreshWaiters = [];
      for (const w of waiters) w();
      return null;
    });
    conn.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }) => {
      this.wire.push('applyEdit');
      this.applied.push(p.edit);
      return { applied: true };
    });
    conn.onRequest('window/showDocument', (p: { uri: string }) => {
      this.shownDocuments.push(p.uri);
      return { success: true };
    });
    conn.onRequest('window/showMessageRequest', (p: { message: string; actions?: { title: string }[] }) => {
      this.wire.push(JSON.stringify({ method: 'window/showMessageRequest', message: p.message }));
      this.messages.push(p.message);
      const titles = (p.actions ?? []).map((a) => a.title);
      const pick = this.options.messageChoice?.(p.message, titles);
      return pick ? { title: pick } : null;
    });
  }

  /** Resolves with the next (or current) diagnostics of `uri` that satisfy `pred`. */
  waitForDiagnostics(uri: string, pred: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean = () => true, what = 'diagnostics'): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (current && pred(current.diagnostics, current)) return Promise.resolve(current.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const last = this.diagnostics.get(uri);
        reject(new Error(`timed out waiting for ${what} of ${uri}; last published codes: ${JSON.stringify(last?.diagnostics.map((d: Diagnostic) => d.code))}; server log tail: ${JSON.stringify(this.logs.slice(-5))}`));
      }, EVENT_TIMEOUT_MS);
      const waiter: Waiter = {
        uri,
        pred: (p) => pred(p.diagnostics, p),
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p.diagnostics);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves with the first log message (already received or to come) that matches `re`. */
  waitForLog(re: RegExp): Promise<string> {
    const seen = this.logs.find((m) => re.test(m));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a log message matching ${re}; server log tail: ${JSON.stringify(this.logs.slice(-5))}`)), EVENT_TIMEOUT_MS);
      this.logWaiters.push((m) => {
        if (!re.test(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      });
    });
  }

  /** Resolves when the server next asks the client to refresh code lenses (it does after applying settings). */
  nextCodeLensRefresh(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for workspace/codeLens/refresh')), EVENT_TIMEOUT_MS);
      this.lensRefreshWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Resolves with the next diagnostics published for `uri` (not the current ones). */
  nextDiagnostics(uri: string): Promise<Diagnostic[]> {
    const seen = this.diagnostics.get(uri);
    return this.waitForDiagnostics(uri, (_d, p) => p !== seen, 'the next diagnostics');
  }

  /** Waits for the diagnostics of a document version (the server echoes the version it analyzed). */
  waitForVersion(uri: string, version: number, pred: (d: Diagnostic[]) => boolean = () => true): Promise<Diagnostic[]> {
    return this.waitForDiagnostics(uri, (d, p) => p.version === version && pred(d), `diagnostics of version ${version}`);
  }

  async open(uri: string, text: string, languageId = 'dotenv'): Promise<void> {
    this.docs.set(uri, { version: 1, text, languageId });
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text of an open document; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const doc = this.docs.get(uri);
    if (!doc) throw new Error('document not open');
    doc.version++;
    doc.text = text;
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ text }] });
    return doc.version;
  }

  async close(uri: string): Promise<void> {
    this.docs.delete(uri);
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async setSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }

  async fileEvents(changes: { path: string; type: 1 | 2 | 3 }[]): Promise<void> {
    await this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: fileUri(c.path), type: c.type })) });
  }

  /** shutdown + exit; resolves with the process exit code. */
  async shutdown(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    const exited = new Promise<number | null>((resolve) => this.exitWaiters.push(resolve));
    await this.conn.sendRequest('shutdown');
    await this.conn.sendNotification('exit');
    const code = await exited;
    this.conn.dispose();
    return code;
  }

  kill(): void {
    if (this.exitCode === undefined) this.proc.kill();
    this.conn.dispose();
  }
}

/**
 * Applies a WorkspaceEdit to texts (by URI): what a client does. Files not in `texts` are read
 * from disk; created files start empty. Returns the new texts of the touched URIs.
 */
export function applyWorkspaceEdit(edit: WorkspaceEdit, texts: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const textOf = (uri: string): string => {
    if (uri in out) return out[uri];
    if (uri in texts) return texts[uri];
    const p = new URL(uri).pathname;
    return existsSync(decodeURIComponent(p)) ? readFileSync(decodeURIComponent(p), 'utf8') : '';
  };
  const apply = (uri: string, edits: TextEdit[]) => {
    const text = textOf(uri);
    const lines = new LineIndex(text);
    out[uri] = applyEdits(
      text,
      edits.map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText })),
    );
  };
  if (edit.documentChanges) {
    for (const ch of edit.documentChanges) {
      if ('kind' in ch) {
        if (ch.kind === 'create') out[ch.uri] = textOf(ch.uri);
        continue;
      }
      apply((ch as TextDocumentEdit).textDocument.uri, (ch as TextDocumentEdit).edits as TextEdit[]);
    }
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) apply(uri, edits);
  return out;
}
