// Related information per diagnostic is capped: reused-secret names up to 20 places sharing a value
// (the engine's findings and the CLI report keep them all), and on a large workspace those lists were
// most of the diagnostics JSON. The server sends the first 5 as they are, then one entry at the next
// place that counts the rest.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { FULL_CAPABILITIES, TestClient, fileUri, makeWorkspace, removeWorkspace } from './harness';

/** Values shared by several files (test values, never printed). */
const NINE = 'x7Kp2Qm9Lw4Rt8Zv1Nc6Bh3Yd5Fg0Js-nine';
const SIX = 'Qm9x7Kp2Lw4Rt8Zv1Nc6Bh3Yd5Fg0Js-six';
const MANY = 'Zv1Nc6x7Kp2Qm9Lw4Rt8Bh3Yd5Fg0Js-many';

function workspaceFiles(): Record<string, string> {
  const files: Record<string, string> = { '.gitignore': '.env*\n', 'nine/.env': `JWT_SECRET=${NINE}\n`, 'six/.env': `JWT_SECRET=${SIX}\n`, 'many/.env': `JWT_SECRET=${MANY}\n` };
  for (let i = 0; i < 9; i++) files[`n${i}/.env.production`] = `SESSION_SECRET=${NINE}\n`;
  for (let i = 0; i < 6; i++) files[`s${i}/.env.production`] = `SESSION_SECRET=${SIX}\n`;
  for (let i = 0; i < 24; i++) files[`m${String(i).padStart(2, '0')}/.env.production`] = `SESSION_SECRET=${MANY}\n`;
  return files;
}

const reused = (d: Diagnostic[]) => d.find((x) => x.code === 'reused-secret');

function assertNoValue(client: TestClient): void {
  const wire = client.wire.join('\n');
  for (const v of [NINE, SIX, MANY]) assert.ok(!wire.includes(v), 'a secret value reached the client');
}

describe('language server: related information per diagnostic', function () {
  let root: string;
  let client: TestClient;
  before(async function () {
    root = makeWorkspace(workspaceFiles());
    client = await TestClient.start({ folders: [{ path: root }] });
  });
  after(async function () {
    await client.shutdown();
    removeWorkspace(root);
  });

  it('sends the first 5 places, then one entry at the next place counting the rest', async function () {
    const d = reused(await client.waitForDiagnostics(fileUri(join(root, 'nine/.env')), (x) => reused(x) !== undefined))!;
    const related = d.relatedInformation ?? [];
    assert.equal(related.length, 6);
    for (let i = 0; i < 5; i++) {
      assert.equal(related[i].location.uri, fileUri(join(root, `n${i}/.env.production`)));
      assert.equal(related[i].location.range.start.line, 0);
      assert.match(related[i].message, new RegExp(`^SESSION_SECRET in n${i}/\\.env\\.production: same value`));
    }
    assert.equal(related[5].location.uri, fileUri(join(root, 'n5/.env.production')));
    assert.match(related[5].message, /^and 4 more places, the next: SESSION_SECRET in n5\/\.env\.production: same value/);
    // The diagnostic itself is the engine's: its message still counts every other place.
    assert.match(String(d.message), /\(and 6 more\)/);
    assertNoValue(client);
  });

  it('sends 6 places as they are (a count would save nothing)', async function () {
    const d = reused(await client.waitForDiagnostics(fileUri(join(root, 'six/.env')), (x) => reused(x) !== undefined))!;
    const related = d.relatedInformation ?? [];
    assert.equal(related.length, 6);
    for (let i = 0; i < 6; i++) {
      assert.equal(related[i].location.uri, fileUri(join(root, `s${i}/.env.production`)));
      assert.match(related[i].message, /^SESSION_SECRET in s\d\/\.env\.production: same value/);
    }
  });

  it('says "at least" when the engine itself stopped listing places', async function () {
    const d = reused(await client.waitForDiagnostics(fileUri(join(root, 'many/.env')), (x) => reused(x) !== undefined))!;
    const related = d.relatedInformation ?? [];
    assert.equal(related.length, 6);
    assert.equal((d.data as { truncated?: boolean }).truncated, true);
    // The engine lists 20 of the 24 places: 15 beyond the first 5, and more it did not list.
    assert.match(related[5].message, /^and at least 15 more places, the next: SESSION_SECRET in m05\/\.env\.production: same value/);
  });
});

describe('language server: a client without related information support', function () {
  let root: string;
  let client: TestClient;
  before(async function () {
    root = makeWorkspace(workspaceFiles());
    const capabilities = structuredClone(FULL_CAPABILITIES);
    capabilities.textDocument!.publishDiagnostics = { ...capabilities.textDocument!.publishDiagnostics, relatedInformation: false };
    client = await TestClient.start({ folders: [{ path: root }], capabilities });
  });
  after(async function () {
    await client.shutdown();
    removeWorkspace(root);
  });

  it('gets the diagnostics without related information', async function () {
    const d = reused(await client.waitForDiagnostics(fileUri(join(root, 'nine/.env')), (x) => reused(x) !== undefined))!;
    assert.equal(d.relatedInformation, undefined);
    assert.match(String(d.message), /SESSION_SECRET in n0\/\.env\.production/);
  });
});
