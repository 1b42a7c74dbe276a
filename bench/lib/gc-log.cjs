// Preload (`node -r bench/lib/gc-log.cjs`) that writes each garbage collection to stderr: when it
// started (epoch ms), its duration and kind, and the heap spaces after it. For a language server
// started by the bench: BENCH_SERVER_NODE_ARGS="-r $PWD/bench/lib/gc-log.cjs" BENCH_SERVER_STDERR=1
// (stdout is the LSP stream, so --trace-gc cannot be used there). Kinds: 1 scavenge, 4 mark-compact,
// 8 incremental marking, 16 weak callbacks.
const { PerformanceObserver, performance } = require('node:perf_hooks');
const v8 = require('node:v8');

const who = process.argv[1]?.includes('server') ? 'server' : 'client';
const mb = (n) => (n / 1e6).toFixed(1);
new PerformanceObserver((list) => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
  for (const e of list.getEntries()) {
    process.stderr.write(`gc ${who} ${(performance.timeOrigin + e.startTime).toFixed(1)} ${e.duration.toFixed(1)} ms kind=${e.detail?.kind} new=${mb(spaces.new_space)} old=${mb(spaces.old_space)} large=${mb(spaces.large_object_space)} MB\n`);
  }
}).observe({ entryTypes: ['gc'] });
