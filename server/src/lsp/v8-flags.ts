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
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
