/**
 * V8 settings for the language server process, applied when this module loads: imported first by
 * the server's entry, before anything allocates what the engine keeps.
 *
 * `--no-allocation-site-pretenuring`: V8 watches where objects are allocated, and when most objects
 * from one place in the code survive a collection it starts allocating that place's objects straight
 * in the old generation. Loading a workspace is exactly that (every parsed entry, secret and place
 * survives), so the engine's parser, state and rules get pretenured; then, while typing, each
 * keystroke's short-lived objects from those same places land in the old generation too, and only a
 * full collection frees them: many more full collections, longer pauses. Measured in process (engine
 * only, alternating runs): 10k lines p50 9.5 -> 7.5 ms, p95 21 -> 15 ms; 100k lines p50 ~158 ->
 * ~127 ms; the CLI's cold run over 5,000 files unchanged within noise (docs/benchmarks.md, the
 * sixth round). Set at run time so that every way of starting the server
 * (VS Code, another editor's `node server.js --stdio`) gets it; the flag is read by each collection,
 * not only at start-up.
 *
 * `--interrupt-budget` (4x V8's 66 KiB of bytecode executed before a function is considered for
 * optimisation): the first hundred or so keystrokes after the server starts ran while TurboFan
 * optimised every function the keystroke path touches, many of them only lukewarm; on two cores,
 * shared with the editor, those compile jobs and their deoptimisations were the slow keystrokes.
 * In process, the same 200 edits of a 1k-line file once cold: 416-456 -> 281-296 ms in all, p99
 * 11-13 -> 5 ms; a second pass (all warm) as fast as before. Over stdio, alternating runs: 1k p95
 * 7.1-8.0 -> 4.5-6.5 ms, p99 9.4-11.6 -> 7.1-9.8 ms; 10k and 100k within noise; the workspace load
 * in process within noise (docs/benchmarks.md, the seventh round). Read when a function's budget
 * is reset, so functions compiled after this module loads get it.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
setFlagsFromString('--interrupt-budget=270336');
