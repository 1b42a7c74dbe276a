import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type Diagnostic,
  type FileEvent,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer } from '../core/analyzer';
import { CONFIG_FILE_NAMES, DEFAULT_CONFIG, type ProjectConfig } from '../core/config';
import { ObjectMemo } from '../core/object-memo';
import type { Finding } from '../core/types';
import { CONFIG_GLOBS, ENV_GLOBS, createFileSelector } from '../core/files';
import { loadProjectConfig, readRegularText, readWorkspaceFile, walkWorkspace } from '../node/workspace';
import {
  CLIENT_ID,
  DIAGNOSTIC_SOURCE,
  GenerateRequest,
  JournalEntryRequest,
  PlanCompletionRequest,
  PlanRotationRequest,
  RotationTargetsRequest,
  SETTINGS_SECTION,
  ServerCommands,
  StatusNotification,
  TrustNotification,
  normalizeSettings,
  type InitializationOptions,
  type NotificationSpec,
  type RequestSpec,
  type Settings,
} from '../protocol';
import { codeActions, resolveCodeAction } from './codeActions';
import { codeLenses } from './codeLens';
import { countFindings, omittedDiagnostic, selectFindings, toDiagnostic } from './diagnostics';
import { FolderState, pathToUri, uriToPath } from './folder';
import { hover } from './hover';
import { releaseMemory } from './memory';
import { describeError, guard, type Logger } from './log';
import { executeCommand } from './commands';
import { handleGenerate, handleJournalEntry, handlePlanCompletion, handlePlanRotation, handleRotationTargets } from './requests';

/** A file the server knows: its folder and workspace-relative path. */
export interface Resolved {
  folder: FolderState;
  rel: string;
}

/** What the client can do, read once from `initialize`. */
export interface ClientFeatures {
  configuration: boolean;
  workspaceFolders: boolean;
  watchedFilesDynamic: boolean;
  configurationDynamic: boolean;
  documentChanges: boolean;
  createFiles: boolean;
  codeActionLiteral: boolean;
  codeActionResolveEdit: boolean;
  codeLensRefresh: boolean;
  showDocument: boolean;
  relatedInformation: boolean;
  vscode: boolean;
}

const READ_BATCH = 64;
/** Time spent computing and sending diagnostics before the server yields to pending messages. */
const PUBLISH_SLICE_MS = 20;
/** Start-up bursts of at least this many files end with two full collections (see memory.ts); a small folder's garbage is not worth the pauses. */
const RELEASE_AFTER_FILES = 500;

/**
 * The Secret Hygiene language server: one analyzer per workspace folder, fed by the workspace
 * walk at start-up, file-watcher events and open documents (which override the disk text).
 */
export class SecretHygieneServer {
  readonly documents = new TextDocuments(TextDocument);
  readonly folders = new Map<string, FolderState>();
  readonly log: Logger;
  features!: ClientFeatures;
  trusted = true;
  private readonly hashKey = randomBytes(32);
  private globalSettings: unknown = undefined;
  private pending = new Map<FolderState, Set<string>>();
  private flushScheduled = false;
  private shuttingDown = false;
  /** Absolute path -> the URI string the client used for an open document. */
  private readonly openUris = new Map<string, string>();
  /** Changes when `openUris` does: a diagnostic made before may name an open file by another URI. */
  private uriGeneration = 0;

