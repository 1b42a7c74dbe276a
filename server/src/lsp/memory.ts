/**
 * Gives back the memory a start-up burst leaves behind. Indexing a large workspace allocates far
 * more than it keeps (every file's text read, parsed and checked; ~80 MB of diagnostics written as
 * JSON), and V8 keeps the pages of that garbage until the old generation fills again, which a
 * server that then only answers keystrokes may not do for hours (measured: no change in 40 s
 * idle; V8's memory reducer does not run in Node's event loop). After a 5,000-file start-up the
 * process held ~425 MB with ~220 MB live. Two full collections once the burst is written return
 * ~50 MB of it: the first frees the garbage, the second the pages the first left empty (one alone
 * gave ~15 MB). Each pauses the server ~130-200 ms there, once; a message arriving in between is
 * served between the two. A compacting collection would return twice as much but needs room for a
 * copy of everything live while it runs (the process grew to ~620 MB). docs/benchmarks.md, the
 * eighth round.
 *
 * Node offers the collector only to a process started with `--expose-gc` (the VS Code client does:
 * `SERVER_NODE_ARGS` in protocol.ts); without it nothing is collected and nothing else changes.
 */

/** The `gc` that `node --expose-gc` installs, if this process has it. */
function collector(): (() => void) | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

export interface Released {
  /** Time the two collections paused the server, in ms. */
  pauseMs: number;
  /** V8 heap before and after (`process.memoryUsage().heapTotal`), in MB. */
  heapBeforeMB: number;
  heapAfterMB: number;
}

/**
 * Two full collections, the second on a later turn of the event loop; `done` hears how it went.
 * Returns false (and collects nothing) when the process was started without `--expose-gc`.
 */
export function releaseMemory(done: (r: Released) => void): boolean {
  const gc = collector();
  if (!gc) return false;
  const heapBefore = process.memoryUsage().heapTotal;
  let t0 = performance.now();
  gc();
  let pause = performance.now() - t0;
  setImmediate(() => {
    t0 = performance.now();
    gc();
    pause += performance.now() - t0;
    done({ pauseMs: pause, heapBeforeMB: heapBefore / 2 ** 20, heapAfterMB: process.memoryUsage().heapTotal / 2 ** 20 });
  });
  return true;
}
