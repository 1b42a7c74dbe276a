// The start-up burst of diagnostics: published in slices after the files are read, covered by a
// work-done progress of its own that ends only once every file's diagnostics were sent.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { SERVER_NODE_ARGS } from '../../server/src/protocol';
import { TestClient, fileUri, makeWorkspace, removeWorkspace } from './harness';

const FILES = 150;

describe('language server: the start-up burst of diagnostics', function () {
  let root: string;
  let client: TestClient;
  /** Each progress notification, with how many files had diagnostics when it arrived. */
  const seen: { token: unknown; kind: string; title?: string; message?: string; filesSoFar: number }[] = [];
  let checkingEnded: Promise<void>;

  before(async function () {
    const files: Record<string, string> = { '.gitignore': '.env*\n' };
    for (let i = 0; i < FILES; i++) files[`svc${i}/.env`] = `PORT=${3000 + i}\nBROKEN LINE ${i}\n`;
    root = makeWorkspace(files);
    client = await TestClient.start({ folders: [{ path: root }] });
    let ended!: () => void;
    checkingEnded = new Promise((resolve) => (ended = resolve));
    let checkingToken: unknown;
    const push = client.progress.push.bind(client.progress);
    client.progress.push = (...items) => {
      for (const p of items) {
        seen.push({ token: p.token, ...p.value, filesSoFar: client.diagnostics.size });
        if (p.value.kind === 'begin' && p.value.message?.startsWith('Checking')) checkingToken = p.token;
        if (p.value.kind === 'end' && checkingToken !== undefined && p.token === checkingToken) ended();
      }
      return push(...items);
    };
  });

  after(async function () {
    await client.shutdown();
    removeWorkspace(root);
  });

  it('publishes every file and ends the "Checking" progress only after the last of them', async function () {
    for (let i = 0; i < FILES; i++) {
      const d = await client.waitForDiagnostics(fileUri(join(root, `svc${i}/.env`)), (x) => x.some((y) => y.code === 'parse-error'));
      assert.equal(d.filter((y) => y.code === 'parse-error').length, 1);
    }
    await checkingEnded;
    const begin = seen.find((p) => p.kind === 'begin' && p.message?.startsWith('Checking'));
    assert.ok(begin, 'a "Checking" progress began');
    assert.equal(begin!.title, 'Secret Hygiene');
    const end = seen.find((p) => p.kind === 'end' && p.token === begin!.token)!;
    assert.equal(end.filesSoFar, FILES, 'every file had its diagnostics when the progress ended');
    // The reading progress (begun first) ended too, and before any diagnostics arrived.
    const reading = seen.find((p) => p.kind === 'begin' && p.token !== begin!.token);
    assert.ok(reading, 'the indexing progress began');
    const readingEnd = seen.find((p) => p.kind === 'end' && p.token === reading!.token);
    assert.ok(readingEnd, 'the indexing progress ended');
    assert.equal(readingEnd!.filesSoFar, 0);
  });

  it('keeps serving afterwards: an edit is diagnosed with its version', async function () {
    const uri = fileUri(join(root, 'svc0/.env'));
    await client.open(uri, 'PORT=1\nBROKEN LINE\n');
    const v = await client.change(uri, 'PORT=1\n');
    const d = await client.waitForVersion(uri, v);
    assert.ok(!d.some((x) => x.code === 'parse-error'));
    // Fewer files than the threshold: no collection (the log would have come before this answer).
    assert.ok(!client.logs.some((m) => m.includes("start-up burst's memory")), 'no collection after a 150-file burst');
  });
});

describe('language server: memory after a large start-up burst', function () {
  const LARGE = 500;
  let root: string;

  before(function () {
    const files: Record<string, string> = { '.gitignore': '.env*\n' };
    for (let i = 0; i < LARGE; i++) files[`svc${i}/.env`] = `PORT=${3000 + i}\nBROKEN LINE ${i}\n`;
    root = makeWorkspace(files);
  });

  after(function () {
    removeWorkspace(root);
  });

  async function burstThenEdit(client: TestClient): Promise<string> {
    for (let i = 0; i < LARGE; i++) await client.waitForDiagnostics(fileUri(join(root, `svc${i}/.env`)), (x) => x.some((y) => y.code === 'parse-error'));
    const line = await client.waitForLog(/start-up burst's memory/);
    const uri = fileUri(join(root, 'svc7/.env'));
    await client.open(uri, 'PORT=1\nBROKEN LINE\n');
    const v = await client.change(uri, 'PORT=1\n');
    const d = await client.waitForVersion(uri, v);
    assert.ok(!d.some((x) => x.code === 'parse-error'));
    assert.equal(client.logs.filter((m) => m.includes("start-up burst's memory")).length, 1, 'once per burst');
    return line;
  }

  it('started as VS Code starts it (SERVER_NODE_ARGS), collects the garbage of a 500-file burst once it is written, and keeps serving', async function () {
    const client = await TestClient.start({ folders: [{ path: root }], nodeArgs: SERVER_NODE_ARGS });
    try {
      const line = await burstThenEdit(client);
      assert.match(line, /^.*: released the start-up burst's memory: V8 heap \d+ -> \d+ MB \(\d+ ms\)$/);
    } finally {
      await client.shutdown();
    }
  });

  it('started without --expose-gc, says how to get the memory back and keeps serving', async function () {
    const client = await TestClient.start({ folders: [{ path: root }] });
    try {
      const line = await burstThenEdit(client);
      assert.match(line, /: the start-up burst's memory stays with V8 \(start the server with node --expose-gc to give it back\)$/);
    } finally {
      await client.shutdown();
    }
  });
});
