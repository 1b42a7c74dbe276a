// One cold activation of the bundled extension outside VS Code, in a fresh process:
// require dist/client/extension.js (with the `vscode` stub), call activate(context) and await what
// it returns: that is activation as VS Code counts it (code loading + activate call + its promise).
// Then, separately, wait until the language client runs (server forked with --stdio, `initialize`
// answered): the extension's whenStarted() where it starts the client in the background; older
// builds started it inside activate(), so there both moments are one.
// Prints the timings as JSON. Usage: node bench/lib/activation-probe.cjs <repo> <workspace folder>
const Module = require('node:module');
const path = require('node:path');
const { createStub, Uri } = require('./vscode-stub.cjs');

const [repo, folder] = process.argv.slice(2);
const stub = createStub({ workspaceFolders: [folder] });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode') return 'vscode';
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };

function memento() {
  const m = new Map();
  return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => void m.set(k, v), keys: () => [...m.keys()], setKeysForSync() {} };
}

(async () => {
  const context = {
    subscriptions: [],
    extensionPath: repo,
    extensionUri: Uri.file(repo),
    asAbsolutePath: (p) => path.join(repo, p),
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: () => ({ dispose() {} }) },
    storageUri: undefined,
    globalStorageUri: Uri.file('/tmp'),
    logUri: Uri.file('/tmp'),
    extensionMode: 1,
    environmentVariableCollection: { replace() {}, append() {}, prepend() {}, get() {}, forEach() {}, delete() {}, clear() {} },
    extension: { id: 'secret-hygiene.secret-hygiene', packageJSON: require(path.join(repo, 'package.json')) },
  };
  const tRequire0 = performance.now();
  const ext = require(path.join(repo, 'dist', 'client', 'extension.js'));
  const tRequire1 = performance.now();
  const pending = ext.activate(context);
  const tCall = performance.now();
  await pending;
  const tActivated = performance.now();
  if (typeof ext.whenStarted === 'function') await ext.whenStarted();
  const tRunning = performance.now();
  // activate() and the background start show failures instead of throwing: the stub reports them on stderr.
  const out = {
    requireMs: tRequire1 - tRequire0,
    /** activate() returned (the synchronous part). */
    activateCallMs: tCall - tRequire1,
    /** ...and what it returned resolved: VS Code's activation ends here. */
    activateMs: tActivated - tRequire1,
    /** Activation as VS Code counts it: require + activate() + its promise. */
    totalMs: tActivated - tRequire0,
    /** From the require until the language client runs (its server answered `initialize`). */
    clientRunningMs: tRunning - tRequire0,
    processStartToActivatedMs: tActivated,
    subscriptions: context.subscriptions.length,
  };
  await ext.deactivate();
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
})().catch((e) => {
  process.stdout.write(JSON.stringify({ error: e instanceof Error ? e.name + ': ' + e.message.slice(0, 200) : 'error' }) + '\n');
  process.exit(1);
});
