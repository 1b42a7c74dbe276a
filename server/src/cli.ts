// The `secret-hygiene` command line: check (CI and pre-commit), rotate, generate, journal.
import { runCheck, checkUsage } from './cli/check';
import { runGenerate } from './cli/generate';
import { EXIT_USAGE, type CliIO } from './cli/io';
import { runJournal } from './cli/journal';
import { runRotate } from './cli/rotate';

const VERSION = '0.1.0';

export const usage = `secret-hygiene ${VERSION}: keeps the secrets in .env files and config healthy.

Usage:
  secret-hygiene check [paths...]        check files (text, --format json, --format sarif)
  secret-hygiene rotate KEY [--file F]   rotate a secret into its previous/versioned slot
  secret-hygiene rotate --complete KEY   complete a rotation after the overlap window
  secret-hygiene generate                print a fresh 32-byte secret
  secret-hygiene journal KEY             add a rotation entry to the runbook journal
  secret-hygiene --version | --help

Run "secret-hygiene <command> --help" for a command's options.
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return runCheck(rest, io);
    case 'rotate':
      return runRotate(rest, io);
    case 'generate':
      return runGenerate(rest, io);
    case 'journal':
      return runJournal(rest, io);
    case '--version':
    case '-v':
      io.stdout(`${VERSION}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.stdout(usage);
      return command === undefined ? EXIT_USAGE : 0;
    default:
      // `secret-hygiene .env` reads naturally; treat paths as `check`.
      if (!command.startsWith('-')) return runCheck(argv, io);
      io.stderr(`secret-hygiene: unknown option ${command}\n\n${usage}`);
      return EXIT_USAGE;
  }
}

export { checkUsage };

/** Resolves true once process.stdout can take more, false when it is gone (a closed pipe). */
function stdoutDrained(): Promise<boolean> {
  const s = process.stdout;
  if (s.destroyed || s.writableEnded) return Promise.resolve(false);
  if (!s.writableNeedDrain) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => () => {
      s.off('drain', onDrain);
      s.off('close', onGone);
      s.off('error', onGone);
      resolve(ok);
    };
    const onDrain = done(true);
    const onGone = done(false);
    s.on('drain', onDrain);
    s.on('close', onGone);
    s.on('error', onGone);
  });
}

if (require.main === module || process.argv[1]?.endsWith('secret-hygiene.js') || process.argv[1]?.endsWith('cli.js')) {
  // `secret-hygiene check | head` closes stdout early: that is not an error. The stream is then
  // destroyed, `drain` says it is gone, the report stops there, and the command still ends with the
  // exit code of its result (findings: 1) rather than an EPIPE crash.
  process.stdout.on('error', () => undefined);
  const io: CliIO = {
    cwd: process.cwd(),
    stdout: (t) => {
      process.stdout.write(t);
    },
    stdoutBytes: (b) => {
      process.stdout.write(b);
      // Written through (files, and pipes and terminals on Linux, are written synchronously): the
      // caller may reuse the buffer. Still queued (an asynchronous pipe): it must not.
      return process.stdout.writableLength === 0;
    },
    drain: () => stdoutDrained(),
    stderr: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    now: () => new Date(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // Never print the error message: it could quote file content. Name and stack frames only.
      const err = e instanceof Error ? e : new Error('unknown');
      process.stderr.write(`secret-hygiene: internal error (${err.name}); please report it with this trace:\n${(err.stack ?? '').split('\n').slice(1).join('\n')}\n`);
      process.exitCode = 2;
    },
  );
}