  constructor(readonly connection: Connection) {
    this.log = {
      info: (m) => connection.console.info(m),
      warn: (m) => connection.console.warn(m),
      error: (m) => connection.console.error(m),
    };
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(guard(this.log, 'initialized', undefined, () => this.initialized()));
    c.onDidChangeConfiguration(guard(this.log, 'didChangeConfiguration', undefined, (p) => this.configurationChanged(p.settings)));
    c.onDidChangeWatchedFiles(guard(this.log, 'didChangeWatchedFiles', undefined, (p) => this.watchedFilesChanged(p.changes)));
    c.onHover(guard(this.log, 'hover', null, (p) => hover(this, p)));
    c.onCodeAction(guard(this.log, 'codeAction', [], (p) => codeActions(this, p)));
    c.onCodeActionResolve(async (a) => {
      try {
        return (await resolveCodeAction(this, a)) ?? a;
      } catch (e) {
        this.log.error(`codeAction/resolve failed: ${describeError(e)}`);
        return a;
      }
    });
    c.onCodeLens(guard(this.log, 'codeLens', [], (p) => codeLenses(this, p)));
    c.onExecuteCommand(guard(this.log, 'executeCommand', null, (p) => executeCommand(this, p)));
    this.onRequest(RotationTargetsRequest, { targets: [] }, (p) => handleRotationTargets(this, p));
    this.onRequest(PlanRotationRequest, { ok: false, reason: 'The rotation could not be planned (see the Secret Hygiene output)' }, (p) => handlePlanRotation(this, p));
    this.onRequest(PlanCompletionRequest, { ok: false, reason: 'The completion could not be planned (see the Secret Hygiene output)' }, (p) => handlePlanCompletion(this, p));
    this.onRequest(GenerateRequest, { ok: false, reason: 'No secret could be generated here (see the Secret Hygiene output)' }, (p) => handleGenerate(this, p));
    this.onRequest(JournalEntryRequest, { ok: false, reason: 'The journal entry could not be written (see the Secret Hygiene output)' }, (p) => handleJournalEntry(this, p));
    c.onNotification(TrustNotification.method, guard(this.log, 'trust', undefined, (p: { trusted: boolean }) => {
      this.trusted = p?.trusted !== false;
    }));
    this.documents.onDidChangeContent(guard(this.log, 'didChange', undefined, (e) => this.documentChanged(e.document)));
    this.documents.onDidClose(guard(this.log, 'didClose', undefined, (e) => this.documentClosed(e.document)));
    c.onShutdown(() => {
      this.shuttingDown = true;
    });
    this.documents.listen(c);
    c.listen();
  }

  /** Registers a typed custom request whose handler never throws to the client. */
  private onRequest<P, R>(spec: RequestSpec<P, R>, empty: R, fn: (p: P) => R | Promise<R>): void {
    const handler = guard(this.log, spec.method, empty, (p: P) => fn(p));
    this.connection.onRequest(spec.method, handler as (p: unknown) => Promise<unknown>);
  }

  sendNotification<P>(spec: NotificationSpec<P>, params: P): void {
    void this.connection.sendNotification(spec.method, params).catch(() => undefined);
  }

  // ---- lifecycle ----

