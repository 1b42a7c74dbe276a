import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJournal } from '../../server/src/core/journal-index';
import { readRegularText } from '../../server/src/node/workspace';

describe('readRegularText', () => {
  it('drops a UTF-8 BOM, as editors do, so the first journal heading is found', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sh-bom-'));
    const file = join(dir, 'HARDENING-LOG.md');
    writeFileSync(file, '\uFEFF### A2.5 — JWT_SECRET rotation [done 2026-01-10]\n');
    const r = await readRegularText(file);
    assert.equal(r.text?.charCodeAt(0), '#'.charCodeAt(0));
    assert.equal(parseJournal(r.text!).lastRotation('JWT_SECRET')?.date, '2026-01-10');
    rmSync(dir, { recursive: true, force: true });
  });
});
