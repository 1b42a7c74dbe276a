/** What a CLI command may touch besides the file system: streams, cwd, environment, clock. */
export interface CliIO {
  cwd: string;
  stdout(text: string): void;
  /**
   * Writes bytes (UTF-8 text) to stdout when present, for large output; returns true when done with
   * `bytes` (written through, so the caller may reuse the buffer), false when they are still queued.
   */
  stdoutBytes?(bytes: Uint8Array): boolean;
  /**
   * Resolves once stdout can take more (at once when nothing is buffered), true to go on writing or
   * false when stdout is gone (the reader of a pipe closed it). Absent: stdout never needs waiting for.
   */
  drain?(): Promise<boolean>;
  stderr(text: string): void;
  isTTY: boolean;
  env: Record<string, string | undefined>;
  now(): Date;
  /**
   * Test hook for commands that write files (rotate, journal): runs after the new bytes are on disk
   * in a temporary file and before the final "unchanged since read" check and the rename.
   */
  beforeWrite?(absPath: string): void | Promise<void>;
}

/** Exit codes: 0 clean, 1 findings at error level (or over --max-warnings), 2 bad usage or unreadable input. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Minimal flag parser: `--flag value`, `--flag=value`, boolean flags, positionals. */
export function parseArgs(
  args: string[],
  spec: { strings?: string[]; booleans?: string[]; multi?: string[] },
): { flags: Record<string, string | boolean | string[]>; positionals: string[] } {
  const flags: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const strings = new Set(spec.strings ?? []);
  const booleans = new Set(spec.booleans ?? []);
  const multi = new Set(spec.multi ?? []);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (booleans.has(name)) {
        if (eq !== -1) throw new UsageError(`--${name} takes no value`);
        flags[name] = true;
      } else if (strings.has(name) || multi.has(name)) {
        const value = eq !== -1 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        if (multi.has(name)) flags[name] = [...((flags[name] as string[]) ?? []), value];
        else flags[name] = value;
      } else throw new UsageError(`unknown option --${name}`);
    } else if (a.startsWith('-') && a.length > 1) {
      throw new UsageError(`unknown option ${a}`);
    } else positionals.push(a);
  }
  return { flags, positionals };
}