  private initialize(params: InitializeParams): InitializeResult {
    const caps: ClientCapabilities = params.capabilities;
    const opts = (params.initializationOptions ?? {}) as InitializationOptions;
    const resolveProps = caps.textDocument?.codeAction?.resolveSupport?.properties ?? [];
    this.features = {
      configuration: caps.workspace?.configuration === true,
      workspaceFolders: caps.workspace?.workspaceFolders === true,
      watchedFilesDynamic: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      configurationDynamic: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      createFiles: (caps.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create'),
      codeActionLiteral: caps.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
      codeActionResolveEdit: resolveProps.includes('edit'),
      codeLensRefresh: caps.workspace?.codeLens?.refreshSupport === true,
      showDocument: caps.window?.showDocument?.support === true,
      relatedInformation: caps.textDocument?.publishDiagnostics?.relatedInformation !== false,
      vscode: opts.client === 'vscode',
    };
    this.trusted = opts.trusted !== false;
    this.globalSettings = opts.settings;
    const folders: WorkspaceFolder[] = params.workspaceFolders ?? [];
    if (folders.length === 0 && params.rootUri) folders.push({ uri: params.rootUri, name: path.basename(uriToPath(params.rootUri) ?? 'workspace') });
    for (const f of folders) this.addFolder(f, false);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite],
          resolveProvider: true,
        },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(ServerCommands) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'secret-hygiene-language-server', version: '0.1.0' },
    };
  }

  private async initialized(): Promise<void> {
    // Index first: requests may arrive while the registrations below are on their way.
    for (const folder of this.folders.values()) this.startIndex(folder);
    if (this.features.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        guard(this.log, 'didChangeWorkspaceFolders', undefined, async (e) => {
          for (const f of e.removed) await this.removeFolder(f.uri);
          for (const f of e.added) this.addFolder(f);
        }),
      );
    }
    if (this.features.configurationDynamic) {
      await this.connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (this.features.watchedFilesDynamic) {
      const globs = [...ENV_GLOBS, ...CONFIG_GLOBS, '**/.gitignore', ...CONFIG_FILE_NAMES.map((n) => `**/${n}`), '**/*.{md,markdown,txt}'];
      await this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          ...globs.map((globPattern) => ({ globPattern, kind: WatchKind.Change })),
          // Creations and deletions of anything: a folder moved in or deleted carries env files with it.
          { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
        ],
      });
    } else {
      this.log.info('The client cannot watch files for the server: changes on disk are picked up when files are opened or saved.');
    }
  }

  private addFolder(f: WorkspaceFolder, index = true): void {
    const root = uriToPath(f.uri);
    if (!root) {
      this.log.warn(`Workspace folder ${f.name} is not on the local file system; it is skipped.`);
      return;
    }
    if (this.folders.has(f.uri)) return;
    const folder = new FolderState(f.uri, path.resolve(root), f.name, false, this.hashKey);
    this.folders.set(f.uri, folder);
    if (index) this.startIndex(folder);
  }

  private async removeFolder(uri: string): Promise<void> {
    const folder = this.folders.get(uri);
    if (!folder) return;
    this.folders.delete(uri);
    folder.generation++;
    folder.burst?.progress.done();
    folder.burst = undefined;
    for (const rel of folder.published.keys()) void this.connection.sendDiagnostics({ uri: this.uriOf(folder, rel), diagnostics: [] });
    folder.published.clear();
    this.sendStatus();
  }

  // ---- resolving documents to folders ----

  /** The folder and relative path of a URI: the innermost workspace folder, else a loose folder. */
  resolve(uri: string, createLoose = false): Resolved | undefined {
    const abs = uriToPath(uri);
    if (!abs) return undefined;
    let best: FolderState | undefined;
    let bestRel: string | undefined;
    for (const f of this.folders.values()) {
      if (f.loose) continue;
      const rel = f.rel(abs);
      if (rel !== undefined && rel !== '' && (!best || f.root.length > best.root.length)) {
        best = f;
        bestRel = rel;
      }
    }
    if (best && bestRel !== undefined) return { folder: best, rel: bestRel };
    const dir = path.dirname(abs);
    const looseKey = 'loose:' + dir;
    let loose = this.folders.get(looseKey);
    if (!loose) {
      if (!createLoose) return undefined;
      loose = new FolderState(pathToUri(dir), dir, path.basename(dir), true, this.hashKey);
      this.folders.set(looseKey, loose);
      loose.ready = this.loadConfig(loose).then(() => undefined, (e) => this.log.error(`config of ${loose!.name}: ${describeError(e)}`));
    }
    return { folder: loose, rel: path.basename(abs) };
  }

  /** The URI to publish for a file: the open document's own URI string when it is open. */
  uriOf(folder: FolderState, rel: string): string {
    return (this.openUris.size > 0 ? this.openUris.get(folder.abs(rel)) : undefined) ?? folder.fileUri(rel);
  }

  documentOf(folder: FolderState, rel: string): TextDocument | undefined {
    if (this.openUris.size === 0) return undefined;
    const uri = this.openUris.get(folder.abs(rel));
    return uri ? this.documents.get(uri) : undefined;
  }

  /** Is this document one the engine reads? (Selector globs, or the user gave it the dotenv language.) */
  private wants(folder: FolderState, rel: string, doc?: TextDocument): boolean {
    return folder.selector.matches(rel) || doc?.languageId === 'dotenv';
  }

  // ---- settings and config ----

  async settingsFor(scopeUri: string): Promise<Settings> {
    if (this.features?.configuration) {
      try {
        return normalizeSettings(await this.connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION }));
      } catch (e) {
        this.log.warn(`workspace/configuration failed: ${describeError(e)}`);
      }
    }
    const g = this.globalSettings as Record<string, unknown> | undefined;
    return normalizeSettings(g && typeof g === 'object' && SETTINGS_SECTION in g ? g[SETTINGS_SECTION] : g);
  }

  /** Reads the project config and the folder's settings; returns true when the file set may change. */
  private async loadConfig(folder: FolderState): Promise<boolean> {
    const before = folder.config;
    const project = folder.loose ? { config: DEFAULT_CONFIG, problems: [], file: undefined } : await loadProjectConfig(folder.root);
    const settings = await this.settingsFor(folder.uri);
    const merged = folder.mergeConfig(project.config, settings);
    const oldConfigFile = folder.configFile;
    folder.settings = settings;
    folder.config = merged.config;
    folder.configFile = project.file;
    folder.configProblems = [...project.problems, ...merged.problems];
    folder.selector = createFileSelector(merged.config);
    this.publishConfigProblems(folder, oldConfigFile);
    return fileSetChanged(before, merged.config);
  }

  private publishConfigProblems(folder: FolderState, oldFile?: string): void {
    if (oldFile && oldFile !== folder.configFile) void this.connection.sendDiagnostics({ uri: this.uriOf(folder, oldFile), diagnostics: [] });
    if (!folder.configFile) return;
    void this.connection.sendDiagnostics({
      uri: this.uriOf(folder, folder.configFile),
      diagnostics: folder.configProblems.map((p) => ({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 2,
        source: DIAGNOSTIC_SOURCE,
        code: 'config',
        message: `Secret Hygiene configuration: ${p.message}`,
      })),
    });
  }

  private async configurationChanged(settings: unknown): Promise<void> {
    if (settings !== undefined && settings !== null) this.globalSettings = settings;
    for (const folder of [...this.folders.values()]) {
      await folder.ready;
      const wasEnabled = folder.settings.enable;
      const wasMax = folder.settings.maxDiagnosticsPerFile;
      const fileSetChange = await this.loadConfig(folder);
      if (fileSetChange) {
        this.startIndex(folder);
        continue;
      }
      const affected = folder.analyzer.setConfig(folder.config);
      if (wasEnabled !== folder.settings.enable || wasMax !== folder.settings.maxDiagnosticsPerFile) for (const p of folder.published.keys()) affected.add(p);
      this.schedulePublish(folder, affected);
    }
    this.refreshCodeLenses();
  }

  refreshCodeLenses(): void {
    if (this.features?.codeLensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  // ---- indexing ----

  startIndex(folder: FolderState): void {
    folder.ready = this.index(folder).catch((e) => this.log.error(`indexing ${folder.name} failed: ${describeError(e)}`));
  }

  private async index(folder: FolderState): Promise<void> {
    const gen = ++folder.generation;
    folder.indexing = true;
    const progress = await this.connection.window.createWorkDoneProgress();
    progress.begin('Secret Hygiene', 0, `Indexing ${folder.name}`, false);
    try {
      await this.loadConfig(folder);
      if (gen !== folder.generation) return;
      const analyzer = new Analyzer({ config: folder.config, hashKey: this.hashKey });
      const walk = folder.loose ? { files: [] as string[], gitignores: [] as string[], journal: undefined, skipped: [] } : await walkWorkspace(folder.root, folder.config, folder.selector);
      if (gen !== folder.generation) return;
      for (const s of walk.skipped) this.log.info(`${folder.name}: skipped ${s.path}: ${s.reason}`);
      const gitignoreDirs = new Set<string>();
      for (const gi of walk.gitignores) {
        const text = await readText(folder.abs(gi));
        const dir = gitignoreDir(gi);
        if (text !== undefined) {
          analyzer.setGitignore(dir, text);
          gitignoreDirs.add(dir);
        }
      }
      if (!folder.loose) {
        const journal = await readText(folder.abs(folder.config.journal));
        if (journal !== undefined) analyzer.setJournal(journal);
      }
      const files = walk.files;
      const posix = process.platform !== 'win32';
      for (let i = 0; i < files.length; i += READ_BATCH) {
        const batch = files.slice(i, i + READ_BATCH);
        const read = await Promise.all(batch.map((rel) => readWorkspaceFile(folder.abs(rel), folder.config.maxFileBytes)));
        if (gen !== folder.generation || this.shuttingDown) return;
        // One analyzer update per batch: loading file by file re-derives workspace facts per file.
        analyzer.setFiles(
          batch.map((rel, k) => {
            const doc = this.documentOf(folder, rel);
            const r = read[k];
            folder.modes.set(rel, r.mode);
            if (doc) {
              folder.analyzedVersions.set(rel, doc.version);
              return { path: rel, text: doc.getText(), meta: { mode: r.mode, posix } };
            }
            return { path: rel, text: r.text, unreadable: r.unreadable, meta: { mode: r.mode, posix } };
          }),
        );
        if (files.length > READ_BATCH) progress.report(Math.round(((i + batch.length) / files.length) * 100), `${i + batch.length}/${files.length} files`);
      }
      // Open documents the walk did not list (new, unsaved, or given the dotenv language by hand).
      for (const doc of this.documents.all()) {
        const r = this.resolve(doc.uri);
        if (!r || r.folder !== folder || analyzer.has(r.rel) || !this.wants(folder, r.rel, doc)) continue;
        const mode = await statMode(folder.abs(r.rel));
        folder.modes.set(r.rel, mode);
        folder.analyzedVersions.set(r.rel, doc.version);
        analyzer.setFile({ path: r.rel, text: doc.getText(), meta: { mode, posix } });
      }
      if (gen !== folder.generation) return;
      // The findings are computed as they are published, after the files are read: most of a
      // start-up's time. A second progress covers it, so the user (and a benchmark) sees when the
      // last diagnostics of the burst are out.
      const checking = await this.connection.window.createWorkDoneProgress();
      if (gen !== folder.generation) {
        checking.done();
        return;
      }
      folder.analyzer = analyzer;
      folder.gitignoreDirs = gitignoreDirs;
      folder.diskGeneration++;
      folder.indexing = false;
      const all = new Set([...analyzer.paths(), ...folder.published.keys()]);
      const dirty = [...folder.dirty];
      folder.dirty.clear();
      for (const rel of dirty) for (const p of await this.refreshPath(folder, rel)) all.add(p);
      this.log.info(`${folder.name}: indexed ${analyzer.paths().length} files`);
      this.schedulePublish(folder, all);
      this.startBurst(folder, checking, all.size);
      this.refreshCodeLenses();
    } finally {
      if (gen === folder.generation) folder.indexing = false;
      progress.done();
    }
  }

  /**
   * Re-reads one path into the analyzer: the open document's text if it is open, else the disk.
   * Handles the special files (.gitignore, journal, project config). Returns the affected paths.
   */
  async refreshPath(folder: FolderState, rel: string): Promise<Set<string>> {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (!folder.loose && CONFIG_FILE_NAMES.includes(rel)) {
      this.startIndex(folder);
      return new Set();
    }
    if (base === '.gitignore') {
      const dir = gitignoreDir(rel);
      const text = await readText(folder.abs(rel));
      if (text === undefined) folder.gitignoreDirs.delete(dir);
      else folder.gitignoreDirs.add(dir);
      return folder.analyzer.setGitignore(dir, text);
    }
    const affected = new Set<string>();
    if (!folder.loose && rel === folder.config.journal) {
      for (const p of folder.analyzer.setJournal(await readText(folder.abs(rel)))) affected.add(p);
      this.refreshCodeLenses();
    }
    const doc = this.documentOf(folder, rel);
    const posix = process.platform !== 'win32';
    if (doc && this.wants(folder, rel, doc)) {
      const mode = await statMode(folder.abs(rel));
      folder.modes.set(rel, mode);
      folder.analyzedVersions.set(rel, doc.version);
      for (const p of folder.analyzer.setFile({ path: rel, text: doc.getText(), meta: { mode, posix } })) affected.add(p);
      return affected;
    }
    if (!folder.selector.matches(rel)) {
      if (folder.analyzer.has(rel)) for (const p of folder.analyzer.removeFile(rel)) affected.add(p);
      affected.add(rel);
      return affected;
    }
    const r = await readWorkspaceFile(folder.abs(rel), folder.config.maxFileBytes);
    if (r.unreadable?.startsWith('cannot read (ENOENT') || r.unreadable?.startsWith('cannot read (ENOTDIR')) {
      for (const p of folder.analyzer.removeFile(rel)) affected.add(p);
      affected.add(rel);
      return affected;
    }
    folder.modes.set(rel, r.mode);
    for (const p of folder.analyzer.setFile({ path: rel, text: r.text, unreadable: r.unreadable, meta: { mode: r.mode, posix } })) affected.add(p);
    return affected;
  }

  /** Makes sure an unopened file's analysis matches the disk before planning an edit on it. */
  async freshen(folder: FolderState, rel: string): Promise<void> {
    await folder.ready;
    if (this.documentOf(folder, rel)) return;
    const affected = await this.refreshPath(folder, rel);
    this.schedulePublish(folder, affected);
  }

  // ---- events ----

  private async documentChanged(doc: TextDocument): Promise<void> {
    const abs = uriToPath(doc.uri);
    if (!abs) return;
    if (this.openUris.get(abs) !== doc.uri) this.uriGeneration++;
    this.openUris.set(abs, doc.uri);
    const r = this.resolve(doc.uri, true);
    if (!r) return;
    const { folder, rel } = r;
    await folder.ready.catch(() => undefined);
    if (!this.wants(folder, rel, doc)) return;
    if (!folder.modes.has(rel)) folder.modes.set(rel, await statMode(abs));
    this.ensureCurrent(folder, rel);
  }

  /**
   * Brings an open document's analysis up to its current version, synchronously. Requests call it
   * too, so a plan never works on text older than the version the client sent.
   */
  ensureCurrent(folder: FolderState, rel: string): void {
    const doc = this.documentOf(folder, rel);
    if (!doc || !this.wants(folder, rel, doc)) return;
    if (folder.indexing) {
      folder.dirty.add(rel);
      return;
    }
    if (folder.analyzedVersions.get(rel) === doc.version && folder.analyzer.has(rel)) return;
    folder.analyzedVersions.set(rel, doc.version);
    const affected = folder.analyzer.setFile({ path: rel, text: doc.getText(), meta: { mode: folder.modes.get(rel), posix: process.platform !== 'win32' } });
    this.schedulePublish(folder, affected);
  }

  private async documentClosed(doc: TextDocument): Promise<void> {
    const abs = uriToPath(doc.uri);
    if (!abs) return;
    const r = this.resolve(doc.uri);
    if (this.openUris.delete(abs)) this.uriGeneration++;
    if (!r) return;
    const { folder, rel } = r;
    folder.analyzedVersions.delete(rel);
    await folder.ready.catch(() => undefined);
    if (folder.loose) {
      const affected = folder.analyzer.removeFile(rel);
      affected.add(rel);
      this.publishNow(folder, affected);
      if (folder.analyzer.paths().length === 0) this.folders.delete('loose:' + folder.root);
      return;
    }
    if (folder.indexing) {
      folder.dirty.add(rel);
      return;
    }
    // The unsaved text is gone: back to what is on disk (or nothing, for a file never saved).
    this.schedulePublish(folder, await this.refreshPath(folder, rel));
  }

  private async watchedFilesChanged(changes: FileEvent[]): Promise<void> {
    const rescan = new Set<FolderState>();
    for (const ch of changes) {
      const r = this.resolve(ch.uri);
      if (!r || r.folder.loose) continue;
      const { folder, rel } = r;
      folder.diskGeneration++;
      if (folder.indexing) {
        folder.dirty.add(rel);
        continue;
      }
      if (ch.type === FileChangeType.Deleted) {
        const known = folder.analyzer.has(rel) || rel.endsWith('.gitignore') || rel === folder.config.journal || CONFIG_FILE_NAMES.includes(rel);
        if (known) this.schedulePublish(folder, await this.refreshPath(folder, rel));
        else this.schedulePublish(folder, await this.removeUnder(folder, rel));
        continue;
      }
      if (ch.type === FileChangeType.Created) {
        const st = await fsp.stat(folder.abs(rel)).catch(() => undefined);
        if (st?.isDirectory()) {
          if (!folder.selector.excludesDir(rel)) rescan.add(folder);
          continue;
        }
      }
      const base = rel.slice(rel.lastIndexOf('/') + 1);
      const special = base === '.gitignore' || rel === folder.config.journal || CONFIG_FILE_NAMES.includes(rel);
      if (!special && !folder.selector.matches(rel) && !folder.analyzer.has(rel)) continue;
      this.schedulePublish(folder, await this.refreshPath(folder, rel));
    }
    for (const folder of rescan) await this.rescan(folder);
  }

  /** A deleted folder: drop every file and `.gitignore` under it. */
  private async removeUnder(folder: FolderState, dirRel: string): Promise<Set<string>> {
    const prefix = dirRel + '/';
    const affected = new Set<string>();
    for (const p of folder.analyzer.paths()) {
      if (!p.startsWith(prefix)) continue;
      if (this.documentOf(folder, p)) continue;
      for (const a of folder.analyzer.removeFile(p)) affected.add(a);
      affected.add(p);
    }
    for (const dir of [...folder.gitignoreDirs]) {
      if (dir === dirRel || dir.startsWith(prefix)) {
        folder.gitignoreDirs.delete(dir);
        for (const a of folder.analyzer.setGitignore(dir, undefined)) affected.add(a);
      }
    }
    return affected;
  }

  /** A folder appeared (moved or copied in): add the files the walk finds that are not known yet. */
  private async rescan(folder: FolderState): Promise<void> {
    const walk = await walkWorkspace(folder.root, folder.config, folder.selector);
    const affected = new Set<string>();
    for (const gi of walk.gitignores) {
      const dir = gitignoreDir(gi);
      if (folder.gitignoreDirs.has(dir)) continue;
      for (const p of await this.refreshPath(folder, gi)) affected.add(p);
    }
    for (const rel of walk.files) {
      if (folder.analyzer.has(rel)) continue;
      for (const p of await this.refreshPath(folder, rel)) affected.add(p);
    }
    this.schedulePublish(folder, affected);
  }

  // ---- publishing ----

  schedulePublish(folder: FolderState, paths: Iterable<string>): void {
    let set = this.pending.get(folder);
    if (!set) this.pending.set(folder, (set = new Set()));
    for (const p of paths) set.add(p);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => void this.flush());
  }

  /**
   * Publishes the pending paths in slices of about PUBLISH_SLICE_MS, open documents first, and
   * between slices waits until the slice's notifications are written, then yields to the event
   * loop: requests and edits are served during a 5,000-file start-up burst, and the diagnostics
   * waiting to be written are a slice's worth instead of the whole workspace's.
   */
  private async flush(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const deadline = performance.now() + PUBLISH_SLICE_MS;
        let last: Promise<void> | undefined;
        for (const [folder, set] of this.pending) {
          if (folder.indexing) {
            // Replayed when the index is done.
            for (const p of set) folder.dirty.add(p);
            this.pending.delete(folder);
            continue;
          }
          if (this.openUris.size > 0) {
            for (const abs of this.openUris.keys()) {
              const rel = folder.rel(abs);
              if (rel === undefined || !set.has(rel)) continue;
              set.delete(rel);
              last = this.publishOne(folder, rel) ?? last;
            }
          }
          for (const rel of set) {
            set.delete(rel);
            last = this.publishOne(folder, rel) ?? last;
            if (performance.now() >= deadline) break;
          }
          if (set.size === 0) this.pending.delete(folder);
          if (performance.now() >= deadline) break;
        }
        await last;
        this.reportBursts();
        if (this.pending.size === 0) break;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.sendStatus();
    } catch (e) {
      this.log.error(`publishing diagnostics failed: ${describeError(e)}`);
    } finally {
      this.flushScheduled = false;
      if (this.pending.size > 0) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    }
  }

  /** Begins the progress of a folder's start-up burst of diagnostics (ended by reportBursts). */
  private startBurst(folder: FolderState, progress: WorkDoneProgressServerReporter, total: number): void {
    folder.burst?.progress.done();
    progress.begin('Secret Hygiene', 0, `Checking ${folder.name}`, false);
    folder.burst = { progress, total, percent: 0 };
  }

  /** Reports how far each burst got; ends those with nothing left to publish (called once their notifications are written). */
  private reportBursts(): void {
    for (const folder of this.folders.values()) {
      const burst = folder.burst;
      if (!burst) continue;
      const left = folder.indexing ? 0 : (this.pending.get(folder)?.size ?? 0);
      if (left === 0) {
        burst.progress.done();
        folder.burst = undefined;
        if (burst.total >= RELEASE_AFTER_FILES) {
          // After the flush that wrote the last slice has returned, so that none of its objects are held.
          setImmediate(() => {
            const started = releaseMemory((r) =>
              this.log.info(`${folder.name}: released the start-up burst's memory: V8 heap ${Math.round(r.heapBeforeMB)} -> ${Math.round(r.heapAfterMB)} MB (${Math.round(r.pauseMs)} ms)`),
            );
            if (!started) this.log.info(`${folder.name}: the start-up burst's memory stays with V8 (start the server with node --expose-gc to give it back)`);
          });
        }
        continue;
      }
      const percent = Math.floor(((burst.total - Math.min(left, burst.total)) / Math.max(1, burst.total)) * 100);
      if (percent > burst.percent) {
        burst.percent = percent;
        burst.progress.report(percent, `${burst.total - Math.min(left, burst.total)}/${burst.total} files`);
      }
    }
  }

  private publishNow(folder: FolderState, paths: Iterable<string>): void {
    for (const rel of paths) this.publishOne(folder, rel);
  }

  /** Publishes one file's diagnostics; returns when the notification is written (undefined when none was sent). */
  private publishOne(folder: FolderState, rel: string): Promise<void> | undefined {
    if (this.shuttingDown) return undefined;
    if (!this.folders.has(folder.loose ? 'loose:' + folder.root : folder.uri)) return undefined;
    try {
      const findings = folder.settings.enable && folder.analyzer.has(rel) ? folder.analyzer.findings(rel) : [];
      const doc = this.documentOf(folder, rel);
      if (findings.length === 0 && !folder.published.has(rel) && !doc) return undefined;
      const uriOf = (p: string) => this.uriOf(folder, p);
      const withRelated = this.features.relatedInformation;
      const generation = this.uriGeneration;
      const { shown, omitted } = selectFindings(findings, folder.settings.maxDiagnosticsPerFile);
      const diagnostics = shown.map((f) => {
        // The engine hands out the same Finding while it holds (see Analyzer's `report`): the
        // second time one is published its diagnostic is kept, and made again only when the URI
        // of an open document may differ. (Kept from the first time, the diagnostics of a
        // 5,000-file start-up were 33 MB more of the server's memory, mostly never sent again.)
        const made = diagnosticsMade.get(f);
        if (made !== undefined && typeof made !== 'number' && made.generation === generation && made.withRelated === withRelated) return made.diagnostic;
        const diagnostic = toDiagnostic(f, uriOf, withRelated);
        diagnosticsMade.set(f, made === undefined ? generation : { generation, withRelated, diagnostic });
        return diagnostic;
      });
      if (omitted > 0) diagnostics.push(omittedDiagnostic(findings.length, omitted));
      if (findings.length > 0) folder.published.set(rel, countFindings(findings));
      else folder.published.delete(rel);
      return this.connection.sendDiagnostics({ uri: uriOf(rel), version: doc ? folder.analyzedVersions.get(rel) : undefined, diagnostics }).catch(() => undefined);
    } catch (e) {
      this.log.error(`publishing diagnostics failed: ${describeError(e)}`);
      return undefined;
    }
  }

  private sendStatus(): void {
    if (!this.features?.vscode) return;
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    let files = 0;
    let indexing = false;
    for (const f of this.folders.values()) {
      indexing ||= f.indexing;
      for (const c of f.published.values()) {
        errors += c.errors;
        warnings += c.warnings;
        infos += c.infos;
        files++;
      }
    }
    this.sendNotification(StatusNotification, { errors, warnings, infos, files, indexing });
  }
}

