/**
 * Logging for the language server. Everything goes to the client's output channel
 * (`window/logMessage`), never to stdout. Errors are logged by name and stack frames only: an
 * error's message can quote the input it choked on, and input here is secrets.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** `TypeError: <message withheld>` plus the stack frames; never the message text itself. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const frames = (e.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at\s/.test(l))
      .slice(0, 12)
      .join('\n');
    const code = (e as NodeJS.ErrnoException).code;
    return `${e.name}${code ? ` (${code})` : ''}: <message withheld>${frames ? '\n' + frames : ''}`;
  }
  return `non-Error thrown (${typeof e})`;
}

/**
 * Wraps a handler so that it never throws to the client: a failure is logged (stack only) and
 * the handler's empty result is returned instead.
 */
export function guard<A extends unknown[], R>(log: Logger, name: string, empty: R, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      log.error(`${name} failed: ${describeError(e)}`);
      return empty;
    }
  };
}
