// A small LSP client for the benchmarks: starts the bundled server over stdio, answers the
// server's requests, and turns notifications into awaitable events. Timestamps are taken when a
// message has been parsed, which is when an editor could act on it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-jsonrpc/node');

export const fileUri = (p) => pathToFileURL(p).href;

/** What a plain editor declares: push diagnostics with versions, progress, configuration. */
const CAPABILITIES = {
  workspace: { configuration: true, workspaceFolders: true },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
  },
  window: { workDoneProgress: true },
};

export class LspClient {
  /** @param {{ serverJs: string, folders: string[], nodeArgs?: string[], settings?: object }} opts (settings: what `workspace/configuration` answers; defaults when absent) */
  constructor(opts) {
    this.opts = opts;
    this.diagnostics = new Map(); // uri -> { version, count, at }
    this.listeners = new Set();
    this.progress = new Map(); // token -> { begin, end }
    this.publishCount = 0;
    this.lastPublishAt = 0;
  }

  async start() {
    const { serverJs, folders, nodeArgs = [] } = this.opts;
    this.startedAt = performance.now();
    this.child = spawn(process.execPath, [...nodeArgs, serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // The server logs to the client, not stderr: drained, or passed on with BENCH_SERVER_STDERR=1
    // (for what a preload writes there, e.g. bench/lib/gc-log.cjs).
    const passOn = process.env.BENCH_SERVER_STDERR === '1';
    this.child.stderr.on('data', (d) => passOn && process.stderr.write(d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    const conn = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.conn = conn;
    conn.onRequest('window/workDoneProgress/create', (p) => {
      this.progress.set(p.token, {});
      return null;
    });
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('workspace/configuration', (p) => p.items.map(() => this.opts.settings ?? {}));
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    conn.onRequest('window/showMessageRequest', () => null);
    conn.onNotification('$/progress', (p) => {
      const at = performance.now();
      const st = this.progress.get(p.token) ?? {};
      if (p.value?.kind === 'begin') st.begin = at;
      if (p.value?.kind === 'end') st.end = at;
      this.progress.set(p.token, st);
      this.emit({ type: 'progress', token: p.token, kind: p.value?.kind, at });
    });
    conn.onNotification('textDocument/publishDiagnostics', (p) => {
      const at = performance.now();
      this.publishCount++;
      this.lastPublishAt = at;
      this.diagnostics.set(p.uri, { version: p.version, count: p.diagnostics.length, at });
      this.emit({ type: 'diagnostics', uri: p.uri, version: p.version, count: p.diagnostics.length, at });
    });
    conn.onNotification(() => {}); // logs, status, telemetry
    conn.listen();
    this.initializeSentAt = performance.now();
    this.initializeResult = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: fileUri(folders[0]),
      capabilities: CAPABILITIES,
      workspaceFolders: folders.map((f, i) => ({ uri: fileUri(f), name: `folder${i}` })),
      initializationOptions: {},
    });
    this.initializedAt = performance.now();
    conn.sendNotification('initialized', {});
    return this.initializeResult;
  }

  emit(ev) {
    for (const l of [...this.listeners]) l(ev);
  }

  /** Resolves with the first event the predicate accepts (checked from now on). */
  waitFor(pred, timeoutMs = 120_000, what = 'event') {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const l = (ev) => {
        if (!pred(ev)) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(ev);
      };
      this.listeners.add(l);
    });
  }

  /** Answered after everything the server queued before it (a round trip through its message loop). */
  async probe() {
    try {
      await this.conn.sendRequest('$/secretHygieneBench/probe', {});
    } catch {
      // MethodNotFound is the expected answer: what matters is when it arrives
    }
    return performance.now();
  }

  didOpen(path, text, languageId = 'dotenv') {
    const uri = fileUri(path);
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  didChange(uri, version, contentChanges) {
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  /**
   * CPU time the server process has used so far, in ms, from /proc (Linux; undefined elsewhere):
   * `main` its main thread (where the engine runs), `all` every thread (with the collector's helpers).
   * Steadier than wall time on a shared VM.
   */
  cpuMs() {
    const ticks = (file) => {
      const f = readFileSync(file, 'utf8');
      const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
      // utime and stime, fields 14 and 15 of stat (11 and 12 after the name), in clock ticks of 10 ms.
      return (Number(fields[11]) + Number(fields[12])) * 10;
    };
    try {
      return { main: ticks(`/proc/${this.child.pid}/task/${this.child.pid}/stat`), all: ticks(`/proc/${this.child.pid}/stat`) };
    } catch {
      return undefined;
    }
  }

  /** VmRSS of the server process, from /proc (Linux); undefined elsewhere. */
  rssMB() {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop() {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
    this.conn.dispose();
  }
}
