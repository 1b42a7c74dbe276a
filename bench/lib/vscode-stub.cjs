// A stand-in for the `vscode` module, enough for the extension's `activate` and for
// vscode-languageclient to start its server outside VS Code. Real classes where the client's logic
// depends on behaviour (Uri, EventEmitter, Disposable, CancellationTokenSource, configuration);
// everything else is a permissive proxy that can be called, constructed and read, and returns
// more of itself. It measures our code's start-up, not VS Code's: the editor's own work (loading
// the extension host, reading package.json, the grammar) is not in the figure.
const path = require('node:path');
const { pathToFileURL, fileURLToPath } = require('node:url');

function universal(name = 'vscode') {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'toString' || prop === 'toJSON') return () => name;
      if (prop === 'dispose') return () => undefined;
      if (prop === 'length') return 0;
      return universal(`${name}.${String(prop)}`);
    },
    apply() {
      return universal(`${name}()`);
    },
    construct() {
      return universal(`new ${name}`);
    },
  });
}

class Disposable {
  constructor(fn) {
    this._fn = fn;
  }
  static from(...ds) {
    return new Disposable(() => ds.forEach((d) => d?.dispose?.()));
  }
  dispose() {
    this._fn?.();
    this._fn = undefined;
  }
}

class EventEmitter {
  constructor() {
    this.listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const l = thisArg ? listener.bind(thisArg) : listener;
      this.listeners.add(l);
      const d = new Disposable(() => this.listeners.delete(l));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {
    this.listeners.clear();
  }
}

const noEvent = () => new Disposable();

class Uri {
  constructor(scheme, authority, p, query, fragment) {
    this.scheme = scheme;
    this.authority = authority ?? '';
    this.path = p ?? '';
    this.query = query ?? '';
    this.fragment = fragment ?? '';
  }
  static file(p) {
    return new Uri('file', '', pathToFileURL(p).pathname);
  }
  static parse(s) {
    const u = new URL(s);
    return new Uri(u.protocol.replace(/:$/, ''), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), u.hash.replace(/^#/, ''));
  }
  static joinPath(base, ...parts) {
    return new Uri(base.scheme, base.authority, path.posix.join(base.path, ...parts));
  }
  static from(c) {
    return new Uri(c.scheme, c.authority, c.path, c.query, c.fragment);
  }
  get fsPath() {
    return this.scheme === 'file' ? fileURLToPath(`file://${this.path}`) : this.path;
  }
  with(change) {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString() {
    return `${this.scheme}://${this.authority}${encodeURI(this.path)}${this.query ? '?' + this.query : ''}${this.fragment ? '#' + this.fragment : ''}`;
  }
  toJSON() {
    return { $mid: 1, scheme: this.scheme, authority: this.authority, path: this.path, query: this.query, fragment: this.fragment };
  }
}

class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this._emitter = emitter;
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
  }
  cancel() {
    this.token.isCancellationRequested = true;
    this._emitter.fire();
  }
  dispose() {}
}

function configuration() {
  return { get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => undefined };
}

function outputChannel(name) {
  const lines = [];
  const ch = { name, logLevel: 2, onDidChangeLogLevel: noEvent, dispose() {}, show() {}, hide() {}, clear() {}, replace() {} };
  const verbose = process.env.SH_BENCH_VERBOSE === '1';
  for (const m of ['append', 'appendLine', 'trace', 'debug', 'info', 'warn', 'error']) {
    ch[m] = (s) => {
      lines.push(String(s));
      if (verbose) process.stderr.write(`[${name}] ${String(s).slice(0, 300)}\n`);
    };
  }
  return ch;
}

function createStub({ workspaceFolders = [] } = {}) {
  const folders = workspaceFolders.map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index }));
  const handled = {
    version: '1.106.0',
    Uri,
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    CancellationError: class extends Error {},
    env: { appName: 'Visual Studio Code', appRoot: '/', language: 'en', machineId: 'bench', sessionId: 'bench', uiKind: 1, remoteName: undefined, shell: '/bin/sh', clipboard: { readText: async () => '', writeText: async () => undefined }, openExternal: async () => true },
    l10n: { t: (m, ...args) => (typeof m === 'string' ? m.replace(/\{(\d+)\}/g, (_, i) => String(args[i])) : m.message) },
    extensions: { getExtension: () => undefined, all: [], onDidChange: noEvent },
    workspace: new Proxy(
      {
        workspaceFolders: folders,
        name: folders[0]?.name,
        textDocuments: [],
        notebookDocuments: [],
        isTrusted: true,
        getConfiguration: configuration,
        getWorkspaceFolder: (uri) => folders.find((f) => uri.path.startsWith(f.uri.path)),
        openTextDocument: async () => ({ uri: Uri.parse('untitled:Untitled-1'), languageId: 'dotenv', version: 1, getText: () => '' }),
        createFileSystemWatcher: () => ({ onDidCreate: noEvent, onDidChange: noEvent, onDidDelete: noEvent, dispose() {} }),
        fs: universal('workspace.fs'),
      },
      { get: (t, p) => (p in t ? t[p] : typeof p === 'string' && p.startsWith('onDid') || typeof p === 'string' && p.startsWith('onWill') ? noEvent : universal(`workspace.${String(p)}`)) },
    ),
    window: new Proxy(
      {
        visibleTextEditors: [],
        activeTextEditor: undefined,
        visibleNotebookEditors: [],
        terminals: [],
        state: { focused: true },
        tabGroups: { all: [], onDidChangeTabs: noEvent, onDidChangeTabGroups: noEvent },
        createOutputChannel: outputChannel,
        createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
        createTextEditorDecorationType: () => ({ key: 'deco', dispose() {} }),
        showErrorMessage: async (m) => {
          process.stderr.write(`[stub] showErrorMessage: ${String(m).slice(0, 200)}\n`);
          return undefined;
        },
        showWarningMessage: async () => undefined,
        showInformationMessage: async () => undefined,
        setStatusBarMessage: () => new Disposable(),
      },
      { get: (t, p) => (p in t ? t[p] : typeof p === 'string' && p.startsWith('onDid') ? noEvent : universal(`window.${String(p)}`)) },
    ),
    languages: new Proxy(
      {
        match: () => 10,
        createDiagnosticCollection: (name) => {
          const m = new Map();
          return { name, set: (u, d) => void (u && m.set(String(u), d)), delete: (u) => void m.delete(String(u)), clear: () => m.clear(), forEach: (f) => m.forEach((d, u) => f(u, d)), get: (u) => m.get(String(u)), has: (u) => m.has(String(u)), dispose() {} };
        },
        getDiagnostics: () => [],
      },
      { get: (t, p) => (p in t ? t[p] : typeof p === 'string' && p.startsWith('onDid') ? noEvent : universal(`languages.${String(p)}`)) },
    ),
    commands: { registerCommand: () => new Disposable(), registerTextEditorCommand: () => new Disposable(), executeCommand: async () => undefined, getCommands: async () => [] },
  };
  // esbuild's __toESM copies the module's own property names: every name the bundle may read
  // must exist up front (the rest of the API is not read while activating).
  for (const name of API_NAMES) if (!(name in handled)) handled[name] = universal(name);
  return new Proxy(handled, { get: (t, p) => (p in t ? t[p] : universal(String(p))) });
}

