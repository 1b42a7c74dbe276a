import * as assert from 'node:assert/strict';
import { isMaskedFile, maskSpans } from '../../client/src/maskRanges';

// Fixture values are inputs; assertions compare offsets and never print the values.
const SECRET = 'q8Wn2Er5Ty7UiZk3n8Qw2Lp5Rv9Tx1Mb';
const PASSWORD = 'hunter2-but-longer';

function masked(text: string, scope: 'secrets' | 'all' = 'secrets'): string[] {
  return maskSpans(text, '/w/.env', scope).map((s) => text.slice(s.start, s.end));
}

describe('masking: which spans are hidden (client/src/maskRanges.ts)', function () {
  it('masks the values of secret keys, quoted or not, and leaves other values visible', function () {
    const text = `PORT=3000\nJWT_SECRET=${SECRET}\nexport SESSION_SECRET="${SECRET}"\nNODE_ENV=production\n`;
    const spans = masked(text);
    assert.equal(spans.length, 2);
    assert.ok(spans.every((s) => s === SECRET), 'exactly the two values, without quotes');
  });

  it('masks the rest of a value that dotenv cuts at "#"', function () {
    const text = `JWT_SECRET=${SECRET.slice(0, 10)}#${SECRET.slice(10)}\n`;
    const spans = maskSpans(text, '/w/.env');
    const covered = new Set<number>();
    for (const s of spans) for (let i = s.start; i < s.end; i++) covered.add(i);
    for (let i = 'JWT_SECRET='.length; i < text.length - 1; i++) assert.ok(covered.has(i), `offset ${i} is masked`);
  });

  it('masks commented-out secret values too', function () {
    const text = `# JWT_SECRET=${SECRET}\n#OLD_PASSWORD = ${PASSWORD}\n# just a comment = not masked\n`;
    const spans = masked(text);
    assert.equal(spans.length, 2);
    assert.ok(spans[0] === SECRET && spans[1] === PASSWORD);
  });

  it('masks only the password inside a connection URL', function () {
    const text = `DATABASE_URL=postgres://app:${PASSWORD}@db:5432/app\n`;
    const spans = masked(text);
    assert.equal(spans.length, 1);
    assert.ok(spans[0] === PASSWORD);
  });

  it('multi-line values are masked whole; CRLF and BOM offsets line up', function () {
    const text = `\uFEFFPRIVATE_KEY="-----BEGIN KEY-----\r\n${SECRET}\r\n-----END KEY-----"\r\nA=1\r\n`;
    const spans = maskSpans(text, '/w/.env.production');
    assert.equal(spans.length, 1);
    const body = text.slice(spans[0].start, spans[0].end);
    assert.ok(body.startsWith('-----BEGIN KEY-----') && body.endsWith('-----END KEY-----') && body.includes(SECRET));
  });

  it('leaves empty values, references and markers visible; scope "all" masks every value', function () {
    const text = `JWT_SECRET=\nAPI_TOKEN=\${VAULT_TOKEN}\nSTRIPE_KEY=<your-key>\nPORT=3000\n`;
    assert.deepEqual(masked(text), []);
    assert.deepEqual(masked(text, 'all'), ['3000']);
  });

  it('hides the text after "=" on lines dotenv does not read (too long, space in the key)', function () {
    const long = 'JWT_SECRET=' + 'x'.repeat(300 * 1024);
    const text = `A=1\n${long}\nMY SECRET=${SECRET}\nNO EQUALS SIGN\n`;
    const spans = maskSpans(text, '/w/.env');
    const hidden = spans.map((s) => text.slice(s.start, s.end));
    assert.equal(hidden.length, 2);
    assert.ok(hidden[0] === long.slice('JWT_SECRET='.length), 'the long line is hidden after "="');
    assert.ok(hidden[1] === SECRET, 'the skipped line is hidden after "="');
  });

  it('applies to env files whatever their language id, and to files the user marked dotenv', function () {
    for (const f of ['/w/.env', '/w/.env.local', '/w/apps/api/.env.production', '/w/prod.env']) assert.equal(isMaskedFile(f, 'plaintext'), true, f);
    for (const f of ['/w/.envrc', '/w/env.ts', '/w/README.md']) assert.equal(isMaskedFile(f, 'plaintext'), false, f);
    assert.equal(isMaskedFile('/w/settings.cfg', 'dotenv'), true);
  });
});
