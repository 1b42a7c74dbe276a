import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { analyzeFiles, type AnalyzerOptions } from '../../server/src/core/analyzer';
import { classifyKeyName, isMarker, isNonSecretValue, parseUrlPassword } from '../../server/src/core/classify';
import { DEFAULT_CONFIG } from '../../server/src/core/config';
import type { Finding } from '../../server/src/core/types';

/** The rules this file tests; other rules' findings are left to their own tests. */
const VALUE_RULES = ['weak-secret', 'short-secret', 'low-entropy-secret', 'client-exposed-secret', 'committed-credential'];

interface Seen {
  rule: string;
  /** One-based, as an editor shows it. */
  line: number;
  character: number;
  endCharacter: number;
  key?: string;
  message: string;
  severity: string;
  data: Record<string, unknown>;
}

type Options = AnalyzerOptions & { gitignore?: Record<string, string> };

function check(files: Record<string, string>, path = Object.keys(files)[0], options: Options = {}): Seen[] {
  const a = analyzeFiles(files, options);
  return a
    .findings(path)
    .filter((f) => VALUE_RULES.includes(f.ruleId))
    .map(seen);
}

function seen(f: Finding): Seen {
  return {
    rule: f.ruleId,
    line: f.range.start.line + 1,
    character: f.range.start.character,
    endCharacter: f.range.end.character,
    key: f.key,
    message: f.message,
    severity: f.severity,
    data: (f.data ?? {}) as Record<string, unknown>,
  };
}

function only(findings: Seen[], rule: string): Seen[] {
  return findings.filter((f) => f.rule === rule);
}

/** One .env line; returns the findings of one rule on it. */
function one(line: string, rule: string, path = '.env'): Seen[] {
  return only(check({ [path]: line + '\n' }, path), rule);
}

// ---- deterministic random-looking values (no credential-shaped literal lives in the repo) ----

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEXCHARS = '0123456789abcdef';

