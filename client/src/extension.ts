/**
 * The VS Code client: starts the language server, registers the commands, the status bar item and
 * the value masking. Thin by design: findings, fixes and plans come from the server.
 */
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { CONFIG_GLOBS, ENV_GLOBS } from '../../server/src/core/files';
import {
  CLIENT_ID,
  Commands,
  SERVER_NODE_ARGS,
  StatusNotification,
  TrustNotification,
  type InitializationOptions,
  type RotateArgs,
  type StatusParams,
} from '../../server/src/protocol';
import { CommandFlows } from './commands';
import { MaskController } from './masking';

let client: LanguageClient | undefined;
/** The background start of the language client; settles when it runs or its failure was reported. */
let starting: Promise<void> | undefined;
let deactivated = false;

/**
 * Activation registers what the user sees and calls (masking, status bar, commands) and returns at
 * once. The language client (most of this bundle) is loaded and its server started on the next
 * turn of the event loop, so the editor does not wait for a process to fork and answer
 * `initialize`. Commands issued meanwhile wait for the client; a failed start is shown to the user.
 */
export function activate(context: vscode.ExtensionContext): void {
  deactivated = false;
  const output = vscode.window.createOutputChannel('Secret Hygiene', { log: true });
  context.subscriptions.push(output);
  try {
    const status = vscode.window.createStatusBarItem('secretHygiene.status', vscode.StatusBarAlignment.Left, 50);
    let created: Promise<LanguageClient> | undefined;
    const getClient = () => (created ??= Promise.resolve().then(() => createClient(context, output, status)));
    register(context, output, status, getClient);
    starting = new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        if (deactivated) return;
        const lc = await getClient();
        await lc.start();
        context.subscriptions.push(lc);
      })
      .catch((e) => reportStartFailure(output, e));
  } catch (e) {
    reportStartFailure(output, e);
  }
}

/** VS Code does not tell the user when an extension fails to activate or start; we do. */
function reportStartFailure(output: vscode.LogOutputChannel, e: unknown): void {
  const name = e instanceof Error ? e.name : 'Error';
  // Stack frames only: an error message could quote file content.
  const frames = e instanceof Error && e.stack ? e.stack.split('\n').slice(1).join('\n') : '';
  output.appendLine(`Activation failed: ${name}\n${frames}`);
  // Not awaited: activation must finish even when nobody answers the notification.
  void vscode.window.showErrorMessage(`Secret Hygiene could not start (${name}). The output channel has the details.`, 'Show output').then((pick) => {
    if (pick === 'Show output') output.show(true);
  });
}

/** Resolves once the language client started (or its start failed and was reported): for the benchmarks. */
export function whenStarted(): Promise<void> {
  return starting ?? Promise.resolve();
}

