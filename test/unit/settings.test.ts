/** Editor settings of unknown shape are read into `Settings`; package.json declares each with the same default. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/protocol';

const REPO = join(__dirname, '..', '..', '..');

describe('settings', () => {
  it('maxDiagnosticsPerFile: 1000 by default, 0 for all, whole numbers of at least 2 otherwise', () => {
    const max = (v: unknown) => normalizeSettings({ maxDiagnosticsPerFile: v }).maxDiagnosticsPerFile;
    assert.equal(normalizeSettings(undefined).maxDiagnosticsPerFile, 1000);
    assert.equal(max(0), 0);
    assert.equal(max(250), 250);
    assert.equal(max(12.7), 12);
    assert.equal(max(1), 2);
    for (const bad of [-1, '500', null, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(max(bad), 1000, String(bad));
  });

  it('every setting package.json declares has the default the server uses', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    const props: Record<string, { default?: unknown }> = pkg.contributes.configuration.properties;
    const at = (path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], DEFAULT_SETTINGS);
    let checked = 0;
    for (const [name, p] of Object.entries(props)) {
      const path = name.replace(/^secretHygiene\./, '');
      if (path === 'trace.server') continue; // the language client's, not the server's
      assert.deepEqual(at(path), p.default, name);
      checked++;
    }
    assert.ok(checked >= 10);
  });
});
