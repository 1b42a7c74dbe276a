/**
 * The language server entry. Transport from the command line, as vscode-languageserver reads it:
 * `--stdio`, `--node-ipc` (VS Code forks the server with it), `--socket=<port>` or `--pipe=<name>`.
 * Without any, stdio is used. Only the protocol is written to stdout; logs go to the client.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/main';

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

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e instanceof Error ? e.name : typeof e}: <message withheld>\n${(e instanceof Error ? e.stack ?? '' : '').split('\n').filter((l) => /^\s+at\s/.test(l)).join('\n')}`));
process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${e instanceof Error ? e.name : typeof e}`));
startServer(connection);