function pseudo(seed: string, n: number, alphabet = BASE62): string {
  let out = '';
  for (let counter = 0; out.length < n; counter++) {
    for (const b of createHash('sha256').update(`${seed}:${counter}`).digest()) {
      if (out.length >= n) break;
      if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
const hex = (seed: string, bytes: number) => pseudo(seed, bytes * 2, HEXCHARS);
const b64 = (seed: string, bytes: number) => {
  let buf = Buffer.alloc(0);
  for (let i = 0; buf.length < bytes; i++) buf = Buffer.concat([buf, createHash('sha256').update(`${seed}:${i}`).digest()]);
  return buf.subarray(0, bytes).toString('base64');
};

function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.${pseudo('jwt-sig', 43, BASE62)}`;
}

/** Every value a test below writes into a file, for the leak test at the end. */
const planted = new Set<string>();
function plant<T extends string>(v: T): T {
  planted.add(v);
  return v;
}

const STRONG_HEX = plant(hex('strong', 32));
const STRONG_B64 = plant(b64('strong-b64', 32));

describe('weak-secret', () => {
  const weakCases: [string, string, string][] = [
    ['JWT_SECRET', 'changeme', 'placeholder'],
    ['JWT_SECRET', 'secret', 'placeholder'],
    ['SESSION_SECRET', 'supersecret', 'placeholder'],
    ['JWT_SECRET', 'your_jwt_secret', 'placeholder'],
    ['JWT_SECRET', 'replace-me-with-a-random-string', 'placeholder'],
    ['ENCRYPTION_KEY', 'AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899', 'pattern'],
    ['JWT_SECRET', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'pattern'],
    ['JWT_SECRET', '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'pattern'],
    ['POSTGRES_PASSWORD', '12345678', 'dictionary'],
    ['ADMIN_PASSWORD', 'password', 'dictionary'],
    ['GRAFANA_ADMIN_PASSWORD', 'admin', 'dictionary'],
    ['POSTGRES_PASSWORD', 'postgres', 'dictionary'],
    ['JWT_SECRET', 'test', 'dictionary'],
    ['SECRET_KEY', 'dev', 'dictionary'],
    ['ACCESS_TOKEN_SECRET', 'access-token-secret', 'key-name'],
    ['NEXTAUTH_SECRET', 'nextauth.secret', 'key-name'],
    ['SECRET_KEY', 'django-insecure-k2!n9v@x1q8z!p4w7m3r6t0y5u&e*i^o(a)s_d+f=g', 'framework-dev-key'],
    ['SESSION_SECRET', 'keyboard cat', 'framework-dev-key'],
    ['JWT_SECRET', 'this-is-my-super-secret-jwt-key-for-dev', 'sentence'],
    ['JWT_SECRET', 'ourproductionsigningsecret', 'sentence'],
  ];
  for (const [key, value, reason] of weakCases) {
    plant(value);
    it(`${key} with a ${reason} value (${value.length} chars) is weak`, () => {
      const f = one(`${key}=${value}`, 'weak-secret');
      assert.equal(f.length, 1, `expected one weak-secret finding for ${key}`);
      assert.equal(f[0].data.reason, reason);
      assert.equal(f[0].data.length, value.length);
      assert.equal(f[0].severity, 'error');
      assert.equal(f[0].key, key);
      assert.ok(f[0].message.startsWith(key), 'the message names the key');
      assert.match(f[0].message, /Replace it with/);
    });
  }

  it('the message says what, why and the fix, like the issue asks', () => {
    const [f] = one('JWT_SECRET=changeme', 'weak-secret');
    assert.equal(f.message, 'JWT_SECRET is a well-known placeholder (8 chars): anyone who has seen the docs can forge tokens. Replace it with 32 random bytes (openssl rand -base64 32).');
  });

  it('random values and strong passphrases are not weak', () => {
    assert.deepEqual(one(`JWT_SECRET=${STRONG_HEX}`, 'weak-secret'), []);
    assert.deepEqual(one(`SESSION_SECRET=${STRONG_B64}`, 'weak-secret'), []);
    assert.deepEqual(one(`POSTGRES_PASSWORD=${plant(pseudo('pg', 24))}`, 'weak-secret'), []);
  });

  it('third-party placeholders are not weak secrets (they cannot work)', () => {
    const text = ['STRIPE_SECRET_KEY=your-stripe-key-here', 'OPENAI_API_KEY=sk_test_xxx', 'GOOGLE_CLIENT_SECRET=changeme', 'SMTP_PASSWORD=password', 'GITHUB_TOKEN=your_token', ''].join('\n');
    assert.deepEqual(only(check({ '.env': text }), 'weak-secret'), []);
  });

  it('SALT_ROUNDS=10, SECRET=false and other non-secret values are left alone', () => {
    const text = ['SALT_ROUNDS=10', 'SECRET=false', 'JWT_EXPIRES_IN=7d', 'JWT_ALGORITHM=HS256', 'BCRYPT_COST=12', 'SESSION_SECURE=true', ''].join('\n');
    assert.deepEqual(check({ '.env': text }), []);
  });

  it('an empty signing secret in a real .env is missing; in an example it is fine', () => {
    const f = one('NEXTAUTH_SECRET=', 'weak-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.reason, 'missing');
    assert.match(f[0].message, /missing/);
    assert.equal(f[0].character, 0, 'the key is underlined when there is no value');
    assert.deepEqual(one('NEXTAUTH_SECRET=', 'weak-secret', '.env.example'), []);
    assert.deepEqual(one('JWT_SECRET=""', 'weak-secret', '.env.sample'), []);
    assert.deepEqual(one('JWT_SECRET=', 'weak-secret', 'config/.env.template'), []);
  });

  it('empty passwords, empty previous slots and overridden lines are not reported missing', () => {
    assert.deepEqual(one('SMTP_PASSWORD=', 'weak-secret'), []);
    assert.deepEqual(only(check({ '.env': `JWT_SECRET=${STRONG_HEX}\nJWT_SECRET_PREVIOUS=\n` }), 'weak-secret'), []);
    assert.deepEqual(only(check({ '.env': `WALLET_ENCRYPTION_KEY=${STRONG_HEX}\nWALLET_ENCRYPTION_KEY_VERSION=2\nWALLET_ENCRYPTION_KEY_V1=\n` }), 'weak-secret'), []);
    assert.deepEqual(only(check({ '.env': `JWT_SECRET=\nJWT_SECRET=${STRONG_HEX}\n` }), 'weak-secret'), []);
  });

  it('a <marker> left in a real .env is a placeholder the app will use', () => {
    const f = one('JWT_SECRET=<generate-with-openssl>', 'weak-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.reason, 'placeholder');
    assert.deepEqual(one('JWT_SECRET=<generate-with-openssl>', 'weak-secret', '.env.example'), []);
    assert.deepEqual(one('JWT_SECRET=${JWT_SECRET_FROM_VAULT}', 'weak-secret'), []);
  });

  it('a shell command in a .env is literal text (dotenv does not run it)', () => {
    const f = one('NEXTAUTH_SECRET=$(openssl rand -base64 32)', 'weak-secret');
    assert.equal(f[0]?.data.reason, 'placeholder');
    assert.match(f[0].message, /shell command/);
  });

  it('paths to key files are not values to judge', () => {
    const text = ['APP_CREDENTIALS=./service-account.json', 'JWT_PRIVATE_KEY=keys/jwt.pem', 'SESSION_SECRET=/run/secrets/session', ''].join('\n');
    assert.deepEqual(check({ '.env': text }), []);
  });

  it('placeholders in example files are fine', () => {
    const text = ['JWT_SECRET=changeme', 'POSTGRES_PASSWORD=postgres', 'SESSION_SECRET=your-session-secret', ''].join('\n');
    assert.deepEqual(check({ '.env.example': text }), []);
  });

  it('a weak password inside a connection URL is weak, and only the password is underlined', () => {
    const line = 'DATABASE_URL=postgres://app:changeme@db:5432/app';
    const f = one(line, 'weak-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.reason, 'placeholder');
    assert.equal(f[0].character, line.indexOf('changeme'));
    assert.equal(f[0].endCharacter, line.indexOf('changeme') + 8);
    assert.equal(one('DATABASE_URL=postgres://acmesvc:acmesvc@db/app', 'weak-secret')[0]?.data.reason, 'key-name');
    assert.equal(one('REDIS_URL=redis://:redis@cache:6379', 'weak-secret')[0]?.data.reason, 'dictionary');
    // A third party's service: a placeholder there cannot work.
    assert.deepEqual(one('WEBHOOK_URL=https://bot:changeme@hooks.example.com/x', 'weak-secret'), []);
    assert.deepEqual(one(`DATABASE_URL=postgres://app:${plant(pseudo('db-pw', 24))}@db/app`, 'weak-secret'), []);
  });

  it('suppression comments silence the rule', () => {
    const text = ['# secret-hygiene-disable-next-line weak-secret -- local only', 'JWT_SECRET=changeme', 'SESSION_SECRET=changeme # secret-hygiene-disable-line weak-secret', 'COOKIE_SECRET=changeme', ''].join('\n');
    const f = only(check({ '.env': text }), 'weak-secret');
    assert.deepEqual(
      f.map((x) => x.line),
      [4],
    );
  });

  it('a weak compose default is weak (the default runs when nobody sets the variable)', function () {
    const files = { 'docker-compose.yml': 'services:\n  api:\n    environment:\n      JWT_SECRET: ${JWT_SECRET:-changeme}\n      SESSION_SECRET: ${SESSION_SECRET}\n' };
    const a = analyzeFiles(files);
    if ((a.source('docker-compose.yml')?.entries.length ?? 0) === 0) this.skip(); // the compose parser has not landed yet
    const f = a.findings('docker-compose.yml').filter((x) => x.ruleId === 'weak-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].range.start.line, 3);
    assert.match(f[0].message, /default/);
  });
});

