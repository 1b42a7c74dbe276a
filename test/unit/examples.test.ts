import * as assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES } from '../../server/src/core/rules';
import { loadWorkspace } from '../../server/src/node/workspace';

const examples = join(__dirname, '..', '..', '..', 'examples');

describe('the demo workspace (examples/)', () => {
  let copy: string;
  before(() => {
    // A copy with the modes git checks out (0644), whatever this checkout has.
    copy = mkdtempSync(join(tmpdir(), 'sh-examples-'));
    cpSync(examples, copy, { recursive: true });
    for (const f of ['.env', '.env.production', 'apps/web/.env']) chmodSync(join(copy, f), 0o644);
    assert.ok(statSync(join(copy, '.env')).isFile());
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('shows every rule firing', async () => {
    const ws = await loadWorkspace(copy, { now: () => new Date('2026-11-22T00:00:00Z') });
    const fired = new Set<string>();
    for (const path of ws.analyzer.paths()) {
      if (path.startsWith('clean/')) continue;
      for (const f of ws.analyzer.findings(path)) fired.add(f.ruleId);
    }
    const missing = RULES.map((r) => r.meta.id).filter((id) => !fired.has(id));
    assert.deepEqual(missing, []);
  });

  it('clean/ shows none', async () => {
    const ws = await loadWorkspace(join(copy, 'clean'));
    const findings = ws.analyzer.paths().flatMap((p) => ws.analyzer.findings(p).map((f) => `${p}:${f.range.start.line + 1} ${f.ruleId}`));
    assert.deepEqual(findings, []);
  });
});