/** Include/exclude and size limits decide which files are read: a change needs a new walk. */
function fileSetChanged(a: ProjectConfig, b: ProjectConfig): boolean {
  return (
    JSON.stringify([a.include, a.exclude, a.maxFileBytes, a.journal]) !== JSON.stringify([b.include, b.exclude, b.maxFileBytes, b.journal])
  );
}

function gitignoreDir(rel: string): string {
  return rel === '.gitignore' ? '' : rel.slice(0, -'/.gitignore'.length);
}

async function readText(abs: string): Promise<string | undefined> {
  try {
    // Regular files only: a journal or .gitignore linked to /dev/zero would be read until memory runs out.
    return (await readRegularText(abs)).text;
  } catch {
    return undefined;
  }
}

async function statMode(abs: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(abs)).mode;
  } catch {
    return undefined;
  }
}

/**
 * The diagnostic made of a finding, per engine Finding object (see `publishOne`); a number: the
 * finding was published once (under that URI generation).
 */
const diagnosticsMade = new ObjectMemo<Finding, number | { generation: number; withRelated: boolean; diagnostic: Diagnostic }>('diagnostic');

export function startServer(connection: Connection): SecretHygieneServer {
  const server = new SecretHygieneServer(connection);
  server.listen();
  return server;
}

export { CLIENT_ID };