describe('value rules in compose and config files', () => {
  it('compose: literal values and defaults are judged; references, required variables and empty defaults are not', function () {
    const strong = hex('compose-default', 32);
    const text = [
      'services:',
      '  api:',
      '    environment:',
      '      - JWT_SECRET=${JWT_SECRET:-}',
      '      - SESSION_SECRET=${SESSION_SECRET:?set it}',
      '      - COOKIE_SECRET=changeme',
      `      - ENCRYPTION_KEY=\${ENCRYPTION_KEY:-${plant(strong)}}`,
      '      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-postgres}',
      '',
    ].join('\n');
    const a = analyzeFiles({ 'docker-compose.yml': text });
    if ((a.source('docker-compose.yml')?.entries.length ?? 0) === 0) this.skip();
    const f = a.findings('docker-compose.yml').filter((x) => VALUE_RULES.includes(x.ruleId)).map(seen);
    assert.deepEqual(
      f.map((x) => `${x.line}:${x.rule}:${x.data.reason}`),
      ['6:weak-secret:placeholder', '8:weak-secret:dictionary'],
    );
    assert.match(f[1].message, /^The default of POSTGRES_PASSWORD \(used when it is not set\)/);
  });

  it('YAML, JSON and Kubernetes Secret values (dotted keys, base64 data) are judged like .env values', function () {
    const files = {
      'config/application.yml': 'jwt:\n  secret-key: changeme\nspring:\n  datasource:\n    password: postgres\n',
      'appsettings.json': '{ "Jwt": { "Key": "supersecret", "Issuer": "me" } }\n',
      'k8s/app-secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  JWT_SECRET: ${Buffer.from('changeme').toString('base64')}\n`,
    };
    const a = analyzeFiles(files);
    if (Object.keys(files).some((p) => (a.source(p)?.entries.length ?? 0) === 0)) this.skip();
    const weak = (p: string) => a.findings(p).filter((x) => x.ruleId === 'weak-secret').map((x) => `${x.key}:${x.range.start.line + 1}`);
    assert.deepEqual(weak('config/application.yml'), ['jwt.secret-key:2', 'spring.datasource.password:5']);
    assert.deepEqual(weak('appsettings.json'), ['Jwt.Key:1']);
    assert.deepEqual(weak('k8s/app-secret.yaml'), ['JWT_SECRET:6']);
  });
});

