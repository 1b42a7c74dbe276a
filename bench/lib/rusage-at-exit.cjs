// Preload used where GNU time is missing: writes this process's resource usage at exit.
const fs = require('node:fs');
const file = process.env.SH_BENCH_RUSAGE_FILE;
if (file) {
  delete process.env.SH_BENCH_RUSAGE_FILE; // not inherited by grandchildren
  process.on('exit', () => {
    try {
      fs.appendFileSync(file, JSON.stringify(process.resourceUsage()) + '\n');
    } catch {
      // nothing to report to
    }
  });
}
