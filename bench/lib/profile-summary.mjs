// Summarises a V8 .cpuprofile: self time and inclusive time per function, top N.
//   node bench/lib/profile-summary.mjs <file.cpuprofile> [N]
import { readFileSync } from 'node:fs';

export function summarize(file, top = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  const self = new Map();
  const total = new Map();
  let sum = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    sum += dt;
    let n = byId.get(p.samples[i]);
    self.set(label(n), (self.get(label(n)) ?? 0) + dt);
    const seen = new Set();
    for (let id = n.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id));
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  }
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms  ${k}`).join('\n');
  return `total ${(sum / 1000).toFixed(0)} ms\n-- self --\n${fmt(self)}\n-- inclusive --\n${fmt(total)}`;
}

if (process.argv[1]?.endsWith('profile-summary.mjs')) console.log(summarize(process.argv[2], Number(process.argv[3] ?? 25)));
