/**
 * The stdio transport's JSON encoder must give exactly the bytes of vscode-jsonrpc's own
 * (`Buffer.from(JSON.stringify(msg))`); it only builds them differently for long diagnostics lists.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Message } from 'vscode-languageserver/node';
import { encodeMessage, jsonEncoder } from '../../server/src/lsp/transport';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 100);
const same = (msg: unknown) => assert.ok(encodeMessage(msg as Message).equals(Buffer.from(JSON.stringify(msg), 'utf8')), JSON.stringify(msg).slice(0, 200));

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"diagnostics":[]', '"diagnostics":[', 'RFC 7518 §3.2 — …', '\u{1F511}', '\ud800'));
const diagnostic = fc.record({
  range: fc.record({ start: fc.record({ line: fc.nat(), character: fc.nat() }), end: fc.record({ line: fc.nat(), character: fc.nat() }) }),
  severity: fc.integer({ min: 1, max: 4 }),
  code: text,
  message: text,
  data: fc.option(fc.dictionary(fc.string(), fc.oneof(text, fc.integer(), fc.boolean())), { nil: undefined }),
});

describe('stdio transport: JSON encoder', () => {
  it('publishDiagnostics of any length (around the 64-diagnostic pieces), any text: the same bytes as JSON.stringify', () => {
    fc.assert(
      fc.property(text, fc.option(fc.nat(), { nil: undefined }), fc.array(diagnostic, { maxLength: 200, size: 'max' }), (uri, version, diagnostics) => {
        same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri, version, diagnostics } });
      }),
      { numRuns: RUNS },
    );
    for (const n of [0, 1, 63, 64, 65, 128, 129, 1000]) {
      const diagnostics = Array.from({ length: n }, (_, i) => ({ range: { start: { line: i, character: 0 }, end: { line: i, character: 3 } }, message: `m"${i}"\u00a7`, code: 'reused-secret' }));
      same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///w/.env', diagnostics } });
      same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { diagnostics, uri: 'file:///"diagnostics":[]/.env', version: 2 } });
    }
  });

  it('other messages, and lists with undefined, functions and toJSON: the same bytes as JSON.stringify', async () => {
    fc.assert(fc.property(fc.jsonValue(), (result) => same({ jsonrpc: '2.0', id: 1, result })), { numRuns: RUNS });
    const odd = Array.from({ length: 130 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? { toJSON: () => `d${i}` } : { f: () => 1, n: i }));
    same({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'u', diagnostics: odd } });
    same({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x'.repeat(100_000) } });
    const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'u', diagnostics: Array.from({ length: 100 }, () => ({ message: 'é' })) } };
    assert.ok(Buffer.from(await jsonEncoder.encode(msg as Message, { charset: 'utf-8' })).equals(Buffer.from(JSON.stringify(msg))));
  });

  it('rejects, without throwing, what JSON cannot encode', async () => {
    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics' };
    cyclic.params = { uri: 'u', diagnostics: Array.from({ length: 100 }, () => cyclic) };
    await assert.rejects(Promise.resolve().then(() => jsonEncoder.encode(cyclic as unknown as Message, { charset: 'utf-8' })), TypeError);
  });
});