/** The synchronous part of activation: masking, the status bar item and the commands. */
function register(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, status: vscode.StatusBarItem, getClient: () => Promise<LanguageClient>): void {
  // Masking first and synchronously: it must be in place before editors paint, server or not.
  MaskController.warmUpGrammar();
  const masking = new MaskController();
  context.subscriptions.push(masking);

  const flows = new CommandFlows(getClient, output);

  status.name = 'Secret Hygiene';
  status.command = 'workbench.actions.view.problems';
  status.text = '$(sync~spin) Secret Hygiene';
  status.tooltip = 'Secret Hygiene is indexing the workspace';
  status.show();
  context.subscriptions.push(status);

  const guarded = <A extends unknown[]>(name: string, fn: (...args: A) => Promise<unknown> | unknown) =>
    async (...args: A) => {
      try {
        await fn(...args);
      } catch (e) {
        output.appendLine(`${name} failed: ${e instanceof Error ? e.name : 'error'}`);
        void vscode.window.showErrorMessage(`Secret Hygiene: ${name} failed (see the output channel).`);
      }
    };
  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.generateSecret, guarded('Generate secret', () => flows.generate())),
    vscode.commands.registerCommand(Commands.rotateSecret, guarded('Rotate secret', (args?: RotateArgs) => flows.rotate(args))),
    vscode.commands.registerCommand(Commands.completeRotation, guarded('Complete rotation', (args?: RotateArgs) => flows.complete(args))),
    vscode.commands.registerCommand(Commands.addJournalEntry, guarded('Add rotation journal entry', () => flows.addJournalEntry())),
    vscode.commands.registerCommand(Commands.toggleMasking, () => {
      const on = masking.toggle();
      void vscode.window.setStatusBarMessage(`Secret Hygiene: masking ${on ? 'on' : 'off'} in this window (settings unchanged)`, 4000);
      return on;
    }),
    vscode.commands.registerCommand(Commands.revealLine, () => {
      const editor = vscode.window.activeTextEditor;
      if (editor) masking.revealCursorLines(editor);
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.restartServer, guarded('Restart server', async () => (await getClient()).restart())),
    vscode.commands.registerCommand(Commands.testMaskedRanges, (uri?: string) => masking.maskedRanges(uri)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client?.isRunning()) void client.sendNotification(TrustNotification.method, { trusted: true });
    }),
  );
}

/** Loads vscode-languageclient (required here, not at activation: it is most of the bundle) and creates the client. */
function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, status: vscode.StatusBarItem): LanguageClient {
  const { LanguageClient, TransportKind } = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
  const serverModule = context.asAbsolutePath('dist/server/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_ARGS] } },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6019'] } },
  };
  const patterns = [...ENV_GLOBS, ...CONFIG_GLOBS];
  // Read when the client is created: trust granted meanwhile is in it.
  const initializationOptions: InitializationOptions = { client: 'vscode', trusted: vscode.workspace.isTrusted };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'dotenv' }, ...patterns.map((pattern) => ({ scheme: 'file', pattern }))],
    outputChannel: output,
    traceOutputChannel: withheldPayloads(output),
    initializationOptions,
    diagnosticCollectionName: 'secret-hygiene',
  };
  const lc = new LanguageClient(CLIENT_ID, 'Secret Hygiene', serverOptions, clientOptions);
  client = lc;
  context.subscriptions.push(
    lc.onNotification(StatusNotification.method, (p: StatusParams) => {
      if (p.indexing) {
        status.text = '$(sync~spin) Secret Hygiene';
        status.tooltip = 'Secret Hygiene is indexing the workspace';
        return;
      }
      const total = p.errors + p.warnings + p.infos;
      status.text = total === 0 ? '$(shield) Secret Hygiene' : `$(shield) ${p.errors > 0 ? '$(error) ' + p.errors + ' ' : ''}${p.warnings > 0 ? '$(warning) ' + p.warnings + ' ' : ''}${p.infos > 0 ? '$(info) ' + p.infos : ''}`.trim();
      status.tooltip = total === 0 ? 'Secret Hygiene: no findings' : `Secret Hygiene: ${total} finding${total === 1 ? '' : 's'} in ${p.files} file${p.files === 1 ? '' : 's'}. Click for the Problems panel.`;
    }),
  );
  return lc;
}

/**
 * The channel protocol traces go to: message names only. A verbose trace would print the
 * parameters of every message, and `textDocument/didOpen` carries the whole .env file.
 */
function withheldPayloads(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, prop) {
      if (prop === 'trace') {
        return (message: string) => {
          const text = String(message);
          if (/^\s*[{[]/.test(text)) return target.trace('[trace entry withheld: protocol payloads can hold secret values]');
          const first = text.split(/\r?\n/)[0];
          target.trace(first === text ? text : `${first} [payload withheld]`);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function deactivate(): Promise<void> {
  deactivated = true;
  // A start under way finishes first: the client cannot stop half-way through its start.
  if (starting) await starting;
  starting = undefined;
  if (client) await client.stop().catch(() => undefined);
  client = undefined;
}
