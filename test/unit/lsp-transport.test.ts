/**
 * The stdio transport must put exactly the bytes of vscode-jsonrpc's own writer on the wire
 * (`Content-Length` header, then `Buffer.from(JSON.stringify(msg))`); it only builds them
 * differently: in a reused buffer, with each diagnostic's JSON kept on it.
 */
import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import { MessageEncoder, StreamWriter } from '../../server/src/lsp/transport';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 100);
const wire = (msg: unknown) => {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
};
/** One encoder for the whole file: every message also checks that reuse and growth lose nothing. */
const shared = new MessageEncoder(64);
const same = (msg: unknown) => {
  const expected = wire(msg);
  assert.ok(shared.frame(msg as Message).equals(expected), JSON.stringify(msg).slice(0, 200));
  assert.ok(new MessageEncoder().frame(msg as Message).equals(expected));
};

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"diagnostics":[]', '"diagnostics":[', 'RFC 7518 §3.2 — …', '\u{1F511}', '\ud800'));
const diagnostic = fc.record({
  range: fc.record({ start: fc.record({ line: fc.nat(), character: fc.nat() }), end: fc.record({ line: fc.nat(), character: fc.nat() }) }),
  severity: fc.integer({ min: 1, max: 4 }),
  code: text,
  message: text,
  data: fc.option(fc.dictionary(fc.string(), fc.oneof(text, fc.integer(), fc.boolean())), { nil: undefined }),
});
const publish = (diagnostics: unknown[], uri = 'file:///w/.env', version?: number) => ({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics } });

describe('stdio transport: encoder', () => {
  it('publishDiagnostics of any length, any text: the same bytes as header + JSON.stringify', () => {
    fc.assert(
      fc.property(text, fc.option(fc.nat(), { nil: undefined }), fc.array(diagnostic, { maxLength: 200, size: 'max' }), (uri, version, diagnostics) => {
        same(publish(diagnostics, uri, version));
      }),
      { numRuns: RUNS },
    );
    for (const n of [0, 1, 63, 64, 65, 1000]) {
      const diagnostics = Array.from({ length: n }, (_, i) => ({ range: { start: { line: i, character: 0 }, end: { line: i, character: 3 } }, message: `m"${i}"\u00a7`, code: 'reused-secret' }));
      same(publish(diagnostics));
      same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { diagnostics, uri: 'file:///"diagnostics":[]/.env', version: 2 } });
    }
  });

  it('other messages, and lists with undefined, arrays, functions and toJSON: the same bytes as header + JSON.stringify', () => {
    fc.assert(fc.property(fc.jsonValue(), (result) => same({ jsonrpc: '2.0', id: 1, result })), { numRuns: RUNS });
    const odd = Array.from({ length: 130 }, (_, i) => (i % 4 === 0 ? undefined : i % 4 === 1 ? { toJSON: (k: string) => `d${i}:${k}` } : i % 4 === 2 ? [i] : { f: () => 1, n: i }));
    same(publish(odd));
    same({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x'.repeat(100_000) } });
    same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'u', diagnostics: Array.from({ length: 100 }, () => ({ message: 'é' })) } });
  });

  it('a diagnostic sent again is not stringified again, and its JSON stays out of every other view of it', () => {
    const d = { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, message: 'KEY is short' };
    const msg = publish([d, d]);
    same(msg);
    // What the encoder kept is what it writes: change the object behind its back (the server never
    // does) and the kept JSON still goes out, which shows it was not stringified again.
    d.message = 'changed';
    assert.match(shared.frame(msg as Message).toString('utf8'), /KEY is short.*KEY is short/);
    assert.deepStrictEqual(d, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, message: 'changed' });
    assert.equal(JSON.stringify(d), JSON.stringify({ range: d.range, message: 'changed' }));
    // A frozen diagnostic cannot keep anything and is stringified each time.
    const frozen = Object.freeze({ message: 'frozen' });
    same(publish([frozen]));
  });

  it('grows for a large message and gives a very large buffer back once written', () => {
    const enc = new MessageEncoder(64);
    const big = publish(Array.from({ length: 3000 }, (_, i) => ({ message: 'm'.repeat(12_000) + i })));
    assert.ok(enc.frame(big as Message).equals(wire(big)));
    assert.ok(enc.capacity > 32 * 1024 * 1024);
    enc.release();
    assert.ok(enc.capacity < 1024 * 1024);
    same(publish([{ message: 'after' }]));
  });

  it('throws what JSON cannot encode', () => {
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics' };
    cyclic.params = { uri: 'u', diagnostics: Array.from({ length: 100 }, () => cyclic) };
    assert.throws(() => new MessageEncoder().frame(cyclic as unknown as Message), TypeError);
  });
});

/** A stream that takes its time: each chunk is copied only when its write completes, a turn later. */
class SlowSink extends Writable {
  readonly chunks: Buffer[] = [];
  constructor() {
    super({ highWaterMark: 16 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    setImmediate(() => {
      this.chunks.push(Buffer.from(chunk));
      done();
    });
  }
}

describe('stdio transport: writer', () => {
  it('writes messages in order with the bytes of vscode-jsonrpc’s writer, while the stream is slow', async () => {
    const messages: Message[] = [];
    for (let i = 0; i < 40; i++) {
      const diagnostics = Array.from({ length: (i * 37) % 150 }, (_, j) => ({ message: `m${i}.${j} §`, code: 'weak-secret' }));
      messages.push((i % 3 === 0 ? { jsonrpc: '2.0', id: i, result: { n: i } } : publish(diagnostics, `file:///w/${i}.env`, i)) as Message);
    }
    const ours = new SlowSink();
    const theirs = new SlowSink();
    const writer = new StreamWriter(ours);
    const reference = new StreamMessageWriter(theirs);
    await Promise.all(messages.map((m) => writer.write(m)));
    await Promise.all(messages.map((m) => reference.write(m)));
    assert.ok(Buffer.concat(ours.chunks).equals(Buffer.concat(theirs.chunks)));
    assert.ok(Buffer.concat(ours.chunks).equals(Buffer.concat(messages.map(wire))));
  });

  it('reports a message JSON cannot encode as an error and goes on with the next', async () => {
    const sink = new SlowSink();
    const writer = new StreamWriter(sink);
    const errors: unknown[] = [];
    writer.onError(([e]) => errors.push(e));
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', id: 1 };
    cyclic.result = cyclic;
    await assert.rejects(writer.write(cyclic as unknown as Message), TypeError);
    const ok = { jsonrpc: '2.0', id: 2, result: null };
    await writer.write(ok as Message);
    assert.equal(errors.length, 1);
    assert.ok(Buffer.concat(sink.chunks).equals(wire(ok)));
  });

  it('reports a failed write as an error', async () => {
    const failing = new Writable({ write: (_c, _e, done) => done(new Error('pipe closed')) });
    failing.on('error', () => undefined);
    const writer = new StreamWriter(failing);
    const errors: unknown[] = [];
    writer.onError(([e]) => errors.push(e));
    await assert.rejects(writer.write({ jsonrpc: '2.0', id: 1, result: null } as Message), /pipe closed/);
    assert.ok(errors.length >= 1);
  });
});
