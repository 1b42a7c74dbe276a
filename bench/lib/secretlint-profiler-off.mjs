// Preload for the side-by-side run: turns off @secretlint/profiler's always-on instrumentation.
// secretlint 12 records a performance mark per rule per file and scans every earlier mark on each
// one (O(n²) in files; secretlint/secretlint#1633 and #1653, fixed upstream by #1673, which makes
// the profiler opt-in). Without this, one run over 5,000 files takes tens of minutes; with it,
// secretlint runs as its fixed releases do. Linting and output are unchanged: the profiler only
// writes marks, it never reads them back during a run.
//   node --import ./bench/lib/secretlint-profiler-off.mjs node_modules/secretlint/bin/secretlint.js ...
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The profiler copy secretlint's own @secretlint/core imports (npm may nest a second copy). */
function profilerOfSecretlint() {
  const cli = path.resolve(process.argv[1] ?? '');
  let dir = path.dirname(path.dirname(cli)); // .../node_modules/secretlint
  const candidates = [];
  for (const base of [path.join(dir, 'node_modules', '@secretlint', 'core'), path.join(dir, '..', '@secretlint', 'core')]) {
    if (!existsSync(base)) continue;
    for (let d = base; ; d = path.dirname(d)) {
      const p = path.join(d, 'node_modules', '@secretlint', 'profiler', 'module', 'node.js');
      if (existsSync(p)) candidates.push(p);
      if (path.dirname(d) === d) break;
    }
    if (candidates.length > 0) break;
  }
  return candidates[0];
}

const file = profilerOfSecretlint();
if (!file) throw new Error('secretlint-profiler-off: @secretlint/profiler not found next to secretlint');
const { secretLintProfiler } = await import(pathToFileURL(file).href);
secretLintProfiler.mark = () => {};