describe('short-secret', () => {
  it('reports random keys under 32 bytes, counting decoded bytes', () => {
    const key16 = plant(hex('short-16', 16));
    const f = one(`ENCRYPTION_KEY=${key16}`, 'short-secret');
    assert.equal(f.length, 1);
    assert.deepEqual({ bytes: f[0].data.bytes, required: f[0].data.required, encoding: f[0].data.encoding }, { bytes: 16, required: 32, encoding: 'hex' });
    assert.equal(f[0].severity, 'warning');
    const b24 = plant(b64('short-24', 24));
    const g = one(`JWT_SECRET=${b24}`, 'short-secret');
    assert.equal(g[0]?.data.bytes, 24);
    assert.equal(g[0]?.data.encoding, 'base64');
    assert.match(g[0].message, /HS256 needs at least 32/);
  });

  it('32 bytes is enough by default; the project minimum can raise it', () => {
    assert.deepEqual(one(`JWT_SECRET=${STRONG_HEX}`, 'short-secret'), []);
    assert.deepEqual(one(`JWT_SECRET=${STRONG_B64}`, 'short-secret'), []);
    const f = only(check({ '.env': `JWT_SECRET=${STRONG_HEX}\n` }, '.env', { config: { ...DEFAULT_CONFIG, minBytes: 48 } }), 'short-secret');
    assert.equal(f[0]?.data.required, 48);
  });

  it('a sibling selecting HS512 or HS384 raises the requirement (RFC 7518 §3.2)', () => {
    const f = only(check({ '.env': `JWT_ALGORITHM=HS512\nJWT_SECRET=${STRONG_HEX}\n` }), 'short-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].line, 2);
    assert.equal(f[0].data.required, 64);
    assert.equal(f[0].data.algorithm, 'HS512');
    assert.match(f[0].message, /JWT_ALGORITHM selects HS512/);
    const g = only(check({ '.env': `JWT_SECRET=${STRONG_HEX}\nJWT_ALG=HS384\n` }), 'short-secret');
    assert.equal(g[0]?.data.required, 48);
    const key64 = plant(hex('hs512-64', 64));
    assert.deepEqual(only(check({ '.env': `JWT_ALGORITHM=HS512\nJWT_SECRET=${key64}\n` }), 'short-secret'), []);
  });

  it('a selector applies to the secrets its prefix names', () => {
    const text = `ACCESS_TOKEN_ALGORITHM=HS512\nACCESS_TOKEN_SECRET=${STRONG_HEX}\nSESSION_SECRET=${STRONG_B64}\n`;
    const f = only(check({ '.env': text }), 'short-secret');
    assert.deepEqual(
      f.map((x) => x.key),
      ['ACCESS_TOKEN_SECRET'],
    );
    // A more specific HS256 selector wins over a generic HS512 one.
    assert.deepEqual(only(check({ '.env': `ALGORITHM=HS512\nJWT_ALGORITHM=HS256\nJWT_SECRET=${STRONG_HEX}\n` }), 'short-secret'), []);
  });

  it('passwords, third-party credentials and weak values are not short secrets', () => {
    assert.deepEqual(one(`POSTGRES_PASSWORD=${plant(pseudo('pg-16', 16))}`, 'short-secret'), []);
    assert.deepEqual(one(`STRIPE_SECRET_KEY=${plant(pseudo('stripe-short', 12))}`, 'short-secret'), []);
    assert.deepEqual(one('JWT_SECRET=changeme', 'short-secret'), []);
  });

  it('a short made-up text is short too, and the message says it is not random', () => {
    const f = one('JWT_SECRET=acmecorp2023', 'short-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.encoding, 'text');
    assert.match(f[0].message, /not random-looking/);
    assert.deepEqual(one('JWT_SECRET=acmecorp2023', 'low-entropy-secret'), []);
  });
});

describe('low-entropy-secret', () => {
  it('a long passphrase of random words is guessable for a signing key; the message gives bits', () => {
    const v = plant('correct-horse-battery-staple-mountain-river');
    const f = one(`JWT_REFRESH_SECRET=${v}`, 'low-entropy-secret');
    assert.equal(f.length, 1);
    assert.match(f[0].message, /about \d+ bits \(.*\); aim for 128\+/);
    assert.equal(f[0].data.target, 128);
    assert.ok(Number(f[0].data.bits) < 128);
  });

  it('passwords are held to 64 bits (zxcvbn)', () => {
    const f = one('ADMIN_PASSWORD=Tr0ub4dor&3', 'low-entropy-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.target, 64);
    assert.equal(f[0].data.estimator, 'zxcvbn');
    assert.deepEqual(one(`POSTGRES_PASSWORD=${plant(pseudo('pg-strong', 20))}`, 'low-entropy-secret'), []);
    assert.deepEqual(one(`POSTGRES_PASSWORD=${plant(b64('pg-b64', 24))}`, 'low-entropy-secret'), []);
  });

  it('does not repeat what weak-secret or short-secret already said', () => {
    const text = 'JWT_SECRET=this-is-my-super-secret-jwt-key-for-dev\nPOSTGRES_PASSWORD=password\nENCRYPTION_KEY=' + hex('short-16', 16) + '\n';
    const all = check({ '.env': text });
    assert.deepEqual(only(all, 'low-entropy-secret'), []);
    assert.deepEqual(
      all.map((f) => `${f.line}:${f.rule}`),
      ['1:weak-secret', '2:weak-secret', '3:short-secret'],
    );
  });

  it('random keys of 32 bytes are never low-entropy', () => {
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(one(`JWT_SECRET=${plant(hex(`r${i}`, 32))}`, 'low-entropy-secret'), []);
      assert.deepEqual(one(`SESSION_SECRET=${plant(b64(`s${i}`, 32))}`, 'low-entropy-secret'), []);
      assert.deepEqual(one(`PASSWORD_SALT=${plant(hex(`salt${i}`, 16))}`, 'low-entropy-secret'), []);
    }
  });
});

describe('client-exposed-secret', () => {
  const prefixes = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'PUBLIC_', 'NUXT_PUBLIC_', 'GATSBY_'];
  for (const prefix of prefixes) {
    it(`a signing secret under ${prefix} ships to the browser`, () => {
      const f = one(`${prefix}JWT_SECRET=${STRONG_HEX}`, 'client-exposed-secret');
      assert.equal(f.length, 1);
      assert.equal(f[0].severity, 'error');
      assert.deepEqual(f[0].data, { serverKey: 'JWT_SECRET', prefix });
      assert.match(f[0].message, /Rename it to JWT_SECRET/);
    });
  }

  it('publishable keys are meant for the browser', () => {
    const anon = plant(jwt({ iss: 'supabase', ref: 'abcdefghijklmnop', role: 'anon', iat: 1700000000, exp: 2000000000 }));
    const text = [
      `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_${plant(pseudo('pk', 24))}`,
      `NEXT_PUBLIC_STRIPE_KEY=pk_live_${plant(pseudo('pk-live', 24))}`,
      `NEXT_PUBLIC_SUPABASE_ANON_KEY=${anon}`,
      `NEXT_PUBLIC_SUPABASE_KEY=${anon}`,
      `NEXT_PUBLIC_FIREBASE_API_KEY=AIza${plant(pseudo('firebase', 35))}`,
      `VITE_POSTHOG_KEY=phc_${plant(pseudo('posthog', 32))}`,
      'NEXT_PUBLIC_API_URL=https://api.example.com',
      'NEXT_PUBLIC_SITE_NAME=Acme',
      '',
    ].join('\n');
    assert.deepEqual(check({ '.env': text }), []);
  });

  it('a Supabase service-role key, a live credential or a URL with a password is exposed whatever the name', () => {
    const service = plant(jwt({ iss: 'supabase', ref: 'abcdefghijklmnop', role: 'service_role', iat: 1700000000, exp: 2000000000 }));
    const text = [
      `NEXT_PUBLIC_SUPABASE_KEY=${service}`,
      `NEXT_PUBLIC_OPENAI=sk-proj-${plant(pseudo('openai-browser', 48))}`,
      `NEXT_PUBLIC_DATABASE_URL=postgres://app:${plant(pseudo('db-browser', 20))}@db/app`,
      '',
    ].join('\n');
    const f = only(check({ '.env': text }), 'client-exposed-secret');
    assert.deepEqual(
      f.map((x) => [x.line, x.severity]),
      [
        [1, 'error'],
        [2, 'error'],
        [3, 'error'],
      ],
    );
  });

  it('copying a server secret into a browser variable is exposure too', () => {
    const f = one('NEXT_PUBLIC_SESSION_SECRET=${SESSION_SECRET}', 'client-exposed-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.serverKey, 'SESSION_SECRET');
  });

  it('an example file declaring a browser secret is reported by name', () => {
    const f = one('NEXT_PUBLIC_JWT_SECRET=', 'client-exposed-secret', '.env.example');
    assert.equal(f.length, 1);
    assert.deepEqual(one('NEXT_PUBLIC_API_KEY=', 'client-exposed-secret', '.env.example'), []);
  });

  it('an API key of unknown format under a browser prefix is a warning (it may be a browser key)', () => {
    const f = one(`VITE_API_KEY=${plant(pseudo('vite-api', 32))}`, 'client-exposed-secret');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
  });

  it('server-only names are not reported', () => {
    assert.deepEqual(one(`JWT_SECRET=${STRONG_HEX}`, 'client-exposed-secret'), []);
    assert.deepEqual(one('PUBLIC_KEY=ssh-ed25519 AAAAC3Nza', 'client-exposed-secret'), []);
  });
});

describe('committed-credential', () => {
  const cases: [string, string, string][] = [
    ['AWS_ACCESS_KEY_ID', 'AKIA' + pseudo('aws', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), 'aws'],
    ['AWS_SESSION_KEY_ID', 'ASIA' + pseudo('aws-sts', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), 'aws'],
    ['STRIPE_SECRET_KEY', 'sk_live_' + pseudo('stripe-live', 24), 'stripe'],
    ['STRIPE_SECRET_KEY', 'sk_test_' + pseudo('stripe-test', 24), 'stripe'],
    ['STRIPE_RESTRICTED_KEY', 'rk_live_' + pseudo('stripe-rk', 24), 'stripe'],
    ['STRIPE_WEBHOOK_SECRET', 'whsec_' + pseudo('whsec', 32), 'stripe'],
    ['GITHUB_TOKEN', 'ghp_' + pseudo('ghp', 36), 'github'],
    ['GITHUB_OAUTH_TOKEN', 'gho_' + pseudo('gho', 36), 'github'],
    ['GITHUB_APP_TOKEN', 'ghs_' + pseudo('ghs', 36), 'github'],
    ['GH_PAT', 'github_pat_' + pseudo('pat1', 22) + '_' + pseudo('pat2', 59), 'github'],
    ['SLACK_BOT_TOKEN', 'xoxb-' + pseudo('slack1', 12, '0123456789') + '-' + pseudo('slack2', 24), 'slack'],
    ['GOOGLE_CLIENT_SECRET', 'GOCSPX-' + pseudo('gocspx', 28), 'google'],
    ['GOOGLE_API_KEY', 'AIza' + pseudo('google-server', 35), 'google'],
    ['OPENAI_API_KEY', 'sk-proj-' + pseudo('openai-proj', 64), 'openai'],
    ['OPENAI_API_KEY', 'sk-' + pseudo('openai-legacy', 48), 'openai'],
    ['ANTHROPIC_API_KEY', 'sk-ant-api03-' + pseudo('anthropic', 80), 'anthropic'],
  ];
  for (const [key, value, provider] of cases) {
    plant(value);
    it(`${key} with a ${provider} credential (${value.length} chars) is reported`, () => {
      const line = `${key}=${value}`;
      const f = one(line, 'committed-credential');
      assert.equal(f.length, 1, `expected one committed-credential finding for ${key}`);
      assert.equal(f[0].data.provider, provider);
      assert.equal(f[0].severity, 'error');
      assert.equal(f[0].character, key.length + 1);
      assert.equal(f[0].endCharacter, line.length);
    });
  }

  it('finds a PEM private key in a multi-line quoted value', () => {
    const body = plant(b64('pem-body', 600));
    const lines = body.match(/.{1,64}/g)!.join('\n');
    const text = `JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----"\nPORT=3000\n`;
    const f = only(check({ '.env': text }), 'committed-credential');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.provider, 'pem');
    assert.equal(f[0].data.kind, 'private-key');
    assert.equal(f[0].line, 1);
    const escaped = `JWT_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----\\n${body.match(/.{1,64}/g)!.join('\\n')}\\n-----END RSA PRIVATE KEY-----"\n`;
    assert.equal(only(check({ '.env': escaped }), 'committed-credential')[0]?.data.provider, 'pem');
  });

  it('skips documentation fakes', () => {
    const text = [
      'OPENAI_API_KEY=sk_test_xxx',
      'STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx',
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
      'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'GITHUB_TOKEN_2=ghp_1234567890abcdefghijklmnopqrstuvwxyz',
      'JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----"',
      '',
    ].join('\n');
    assert.deepEqual(only(check({ '.env': text }), 'committed-credential'), []);
    assert.deepEqual(only(check({ '.env.example': text }), 'committed-credential'), []);
  });

  it('a git-ignored .env may hold credentials; an example file never', () => {
    const value = plant('sk_live_' + pseudo('stripe-ignored', 24));
    const files = { '.env': `STRIPE_SECRET_KEY=${value}\n`, '.env.example': `STRIPE_SECRET_KEY=${value}\n` };
    const gitignore = { '': '.env\n' };
    assert.deepEqual(only(check(files, '.env', { gitignore }), 'committed-credential'), []);
    assert.equal(only(check(files, '.env.example', { gitignore }), 'committed-credential').length, 1);
    assert.equal(only(check(files, '.env', { gitignore: { '': 'node_modules\n' } }), 'committed-credential').length, 1);
  });

  it('a commented-out credential is still committed', () => {
    const value = plant('sk_live_' + pseudo('stripe-comment', 24));
    const line = `# STRIPE_SECRET_KEY=${value}`;
    const f = only(check({ '.env': `${line}\nPORT=1\n` }), 'committed-credential');
    assert.equal(f.length, 1);
    assert.equal(f[0].character, line.indexOf('sk_live_'));
    assert.match(f[0].message, /commented-out/);
  });

  it('a real password inside a URL is reported; a placeholder one is left to weak-secret', () => {
    const pw = plant(pseudo('url-pw', 20));
    const line = `DATABASE_URL=postgres://app:${pw}@db.internal:5432/app`;
    const f = one(line, 'committed-credential');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.provider, 'url');
    assert.equal(f[0].character, line.indexOf(pw));
    assert.equal(one(`API_URL=https://deploy:${pw}@api.example.com/v1`, 'committed-credential').length, 1);
    assert.deepEqual(one('DATABASE_URL=postgres://app:changeme@db/app', 'committed-credential'), []);
    assert.deepEqual(one('DATABASE_URL=postgres://postgres:postgres@localhost/app', 'committed-credential', '.env.example'), []);
    assert.deepEqual(one('DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app', 'committed-credential'), []);
  });

  it('a random-looking value in an example file is shared by every installer', () => {
    const f = one(`SESSION_SECRET=${STRONG_HEX}`, 'committed-credential', '.env.example');
    assert.equal(f.length, 1);
    assert.equal(f[0].data.kind, 'example-value');
    const text = ['JWT_SECRET=', 'SESSION_SECRET=<openssl rand -base64 32>', 'COOKIE_SECRET=change-me-in-production', 'ENCRYPTION_KEY=0000000000000000000000000000000000000000000000000000000000000000', ''].join('\n');
    assert.deepEqual(only(check({ '.env.example': text }), 'committed-credential'), []);
    // The same random value in a real file is not this rule's business.
    assert.deepEqual(one(`SESSION_SECRET=${STRONG_HEX}`, 'committed-credential'), []);
  });

  it('Google browser keys (Firebase, Maps, browser prefixes) are not server credentials', () => {
    const key = plant('AIza' + pseudo('firebase-web', 35));
    assert.deepEqual(one(`FIREBASE_API_KEY=${key}`, 'committed-credential'), []);
    assert.deepEqual(one(`NEXT_PUBLIC_FIREBASE_API_KEY=${key}`, 'committed-credential'), []);
    assert.deepEqual(one(`GOOGLE_MAPS_API_KEY=${key}`, 'committed-credential'), []);
  });
});

