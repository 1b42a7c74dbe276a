import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import { grammarHiddenSpans } from '../../client/src/maskRanges';

// The grammar hides secret values (transparent token colour); the client must know exactly which
// characters, to reveal them when masking is off. This test tokenizes with the real grammar
// (vscode-textmate, as VS Code does) and compares with the client's mirror.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createRegistry } = require('vscode-tmgrammar-test/dist/common/index.js');

const GRAMMAR = join(__dirname, '..', '..', '..', 'syntaxes', 'dotenv.tmLanguage.json');
const SCOPE = 'meta.secret.value.dotenv';

interface Token {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}

async function grammarHidden(text: string): Promise<Set<number>> {
  const registry = createRegistry([{ scopeName: 'source.dotenv', path: GRAMMAR }]);
  const grammar = await registry.loadGrammar('source.dotenv');
  const hidden = new Set<number>();
  let stack: unknown = null;
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    const r: { tokens: Token[]; ruleStack: unknown } = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    for (const t of r.tokens) {
      if (t.scopes.includes(SCOPE)) for (let k = t.startIndex; k < Math.min(t.endIndex, line.length); k++) hidden.add(offset + k);
    }
    offset += lines[i].length + 1;
  }
  return hidden;
}

function mirrorHidden(text: string): Set<number> {
  const out = new Set<number>();
  for (const s of grammarHiddenSpans(text, '/w/.env')) for (let k = s.start; k < s.end; k++) if (text[k] !== '\n' && text[k] !== '\r') out.add(k);
  return out;
}

/** Offsets hidden by one side only, described by line and column (never by the text). */
function diff(a: Set<number>, b: Set<number>, text: string): string[] {
  const out: string[] = [];
  for (const k of a) {
    if (b.has(k)) continue;
    const before = text.slice(0, k);
    out.push(`line ${before.split('\n').length}, col ${k - before.lastIndexOf('\n') - 1}`);
    if (out.length > 5) break;
  }
  return out;
}

const CASES: Record<string, string> = {
  'unquoted, quoted, export, inline comments':
    'JWT_SECRET=abc123def\nexport DB_PASSWORD="p@ss\\"word" # note\nAPI_KEY=\'literal\'  \nGITHUB_TOKEN=`ghp_x`\nPORT=3000\nKEYBOARD_LAYOUT=us\nVALUE=plain # SECRET=not-a-key\nSALT=a#b\n',
  'commented-out secrets and URL passwords':
    '# OLD_SESSION_SECRET=oldValue123\n#  export REFRESH_TOKEN = tok  \n# plain comment = not secret\nDATABASE_URL=postgres://app:dbpass123@db:5432/app\n# REDIS_URL=redis://:hunter2@cache:6379\nURL="https://u:pw@host/x"\n',
  'multi-line values and CRLF':
    'PRIVATE_KEY="-----BEGIN KEY-----\r\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7\r\n-----END KEY-----"\r\nNEXT=1\r\nSESSION_SECRET=abc\r\n',
  'an unterminated quote hides the rest of the file in both':
    'A=1\nJWT_SECRET="never closed\nB=2\nC=3\n',
  'keys the grammar and the parser both skip':
    'MY SECRET=spaced key\n=novalue\nJWT_SECRET=\n',
};

describe('masking: the client mirror of the grammar\'s hidden spans', function () {
  for (const [name, text] of Object.entries(CASES)) {
    it(name, async function () {
      const grammar = await grammarHidden(text);
      const mirror = mirrorHidden(text);
      assert.deepEqual(diff(grammar, mirror, text), [], 'hidden by the grammar, unknown to the client (would stay invisible)');
      assert.deepEqual(diff(mirror, grammar, text), [], 'known to the client, not hidden by the grammar');
    });
  }

  it('generated .env files: the client knows exactly the characters the grammar hides', async function () {
    const key = fc.constantFrom('JWT_SECRET', 'DB_PASSWORD', 'API_KEY', 'PORT', 'APP_NAME', 'KEYBOARD', 'db.pass', 'AUTH_TOKEN_1', 'SALT_ROUNDS', 'DATABASE_URL');
    const chars = fc.constantFrom('a', 'Z', '9', '-', '_', '/', '+', '=', ' ', '\t', '#', '@', ':', '$', '{', '}', '\\', "'", '"', '`', '://', 'u:p@', '${A}', 'é');
    const raw = fc.array(chars, { maxLength: 12 }).map((a) => a.join(''));
    const value = fc.oneof(
      raw,
      raw.map((v) => `"${v.replace(/"/g, '')}"`),
      raw.map((v) => `'${v.replace(/'/g, '')}'`),
      raw.map((v) => `postgres://u:${v.replace(/[@/\s'"`#]/g, '')}x@h/db`),
      fc.constant(''),
    );
    const line = fc.oneof(
      fc.tuple(fc.constantFrom('', 'export ', '  '), key, fc.constantFrom('=', ' = ', '= '), value, fc.constantFrom('', ' # c', '  ')).map((p) => p.join('')),
      fc.tuple(fc.constantFrom('# ', '#', '#  export '), key, fc.constantFrom('=', ' = '), raw).map((p) => p.join('')),
      fc.constantFrom('', '# comment', 'NOT AN ASSIGNMENT', '# secret-hygiene-disable-next-line weak-secret', '# see redis://:pw@h', '  "', "'"),
    );
    const file = fc.tuple(fc.array(line, { maxLength: 8 }), fc.constantFrom('\n', '\r\n')).map(([ls, eol]) => ls.join(eol) + eol);
    await fc.assert(
      fc.asyncProperty(file, async (text) => {
        const grammar = await grammarHidden(text);
        const mirror = mirrorHidden(text);
        return diff(grammar, mirror, text).length === 0 && diff(mirror, grammar, text).length === 0;
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
