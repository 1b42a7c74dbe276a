// Preloaded into a measured server (node -r): on SIGUSR2, runs a full GC (needs --expose-gc) and
// writes the process's memory figures as JSON to $MEM_HOOK_OUT; with MEM_HOOK_SNAPSHOT set, also a
// heap snapshot to that path. A debugging aid for bench/tools/server-memory.mjs, not part of the server.
const fs = require('node:fs');
const v8 = require('node:v8');
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') { global.gc(); global.gc(); }
  const mu = process.memoryUsage();
  const hs = v8.getHeapStatistics();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  if (process.env.MEM_HOOK_SNAPSHOT) v8.writeHeapSnapshot(process.env.MEM_HOOK_SNAPSHOT);
  fs.writeFileSync(process.env.MEM_HOOK_OUT, JSON.stringify({ rss: mu.rss, heapUsed: mu.heapUsed, heapTotal: mu.heapTotal, external: mu.external, arrayBuffers: mu.arrayBuffers, totalHeapSize: hs.total_heap_size, spaces }));
});
