// Diagnostics per file are capped (setting maxDiagnosticsPerFile, 1000 by default: VS Code's own
// limit per file). Past the cap the server sends the most severe findings (errors, then warnings,
// information, hints; each in file order), in file order, and one last diagnostic counting the rest.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { TestClient, fileUri, makeWorkspace, removeWorkspace } from './harness';

const RANK: Record<number, number> = { 1: 0, 2: 1, 3: 2, 4: 3 };

function envText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 8; i++) {
    // Warnings (short or reused secrets, missing previous slots) come before the errors in the file.
    lines.push(`SVC_${i}_SESSION_SECRET=Zq8vLw3nTt5rXy2p`);
  }
  for (let i = 0; i < 6; i++) lines.push(`APP_${i}_JWT_SECRET=changeme`);
  return lines.join('\n') + '\n';
}

describe('language server: diagnostics per file', function () {
  let root: string;
  let client: TestClient;
  let uri: string;
  before(async function () {
    root = makeWorkspace({ '.gitignore': '.env\n', '.env': envText() });
    uri = fileUri(join(root, '.env'));
    client = await TestClient.start({ folders: [{ path: root }], settings: { '*': { maxDiagnosticsPerFile: 0 } } });
  });
  after(async function () {
    await client.shutdown();
    removeWorkspace(root);
  });

  it('sends every finding with 0, the most severe and a count past a lower cap, and every one again when the cap is raised', async function () {
    const all = await client.waitForDiagnostics(uri, (d) => d.length > 10);
    assert.ok(all.some((d) => d.severity === 1) && all.some((d) => d.severity === 2), 'errors and warnings');
    assert.ok(!all.some((d) => d.code === 'more-findings'));

    await client.setSettings({ '*': { maxDiagnosticsPerFile: 5 } });
    const capped = await client.waitForDiagnostics(uri, (d) => d.length === 5);
    // The 4 most severe of the full list (stable by file order), in file order, then the count.
    const expected = all
      .map((d, i) => ({ d, i }))
      .sort((a, b) => RANK[a.d.severity!] - RANK[b.d.severity!] || a.i - b.i)
      .slice(0, 4)
      .sort((a, b) => a.i - b.i)
      .map((x) => x.d);
    assert.deepEqual(capped.slice(0, 4), expected);
    assert.ok(capped.slice(0, 4).every((d) => d.severity === 1), 'errors go first');
    const more = capped[4] as Diagnostic;
    assert.equal(more.code, 'more-findings');
    assert.equal(more.severity, 3);
    assert.deepEqual(more.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.match(String(more.message), new RegExp(`shows 4 of the ${all.length} findings in this file .* ${all.length - 4} more are not shown: raise the setting secretHygiene\\.maxDiagnosticsPerFile`));

    // Typing keeps the cap (the edited file is republished with it).
    await client.open(uri, envText());
    const typed = await client.waitForVersion(uri, await client.change(uri, envText() + 'APP_9_JWT_SECRET=changeme\n'));
    assert.equal(typed.length, 5);
    const total = Number(/of the (\d+) findings/.exec(String(typed[4].message))?.[1]);
    assert.ok(total > all.length, 'the count includes the new line\'s findings');

    await client.setSettings({ '*': {} });
    const byDefault = await client.waitForDiagnostics(uri, (d) => d.length === total);
    assert.ok(!byDefault.some((d) => d.code === 'more-findings'), 'the default (1000) sends them all');
  });
});