const API_NAMES = `CallHierarchyIncomingCall CallHierarchyItem CallHierarchyOutgoingCall CodeAction CodeActionKind
  CodeActionTriggerKind CodeLens Color ColorInformation ColorPresentation CompletionItem CompletionItemKind CompletionItemTag
  CompletionList CompletionTriggerKind ConfigurationTarget DecorationRangeBehavior Diagnostic DiagnosticRelatedInformation
  DiagnosticSeverity DiagnosticTag DocumentHighlight DocumentHighlightKind DocumentLink DocumentSymbol EndOfLine FileType
  FileChangeType FoldingRange FoldingRangeKind Hover InlayHint InlayHintKind InlayHintLabelPart InlineCompletionItem
  InlineCompletionList InlineCompletionTriggerKind InlineValueEvaluatableExpression InlineValueText InlineValueVariableLookup
  LinkedEditingRanges Location LogLevel MarkdownString NotebookCellKind OverviewRulerLane ParameterInformation Position
  ProgressLocation QuickPickItemKind Range RelativePattern Selection SelectionRange SemanticTokens SemanticTokensEdit
  SemanticTokensEdits SignatureHelp SignatureHelpTriggerKind SignatureInformation SnippetString SnippetTextEdit
  StatusBarAlignment SymbolInformation SymbolKind SymbolTag TabInputCustom TabInputNotebook TabInputText TabInputTextDiff
  TextDocumentSaveReason TextEdit TextEditorRevealType ThemeColor ThemeIcon TypeHierarchyItem ViewColumn WorkspaceEdit
  UIKind ExtensionMode TextEditorCursorStyle DocumentDropEdit TreeItem TreeItemCollapsibleState notebooks tasks debug
  authentication scm tests chat lm`.split(/\s+/).filter(Boolean);

module.exports = { createStub, Uri };