describe('value rules: fixtures', () => {
  const root = resolve(__dirname, '../../../test/fixtures/rules-values');
  const update = process.env.UPDATE_SNAPSHOTS === '1';

  function readTree(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    (function walk(d: string) {
      for (const name of readdirSync(d).sort()) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else out[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
      }
    })(dir);
    return out;
  }

  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    const files = readTree(join(dir, 'input'));
    for (const text of Object.values(files)) {
      for (const line of text.split(/\r?\n/)) {
        const m = /^\s*(?:export\s+)?([\w.-]+)=(.*)$/.exec(line);
        if (!m) continue;
        const value = m[2].replace(/\s#.*$/, '').trim().replace(/^(["'])(.*)\1$/, '$2');
        // Secrets only: markers, references and settings such as NODE_ENV are not values anyone could leak.
        const secret = classifyKeyName(m[1])?.secret || parseUrlPassword(value) !== undefined;
        if (secret && !isMarker(value) && !isNonSecretValue(value) && !value.includes('${')) plant(value);
      }
    }
    it(`${name} matches output.json`, () => {
      const a = analyzeFiles(files, { gitignore: files['.gitignore'] !== undefined ? { '': files['.gitignore'] } : undefined });
      const actual: Record<string, unknown[]> = {};
      for (const path of Object.keys(files).sort()) {
        const f = a.findings(path).filter((x) => VALUE_RULES.includes(x.ruleId));
        if (f.length > 0) actual[path] = f.map((x) => ({ rule: x.ruleId, line: x.range.start.line + 1, column: x.range.start.character + 1, severity: x.severity, key: x.key, message: x.message, data: x.data }));
      }
      const outPath = join(dir, 'output.json');
      if (update) writeFileSync(outPath, JSON.stringify(actual, null, 2) + '\n');
      const expected = JSON.parse(readFileSync(outPath, 'utf8'));
      assert.deepEqual(actual, expected, `${name}: findings differ from output.json (UPDATE_SNAPSHOTS=1 refreshes it after review)`);
    });
  }
});

