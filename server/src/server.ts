/**
 * The language server entry. Transport from the command line, as vscode-languageserver reads it:
 * `--stdio` (VS Code starts the server with it), `--node-ipc`, `--socket=<port>` or `--pipe=<name>`.
 * Without any, stdio is used. Only the protocol is written to stdout; logs go to the client.
 */
// First: V8 settings that must be in place before the engine allocates (see v8-flags.ts).
import './lsp/v8-flags';
import { createConnection, ProposedFeatures, type MessageReader } from 'vscode-languageserver/node';
import { startServer } from './lsp/main';
import { stdoutWriter } from './lsp/transport';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    'secret-hygiene-language-server: the Secret Hygiene language server (LSP).\n\n' +
      'Usage: secret-hygiene-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n' +
      'Without a transport flag it talks LSP on stdin/stdout.\n',
  );
  process.exit(0);
}
if (args.includes('--version')) {
  process.stdout.write('0.1.0\n');
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe') || a.startsWith('--clientProcessId'))) {
  process.argv.push('--stdio');
}

// On stdio, stdin goes to the library as a stream (it then exits when stdin closes, as for
// --stdio) and stdout as its own writer with a faster JSON encoder (see transport.ts). Given
// streams, the library leaves `console` alone: it is sent to the client's log here instead, since
// anything else on stdout would break the protocol. (The typings pair streams with streams; the
// library takes either on each side.)
const stdio = process.argv.includes('--stdio');
const connection = stdio ? createConnection(ProposedFeatures.all, process.stdin as unknown as MessageReader, stdoutWriter()) : createConnection(ProposedFeatures.all);
if (stdio) {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  console.log = console.info = (...a: unknown[]) => connection.console.info(text(a));
  console.debug = (...a: unknown[]) => connection.console.log(text(a));
  console.warn = (...a: unknown[]) => connection.console.warn(text(a));
  console.error = console.trace = (...a: unknown[]) => connection.console.error(text(a));
}
process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e instanceof Error ? e.name : typeof e}: <message withheld>\n${(e instanceof Error ? e.stack ?? '' : '').split('\n').filter((l) => /^\s+at\s/.test(l)).join('\n')}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${e instanceof Error ? e.name : typeof e}`));
startServer(connection);