describe('value rules never reveal a value', () => {
  it('no message or data holds a planted value or an 8-character slice of one', () => {
    // Everything planted above, in one real file and one example file, plus the fixtures.
    const keys = ['JWT_SECRET', 'POSTGRES_PASSWORD', 'STRIPE_SECRET_KEY', 'NEXT_PUBLIC_SESSION_SECRET', 'DATABASE_URL'];
    const lines: string[] = [];
    const values: string[] = [];
    [...planted].forEach((p, i) => {
      const key = keys[i % keys.length];
      const v = key === 'DATABASE_URL' ? p.replace(/[@/:\s#"'`$]/g, '') : p.replace(/["\\\n]/g, '');
      if (v.length < 8) return;
      values.push(v);
      lines.push(key === 'DATABASE_URL' ? `${key}_${i}=postgres://app:${v}@db/app` : `${key}_${i}="${v}"`);
    });
    const text = lines.join('\n') + '\n';
    const a = analyzeFiles({ '.env': text, '.env.example': text });
    let checked = 0;
    for (const path of ['.env', '.env.example']) {
      for (const f of a.findings(path).filter((x) => VALUE_RULES.includes(x.ruleId))) {
        checked++;
        const shown = f.message + '\n' + JSON.stringify(f.data ?? {}) + '\n' + (f.related ?? []).map((r) => r.message).join('\n');
        for (const v of values) {
          for (let i = 0; i + 8 <= v.length; i++) {
            if (shown.includes(v.slice(i, i + 8))) assert.fail(`${f.ruleId} on ${path}:${f.range.start.line + 1} shows 8 characters of a planted value (of length ${v.length})`);
          }
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} findings were checked`);
  });
});
