import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeFiles, Analyzer } from '../../server/src/core/analyzer';
import type { FileMeta } from '../../server/src/core/rule';
import { canonicalKey, differentEnvironments, environmentOf } from '../../server/src/core/rules/reused-secret';
import { gitignorePattern } from '../../server/src/core/rules/env-not-ignored';
import type { Finding } from '../../server/src/core/types';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'rules-structure');

/** A random-looking 32-byte hex value, different per name (fixture input only). */
function hex(name: string): string {
  return createHash('sha256').update(`rules-structure:${name}`).digest('hex');
}

/** A random-looking password without characters dotenv treats specially. */
function pw(name: string): string {
  const b = createHash('sha256').update(`pw:${name}`).digest('base64').replace(/[^A-Za-z0-9]/g, '');
  return b.slice(0, 8) + 'Zq7' + b.slice(8, 16);
}

function of(a: Analyzer, path: string, rule: string): Finding[] {
  return a.findings(path).filter((f) => f.ruleId === rule);
}

/** "line:key:severity" of one rule's findings in a file. */
function brief(a: Analyzer, path: string, rule: string): string[] {
  return of(a, path, rule).map((f) => `${f.range.start.line}:${f.key ?? ''}:${f.severity}`);
}

/** No finding of any file contains any of the values; the assertion message never names one. */
function assertNoValues(a: Analyzer, values: string[]): void {
  for (const [path, findings] of a.allFindings()) {
    findings.forEach((f, i) => {
      const text = JSON.stringify(f);
      values.forEach((v, j) => assert.ok(!text.includes(v), `finding #${i} (${f.ruleId}) of ${path} contains fixture value #${j}`));
    });
  }
}

function loadWorkspace(dir: string): { files: Record<string, string>; gitignore: Record<string, string> } {
  const files: Record<string, string> = {};
  const gitignore: Record<string, string> = {};
  (function walk(d: string) {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const rel = relative(dir, p).split('\\').join('/');
        const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
        if (name === '_gitignore') gitignore[folder] = readFileSync(p, 'utf8');
        else if (name !== 'README.md') files[rel] = readFileSync(p, 'utf8');
      }
    }
  })(dir);
  return { files, gitignore };
}

describe('rules-structure: reused-secret', () => {
  it('JWT_SECRET = NEXTAUTH_SECRET in one file: both get the finding, each pointing at the other (seed 003)', () => {
    const v = hex('shared');
    const a = analyzeFiles({ '.env': `JWT_SECRET=${v}\nNEXTAUTH_SECRET=${v}\n` });
    const fs = of(a, '.env', 'reused-secret');
    assert.deepEqual(fs.map((f) => f.key), ['JWT_SECRET', 'NEXTAUTH_SECRET']);
    assert.deepEqual(fs[0].data, { keys: ['JWT_SECRET', 'NEXTAUTH_SECRET'], files: ['.env'], kind: 'purposes', guessable: false });
    assert.match(fs[0].message, /^JWT_SECRET has the same value as NEXTAUTH_SECRET: /);
    assert.deepEqual(fs[0].related?.map((r) => [r.path, r.range.start.line, r.range.start.character]), [['.env', 1, 'NEXTAUTH_SECRET='.length]]);
    assert.deepEqual(fs[1].related?.map((r) => [r.path, r.range.start.line]), [['.env', 0]]);
    assertNoValues(a, [v]);
  });

  it('a JWT secret equal to a database password, across two files of the workspace', () => {
    const v = pw('db');
    const a = analyzeFiles({ 'apps/api/.env': `JWT_SECRET=${v}\n`, 'apps/db/.env': `POSTGRES_PASSWORD=${v}\n` });
    const [f] = of(a, 'apps/api/.env', 'reused-secret');
    assert.equal(f.data?.kind, 'purposes');
    assert.match(f.message, /POSTGRES_PASSWORD in apps\/db\/\.env/);
    assert.deepEqual(f.related?.map((r) => r.path), ['apps/db/.env']);
    assert.deepEqual(brief(a, 'apps/db/.env', 'reused-secret'), ['0:POSTGRES_PASSWORD:warning']);
    assertNoValues(a, [v]);
  });

  it('JWT_ACCESS_SECRET = JWT_REFRESH_SECRET (same purpose, different keys) is reuse too (seed 001)', () => {
    const v = hex('access-refresh');
    const a = analyzeFiles({ '.env': `JWT_ACCESS_SECRET=${v}\nJWT_REFRESH_SECRET=${v}\n` });
    assert.equal(of(a, '.env', 'reused-secret').length, 2);
  });

  it('the same key with the same value in .env.development and .env.production (also apps/x/)', () => {
    const v = hex('dev-prod');
    const w = hex('dev-prod-app');
    const a = analyzeFiles({
      '.env.development': `JWT_SECRET=${v}\n`,
      '.env.production': `JWT_SECRET=${v}\n`,
      'apps/x/.env.development': `SESSION_SECRET=${w}\n`,
      'apps/x/.env.production': `SESSION_SECRET=${w}\n`,
    });
    const [f] = of(a, '.env.production', 'reused-secret');
    assert.equal(f.data?.kind, 'environments');
    assert.match(f.message, /^JWT_SECRET has the same value in \.env\.production as JWT_SECRET in \.env\.development: use a different secret per environment$/);
    assert.equal(of(a, '.env.development', 'reused-secret')[0].data?.kind, 'environments');
    assert.deepEqual(of(a, 'apps/x/.env.development', 'reused-secret')[0].data, {
      keys: ['SESSION_SECRET'], files: ['apps/x/.env.development', 'apps/x/.env.production'], kind: 'environments', guessable: false,
    });
    assertNoValues(a, [v, w]);
  });

  it('not reuse: layers of one environment, services sharing a key, developer-only environments', () => {
    const v = hex('layers');
    const a = analyzeFiles({
      // .env and .env.local are loaded by every environment: a repeated value is an override.
      '.env': `JWT_SECRET=${v}\n`,
      '.env.local': `JWT_SECRET=${v}\n`,
      '.env.production': `JWT_SECRET=${v}\n`,
      '.env.production.local': `JWT_SECRET=${v}\n`,
      // Two services of one environment must agree on the key they verify with.
      'apps/api/.env.staging': `SESSION_SECRET=${hex('svc')}\n`,
      'apps/web/.env.staging': `SESSION_SECRET=${hex('svc')}\n`,
      // The local database password of development and test protects nothing worth separating.
      '.env.development': `POSTGRES_PASSWORD=${pw('local')}\n`,
      '.env.test': `POSTGRES_PASSWORD=${pw('local')}\n`,
    });
    for (const path of a.paths()) assert.deepEqual(of(a, path, 'reused-secret'), [], path);
  });

  it('a real value copied into an example file: both sides, with distinct messages', () => {
    const v = hex('copied');
    const a = analyzeFiles({ '.env': `JWT_SECRET=${v}\n`, '.env.example': `JWT_SECRET=${v}\n` });
    const [real] = of(a, '.env', 'reused-secret');
    const [example] = of(a, '.env.example', 'reused-secret');
    assert.equal(real.data?.kind, 'example');
    assert.equal(real.data?.guessable, false);
    assert.match(real.message, /in an example file anyone with the repository can read/);
    assert.match(example.message, /^This example file holds the real value of JWT_SECRET in \.env: replace it with a placeholder and rotate the real secret$/);
    assert.deepEqual(example.related?.map((r) => r.path), ['.env']);
    assertNoValues(a, [v]);
  });

  it('a weak example value still used in the real file is reuse with its own message', () => {
    const v = 'change-me-before-deploying';
    const a = analyzeFiles({ '.env': `JWT_SECRET=${v}\n`, '.env.example': `JWT_SECRET=${v}\n` });
    const [real] = of(a, '.env', 'reused-secret');
    assert.equal(real.data?.guessable, true);
    assert.match(real.message, /^JWT_SECRET still holds the same guessable value as JWT_SECRET in \.env\.example in an example file: generate a real secret$/);
    assert.match(of(a, '.env.example', 'reused-secret')[0].message, /^This example value is still in use as JWT_SECRET in \.env:/);
    assertNoValues(a, [v]);
  });

  it('a weak value shared by two purposes says "guessable"', () => {
    const a = analyzeFiles({ '.env': 'JWT_SECRET=supersecretvalue\nSESSION_SECRET=supersecretvalue\n' });
    assert.match(of(a, '.env', 'reused-secret')[0].message, /^JWT_SECRET has the same guessable value as SESSION_SECRET: /);
  });

  it('example files among themselves and third-party placeholders are not reuse', () => {
    const a = analyzeFiles({
      '.env.example': 'JWT_SECRET=replace-me\nSESSION_SECRET=replace-me\n',
      'apps/x/.env.example': 'JWT_SECRET=replace-me\n',
      '.env': 'STRIPE_SECRET_KEY=your-stripe-key-here\nOPENAI_API_KEY=your-stripe-key-here\n',
      '.env.sample': 'STRIPE_SECRET_KEY=your-stripe-key-here\n',
    });
    for (const path of a.paths()) assert.deepEqual(of(a, path, 'reused-secret'), [], path);
  });

  it('POSTGRES_PASSWORD and the password in DATABASE_URL are one secret; REDIS_PASSWORD with it is reuse', () => {
    const p = pw('pg');
    const a = analyzeFiles({
      '.env': [
        `POSTGRES_PASSWORD=${p}`,
        `DATABASE_URL=postgres://app:${p}@db:5432/app`,
        `DIRECT_URL=postgresql://app:${p}@db-direct:5432/app`,
        `DB_PASSWORD=${p}`,
        `REDIS_PASSWORD=${p}`,
        '',
      ].join('\n'),
    });
    const fs = of(a, '.env', 'reused-secret');
    // Only REDIS_PASSWORD is another service; the Postgres names and URLs are one account.
    assert.deepEqual(fs.map((f) => f.key), ['POSTGRES_PASSWORD', 'DATABASE_URL', 'DIRECT_URL', 'DB_PASSWORD', 'REDIS_PASSWORD']);
    for (const f of fs.slice(0, 4)) assert.deepEqual(f.related?.map((r) => r.range.start.line), [4], f.key);
    assert.deepEqual(fs[4].related?.map((r) => r.range.start.line), [0, 1, 2, 3]);
    assert.match(fs[1].message, /^the password in DATABASE_URL has the same value as REDIS_PASSWORD/);
    // The related range of a URL password covers just the password.
    const r = fs[4].related![1].range;
    assert.equal(r.start.character, 'DATABASE_URL=postgres://app:'.length);
    assert.equal(r.end.character - r.start.character, p.length);
    assertNoValues(a, [p]);
  });

  it('the URL user ties a password to its URL (SERVICE_USER=nis2, postgres://nis2:…)', () => {
    const p = pw('user');
    const a = analyzeFiles({ '.env': `SERVICE_USER=nis2\nSERVICE_PASSWORD=${p}\nDATABASE_URL=postgres://nis2:${p}@db/nis2\n` });
    assert.deepEqual(of(a, '.env', 'reused-secret'), []);
    const b = analyzeFiles({ '.env': `SERVICE_USER=other\nSERVICE_PASSWORD=${p}\nDATABASE_URL=postgres://nis2:${p}@db/nis2\n` });
    assert.equal(of(b, '.env', 'reused-secret').length, 2);
  });

  it('two accounts of one database (root and app user) sharing a password are reuse', () => {
    const p = pw('mysql');
    const a = analyzeFiles({ '.env': `MYSQL_ROOT_PASSWORD=${p}\nMYSQL_PASSWORD=${p}\n` });
    assert.equal(of(a, '.env', 'reused-secret').length, 2);
    const b = analyzeFiles({ '.env': `MYSQL_ROOT_PASSWORD=${p}\nDATABASE_URL=mysql://root:${p}@db/app\n` });
    assert.deepEqual(of(b, '.env', 'reused-secret'), []);
  });

  it('a connection URL with the same password in development and production is environment reuse', () => {
    const p = pw('url-envs');
    const a = analyzeFiles({ '.env.development': `DATABASE_URL=postgres://app:${p}@localhost/app\n`, '.env.production': `DATABASE_URL=postgres://app:${p}@db.internal/app\n` });
    assert.equal(of(a, '.env.production', 'reused-secret')[0]?.data?.kind, 'environments');
  });

  it('previous-slot copies are left to previous-equals-current; across environments they are reuse', () => {
    const v = hex('slot-copy');
    const a = analyzeFiles({ '.env.production': `JWT_SECRET=${v}\nJWT_SECRET_PREVIOUS=${v}\n` });
    assert.deepEqual(of(a, '.env.production', 'reused-secret'), []);
    assert.equal(of(a, '.env.production', 'previous-equals-current').length, 1);
    const b = analyzeFiles({ '.env.production': `JWT_SECRET_PREVIOUS=${v}\n`, '.env.development': `JWT_SECRET=${v}\n` });
    assert.equal(of(b, '.env.development', 'reused-secret')[0]?.data?.kind, 'environments');
  });

  it('every occurrence is listed when a value sits in many places; the message names three', () => {
    const v = hex('many');
    const keys = ['JWT_SECRET', 'SESSION_SECRET', 'COOKIE_SECRET', 'CSRF_SECRET', 'ENCRYPTION_KEY'];
    const a = analyzeFiles({ '.env': keys.map((k) => `${k}=${v}`).join('\n') + '\n' });
    const [f] = of(a, '.env', 'reused-secret');
    assert.equal(f.related?.length, 4);
    assert.match(f.message, /SESSION_SECRET, COOKIE_SECRET and CSRF_SECRET \(and 1 more\)/);
    assert.deepEqual(f.data?.keys, [...keys].sort());
  });

  it('after setFile changes one file, the other file\'s findings update (and it is in the affected set)', () => {
    const v = hex('incremental');
    const a = analyzeFiles({ '.env.development': `JWT_SECRET=${v}\n`, '.env.production': `JWT_SECRET=${v}\n`, 'apps/other/.env': `OTHER_SECRET=${hex('other')}\n` });
    assert.equal(of(a, '.env.development', 'reused-secret').length, 1);
    const affected = a.setFile({ path: '.env.production', text: `JWT_SECRET=${hex('rotated')}\n` });
    assert.ok(affected.has('.env.development'));
    assert.ok(!affected.has('apps/other/.env'));
    assert.deepEqual(of(a, '.env.development', 'reused-secret'), []);
    const back = a.setFile({ path: '.env.production', text: `# back\nJWT_SECRET=${v}\n` });
    assert.ok(back.has('.env.development'));
    assert.deepEqual(of(a, '.env.development', 'reused-secret')[0].related?.map((r) => [r.path, r.range.start.line]), [['.env.production', 1]]);
    const removed = a.removeFile('.env.production');
    assert.ok(removed.has('.env.development'));
    assert.deepEqual(of(a, '.env.development', 'reused-secret'), []);
  });

  it('environmentOf and canonicalKey', () => {
    const cases: [string, string | undefined][] = [
      ['.env', undefined], ['.env.local', undefined], ['.env.production', 'production'], ['apps/x/.env.prod', 'production'],
      ['.env.development.local', 'development'], ['production.env', 'production'], ['backend.env', undefined],
      ['docker-compose.yml', undefined], ['docker-compose.prod.yml', 'production'], ['compose.override.yaml', undefined],
      ['src/main/resources/application-staging.yml', 'staging'], ['appsettings.Development.json', 'development'],
      ['config/production.json', 'production'], ['config/default.json', undefined],
    ];
    for (const [path, env] of cases) assert.equal(environmentOf(path), env, path);
    assert.ok(differentEnvironments('development', 'production'));
    assert.ok(!differentEnvironments('development', 'test'));
    assert.ok(!differentEnvironments(undefined, 'production'));
    assert.equal(canonicalKey('jwt.secret-key'), canonicalKey('JWT_SECRET_KEY'));
    assert.equal(canonicalKey('NEXTAUTH_SECRET'), canonicalKey('AUTH_SECRET'));
    assert.equal(canonicalKey('JWT_SECRET_PREVIOUS'), 'JWT_SECRET');
  });

  it('config formats: a Spring dotted key is the env key; a Kubernetes Secret deploys the same key', () => {
    const v = hex('spring');
    const a = analyzeFiles({
      '.env': `JWT_SECRET_KEY=${v}\n`,
      'src/main/resources/application.yml': `jwt:\n  secret-key: ${v}\n`,
      'src/main/resources/application-prod.yml': `jwt:\n  secret-key: ${v}\n`,
      '.env.development': `JWT_SECRET_KEY=${v}\n`,
      'k8s/secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  JWT_SECRET_KEY: ${Buffer.from(v).toString('base64')}\n`,
    });
    assert.equal(a.source('k8s/secret.yaml')!.entries.length, 1);
    const got = a.paths().sort().flatMap((p) => of(a, p, 'reused-secret').map((f) => `${p} ${f.key} ${f.data?.kind} ${f.related?.map((r) => r.path).join(',')}`));
    assert.deepEqual(got, [
      '.env.development JWT_SECRET_KEY environments src/main/resources/application-prod.yml',
      'src/main/resources/application-prod.yml jwt.secret-key environments .env.development',
    ]);
    assertNoValues(a, [v, Buffer.from(v).toString('base64')]);
  });

  describe('with compose files', () => {
    it('the same key in .env and in the compose file that loads it is one secret; the URL in compose too', () => {
      const p = pw('compose');
      const j = hex('compose-jwt');
      const a = analyzeFiles({
        '.env': `JWT_SECRET=${j}\nPOSTGRES_PASSWORD=${p}\n`,
        'docker-compose.yml': [
          'services:',
          '  api:',
          '    env_file: .env',
          '    environment:',
          `      JWT_SECRET: \${JWT_SECRET:-${j}}`,
          `      DATABASE_URL: postgres://postgres:${p}@db:5432/app`,
          '  db:',
          '    environment:',
          `      - POSTGRES_PASSWORD=${p}`,
          '',
        ].join('\n'),
      });
      assert.deepEqual(of(a, '.env', 'reused-secret'), []);
      assert.deepEqual(of(a, 'docker-compose.yml', 'reused-secret'), []);
      assertNoValues(a, [p, j]);
    });

    it('env_file ties a compose file to the env file it loads, whatever their names say about environments', () => {
      const j = hex('compose-env-file');
      const files = (envFile: string) => ({
        '.env.docker': `JWT_SECRET=${j}\n`,
        'docker-compose.prod.yml': `services:\n  api:\n${envFile}    environment:\n      JWT_SECRET: ${j}\n`,
      });
      assert.deepEqual(of(analyzeFiles(files('    env_file: .env.docker\n')), '.env.docker', 'reused-secret'), []);
      assert.equal(of(analyzeFiles(files('')), '.env.docker', 'reused-secret')[0]?.data?.kind, 'environments');
    });

    it('a compose default under another name is one secret when it names the variable', () => {
      const j = hex('compose-var');
      const a = analyzeFiles({
        '.env': `JWT_SECRET=${j}\n`,
        'docker-compose.yml': `services:\n  api:\n    environment:\n      TOKEN_SIGNING_SECRET: \${JWT_SECRET:-${j}}\n      SESSION_SECRET: ${j}\n`,
      });
      // The interpolation default is JWT_SECRET itself; SESSION_SECRET is another purpose.
      assert.deepEqual(of(a, '.env', 'reused-secret').map((f) => f.related?.map((r) => r.path + ':' + r.range.start.line)), [['docker-compose.yml:4']]);
      const compose = of(a, 'docker-compose.yml', 'reused-secret');
      assert.deepEqual(compose.map((f) => f.key), ['TOKEN_SIGNING_SECRET', 'SESSION_SECRET']);
      assert.deepEqual(compose[0].related?.map((r) => r.path + ':' + r.range.start.line), ['docker-compose.yml:4']);
      assert.deepEqual(compose[1].related?.map((r) => r.path + ':' + r.range.start.line), ['.env:0', 'docker-compose.yml:3']);
    });
  });
});

describe('rules-structure: previous-equals-current', () => {
  it('seed 000 JWT: JWT_SECRET_PREVIOUS = JWT_SECRET (stopped after step 1)', () => {
    const v = hex('pec');
    const a = analyzeFiles({ '.env': `JWT_SECRET=${v}\nJWT_SECRET_PREVIOUS=${v}\n` });
    const [f] = of(a, '.env', 'previous-equals-current');
    assert.equal(f.key, 'JWT_SECRET_PREVIOUS');
    assert.equal(f.range.start.line, 1);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /^JWT_SECRET_PREVIOUS holds the same value as JWT_SECRET: the rotation never happened/);
    assert.deepEqual(f.related?.map((r) => r.range.start.line), [0]);
    assert.deepEqual(f.data, { base: 'JWT_SECRET', current: 'JWT_SECRET', previous: 'JWT_SECRET_PREVIOUS' });
    assertNoValues(a, [v]);
    const b = analyzeFiles({ '.env': `JWT_SECRET=${v}\nJWT_SECRET_PREVIOUS=${hex('other')}\n` });
    assert.deepEqual(of(b, '.env', 'previous-equals-current'), []);
  });

  it('every scheme: versioned, numbered, Auth.js, list slot, key list', () => {
    const v = hex('schemes');
    const a = analyzeFiles({
      'versioned.env': `WALLET_ENCRYPTION_KEY=${v}\nWALLET_ENCRYPTION_KEY_VERSION=2\nWALLET_ENCRYPTION_KEY_V1=${v}\n`,
      'numbered.env': `ACCESS_TOKEN_SECRET_1=${v}\nACCESS_TOKEN_SECRET_0=${v}\n`,
      'authjs.env': `AUTH_SECRET=${v}\nAUTH_SECRET_1=${v}\n`,
      'laravel.env': `APP_KEY=base64:${v}\nAPP_PREVIOUS_KEYS=base64:${hex('older')},base64:${v}\n`,
      'list.env': `SESSION_SECRETS=${v},${v}\n`,
    });
    assert.deepEqual(brief(a, 'versioned.env', 'previous-equals-current'), ['2:WALLET_ENCRYPTION_KEY_V1:warning']);
    assert.deepEqual(brief(a, 'numbered.env', 'previous-equals-current'), ['1:ACCESS_TOKEN_SECRET_0:warning']);
    assert.deepEqual(brief(a, 'authjs.env', 'previous-equals-current'), ['0:AUTH_SECRET:warning']);
    assert.deepEqual(brief(a, 'laravel.env', 'previous-equals-current'), ['1:APP_PREVIOUS_KEYS:warning']);
    const [l] = of(a, 'list.env', 'previous-equals-current');
    assert.match(l.message, /^SESSION_SECRETS lists the same key twice \(items 1 and 2 of 2\): the previous key is the current one/);
    assertNoValues(a, [v]);
  });

  it('example files are skipped: their placeholders are alike on purpose', () => {
    const a = analyzeFiles({ '.env.example': 'JWT_SECRET=your-secret-here\nJWT_SECRET_PREVIOUS=your-secret-here\n' });
    assert.deepEqual(of(a, '.env.example', 'previous-equals-current'), []);
  });
});

describe('rules-structure: missing-previous-slot', () => {
  it('a lone signing secret in a project without slots: hint, suggesting X_PREVIOUS', () => {
    const a = analyzeFiles({ '.env': `JWT_SECRET=${hex('lone')}\n` });
    const [f] = of(a, '.env', 'missing-previous-slot');
    assert.equal(f.severity, 'hint');
    assert.deepEqual(f.data, { base: 'JWT_SECRET', suggestedSlot: 'JWT_SECRET_PREVIOUS', scheme: 'previous' });
    assert.deepEqual([f.range.start.character, f.range.end.character], [0, 'JWT_SECRET'.length]);
  });

  it('a sibling with a slot in the same file: warning, with the project\'s suffix', () => {
    const a = analyzeFiles({ '.env': `SESSION_SECRET=${hex('s')}\nSESSION_SECRET_OLD=${hex('s0')}\nJWT_SECRET=${hex('j')}\n` });
    const [f] = of(a, '.env', 'missing-previous-slot');
    assert.equal(f.key, 'JWT_SECRET');
    assert.equal(f.severity, 'warning');
    assert.equal(f.data?.suggestedSlot, 'JWT_SECRET_OLD');
    assert.match(f.message, /while SESSION_SECRET uses dual-key verification/);
  });

  it('dual-key use elsewhere in the workspace makes it a warning; the key\'s own slot elsewhere a hint', () => {
    const a = analyzeFiles({
      'apps/api/.env': `JWT_SECRET=${hex('a')}\nJWT_SECRET_PREV=${hex('b')}\n`,
      'apps/web/.env': `COOKIE_SECRET=${hex('c')}\n`,
      'apps/api/.env.development': `JWT_SECRET=${hex('d')}\n`,
    });
    assert.deepEqual(brief(a, 'apps/web/.env', 'missing-previous-slot'), ['0:COOKIE_SECRET:warning']);
    assert.equal(of(a, 'apps/web/.env', 'missing-previous-slot')[0].data?.suggestedSlot, 'COOKIE_SECRET_PREV');
    const [own] = of(a, 'apps/api/.env.development', 'missing-previous-slot');
    assert.equal(own.severity, 'hint');
    assert.equal(own.data?.suggestedSlot, 'JWT_SECRET_PREV');
    assert.deepEqual(of(a, 'apps/api/.env', 'missing-previous-slot'), []);
  });

  it('generic *_SECRET names stay hints, browser-prefixed keys are left to client-exposed-secret', () => {
    const a = analyzeFiles({ '.env': `JWT_SECRET=${hex('g1')}\nJWT_SECRET_PREVIOUS=${hex('g2')}\nWEBHOOK_SIGNING_SECRET=${hex('g3')}\nPLUGIN_SECRET=${hex('g4')}\nNEXT_PUBLIC_JWT_SECRET=${hex('g5')}\n` });
    assert.deepEqual(brief(a, '.env', 'missing-previous-slot'), ['2:WEBHOOK_SIGNING_SECRET:warning', '3:PLUGIN_SECRET:hint']);
  });

  it('a key versioned in another env file gets that scheme suggested', () => {
    const a = analyzeFiles({
      '.env.production': `WALLET_ENCRYPTION_KEY=${hex('v')}\nWALLET_ENCRYPTION_KEY_VERSION=3\nWALLET_ENCRYPTION_KEY_V2=${hex('v2')}\n`,
      '.env.staging': `WALLET_ENCRYPTION_KEY=${hex('s')}\n`,
      '.env.example': 'WALLET_ENCRYPTION_KEY=\n',
    });
    assert.deepEqual(of(a, '.env.staging', 'missing-previous-slot').map((f) => [f.severity, f.data?.suggestedSlot, f.data?.scheme]), [['hint', 'WALLET_ENCRYPTION_KEY_V2', 'versioned']]);
    assert.deepEqual(brief(a, '.env.example', 'missing-previous-slot'), ['0:WALLET_ENCRYPTION_KEY:hint']);
    const b = analyzeFiles({ '.env.production': `WALLET_ENCRYPTION_KEY=${hex('v')}\nWALLET_ENCRYPTION_KEY_VERSION=1\n`, '.env.staging': `WALLET_ENCRYPTION_KEY=${hex('s')}\n` });
    assert.equal(of(b, '.env.staging', 'missing-previous-slot')[0].data?.suggestedSlot, 'WALLET_ENCRYPTION_KEY_V1');
  });

  it('follows a versioned project scheme: suggests X_V1', () => {
    const a = analyzeFiles({ '.env': `WALLET_ENCRYPTION_KEY=${hex('w')}\nWALLET_ENCRYPTION_KEY_VERSION=2\nWALLET_ENCRYPTION_KEY_V1=${hex('w1')}\nDATA_ENCRYPTION_KEY=${hex('d')}\n` });
    const [f] = of(a, '.env', 'missing-previous-slot');
    assert.deepEqual([f.key, f.severity, f.data?.suggestedSlot, f.data?.scheme], ['DATA_ENCRYPTION_KEY', 'warning', 'DATA_ENCRYPTION_KEY_V1', 'versioned']);
  });

  it('self-chosen token secrets (seed 002 ACCESS_TOKEN_SECRET) count as signing secrets', () => {
    const a = analyzeFiles({ '.env': `ACCESS_TOKEN_SECRET=${hex('t')}\n` });
    assert.deepEqual(brief(a, '.env', 'missing-previous-slot'), ['0:ACCESS_TOKEN_SECRET:hint']);
  });

  it('not reported: slotted keys of every scheme, passwords, third-party secrets, framework keys, empty values, declared immediate', () => {
    const a = analyzeFiles(
      {
        '.env': [
          `JWT_SECRET=${hex('1')}`,
          `JWT_SECRET_PREVIOUS=${hex('2')}`,
          `WALLET_ENCRYPTION_KEY=${hex('3')}`,
          'WALLET_ENCRYPTION_KEY_VERSION=1',
          `ACCESS_TOKEN_SECRET_1=${hex('4')}`,
          `ACCESS_TOKEN_SECRET_0=${hex('5')}`,
          `AUTH_SECRET=${hex('6')}`,
          `NEXTAUTH_SECRET=${hex('6n')}`,
          `SESSION_SECRETS=${hex('7')},${hex('8')}`,
          `POSTGRES_PASSWORD=${pw('9')}`,
          `STRIPE_WEBHOOK_SECRET=whsec_${hex('10').slice(0, 32)}`,
          'COOKIE_SECRET=',
          `CSRF_SECRET=${hex('11')}`,
          `ORPHAN_SECRET_PREVIOUS=${hex('12')}`,
          '',
        ].join('\n'),
      },
      { config: { ...(new Analyzer().projectConfig), schemes: { CSRF_SECRET: 'immediate' } } },
    );
    assert.deepEqual(of(a, '.env', 'missing-previous-slot'), []);
  });

  it('example files document slots at hint level only, even where the project uses them', () => {
    const a = analyzeFiles({
      '.env': `JWT_SECRET=${hex('e1')}\nJWT_SECRET_PREVIOUS=${hex('e2')}\n`,
      '.env.example': 'JWT_SECRET=\nSESSION_SECRET=<generate one>\n',
    });
    assert.deepEqual(brief(a, '.env.example', 'missing-previous-slot'), ['0:JWT_SECRET:hint', '1:SESSION_SECRET:hint']);
    // Where the project uses no slot at all, an example has no scheme to document.
    const b = analyzeFiles({ '.env.example': 'JWT_SECRET=\nSESSION_SECRET=<generate one>\n' });
    assert.deepEqual(of(b, '.env.example', 'missing-previous-slot'), []);
  });

  it('adding a slot in one file turns another file\'s hint into a warning (affected set covers it)', () => {
    const a = analyzeFiles({ 'apps/a/.env': `JWT_SECRET=${hex('x')}\n`, 'apps/b/.env': `SESSION_SECRET=${hex('y')}\n` });
    assert.deepEqual(brief(a, 'apps/b/.env', 'missing-previous-slot'), ['0:SESSION_SECRET:hint']);
    const affected = a.setFile({ path: 'apps/a/.env', text: `JWT_SECRET=${hex('x')}\nJWT_SECRET_PREVIOUS=${hex('z')}\n` });
    assert.ok(affected.has('apps/b/.env'));
    assert.deepEqual(brief(a, 'apps/b/.env', 'missing-previous-slot'), ['0:SESSION_SECRET:warning']);
    assert.ok(a.setFile({ path: 'apps/a/.env', text: `JWT_SECRET=${hex('x')}\n` }).has('apps/b/.env'));
    assert.deepEqual(brief(a, 'apps/b/.env', 'missing-previous-slot'), ['0:SESSION_SECRET:hint']);
  });
});

describe('rules-structure: incremental updates of slot information', () => {
  it('a slot key appearing in another file updates findings that read it (even without a family there)', () => {
    const a = analyzeFiles({ '.env.staging': `JWT_SECRET=${hex('st')}\n`, '.env.production': `PORT=3000\n` });
    assert.match(of(a, '.env.staging', 'missing-previous-slot')[0].message, /^JWT_SECRET has no previous slot: /);
    // An orphan JWT_SECRET_OLD (no JWT_SECRET beside it) forms no family, but names the slot.
    const affected = a.setFile({ path: '.env.production', text: `PORT=3000\nJWT_SECRET_OLD=${hex('old')}\n` });
    assert.ok(affected.has('.env.staging'));
    assert.deepEqual(of(a, '.env.staging', 'missing-previous-slot').map((f) => [f.severity, f.data?.suggestedSlot]), [['hint', 'JWT_SECRET_OLD']]);
  });

  it('editing a file without changing its slots affects only that file and the files sharing its values', () => {
    const a = analyzeFiles({
      '.env': `JWT_SECRET=${hex('k1')}\nJWT_SECRET_PREVIOUS=${hex('k2')}\n`,
      'apps/a/.env': `SESSION_SECRET=${hex('k3')}\n`,
      'apps/b/.env': `COOKIE_SECRET=${hex('k4')}\n`,
    });
    assert.deepEqual([...a.setFile({ path: '.env', text: `# edited\nJWT_SECRET=${hex('k5')}\nJWT_SECRET_PREVIOUS=${hex('k2')}\n` })], ['.env']);
    assert.deepEqual([...a.setFile({ path: 'apps/a/.env', text: `SESSION_SECRET=${hex('k4')}\n` })].sort(), ['apps/a/.env', 'apps/b/.env']);
    // Removing the last slot family of the workspace changes every file's severity.
    assert.deepEqual([...a.setFile({ path: '.env', text: `JWT_SECRET=${hex('k5')}\n` })].sort(), ['.env', 'apps/a/.env', 'apps/b/.env']);
  });
});

describe('rules-structure: broken-version-chain', () => {
  const W = 'WALLET_ENCRYPTION_KEY';
  const chain = (lines: string[], path = '.env') => analyzeFiles({ [path]: lines.join('\n') + '\n' });

  it('seed 000 as written (X, X_VERSION=2, X_V1) is a sound chain', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=2`, `${W}_V1=${hex('o')}`]);
    assert.deepEqual(of(a, '.env', 'broken-version-chain'), []);
  });

  it('a gap between the oldest kept slot and the current version is an error', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=4`, `${W}_V1=${hex('1')}`, `${W}_V3=${hex('3')}`]);
    const [f] = of(a, '.env', 'broken-version-chain');
    assert.equal(f.severity, 'error');
    assert.equal(f.range.start.line, 1);
    assert.deepEqual(f.data, { base: W, missing: [`${W}_V2`] });
    assert.match(f.message, /^WALLET_ENCRYPTION_KEY_VERSION=4 but WALLET_ENCRYPTION_KEY_V2 is missing or empty while the older WALLET_ENCRYPTION_KEY_V1 is kept/);
    const empty = chain([`${W}=${hex('n')}`, `${W}_VERSION=3`, `${W}_V1=${hex('1')}`, `${W}_V2=`]);
    assert.deepEqual(of(empty, '.env', 'broken-version-chain')[0].data?.missing, [`${W}_V2`]);
  });

  it('retired slots below the oldest kept one are fine (seed 004: keep latest and latest-1)', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=5`, `${W}_V4=${hex('4')}`]);
    assert.deepEqual(of(a, '.env', 'broken-version-chain'), []);
  });

  it('no slot at all with VERSION >= 2 is a hint about the recovery floor', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=3`]);
    const [f] = of(a, '.env', 'broken-version-chain');
    assert.equal(f.severity, 'hint');
    assert.deepEqual(f.data, { base: W, missing: [`${W}_V2`] });
    assert.deepEqual(of(chain([`${W}=${hex('n')}`, `${W}_VERSION=1`]), '.env', 'broken-version-chain'), []);
  });

  it('a slot newer than the version is an error; one with the current number a warning', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=2`, `${W}_V1=${hex('1')}`, `${W}_V2=${hex('2')}`, `${W}_V3=${hex('3')}`]);
    assert.deepEqual(brief(a, '.env', 'broken-version-chain'), [`3:${W}_V2:warning`, `4:${W}_V3:error`]);
    assert.match(of(a, '.env', 'broken-version-chain')[1].message, /^WALLET_ENCRYPTION_KEY_V3 is newer than the current version \(WALLET_ENCRYPTION_KEY_VERSION=2\)/);
  });

  it('a non-integer or empty version is an error that does not echo the text', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_VERSION=two-ish`, `${W}_V1=${hex('1')}`]);
    const [f] = of(a, '.env', 'broken-version-chain');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^WALLET_ENCRYPTION_KEY_VERSION is not a whole number/);
    assert.ok(!f.message.includes('two-ish'));
    assert.equal(of(chain([`${W}=${hex('n')}`, `${W}_VERSION=2.5`]), '.env', 'broken-version-chain').length, 1);
    assert.match(of(chain([`${W}=${hex('n')}`, `${W}_VERSION=`]), '.env', 'broken-version-chain')[0].message, /is empty/);
    assert.deepEqual(of(chain([`${W}=`, `${W}_VERSION=`], '.env.example'), '.env.example', 'broken-version-chain'), []);
  });

  it('slots without X_VERSION, and X_VERSION without X', () => {
    const a = chain([`${W}=${hex('n')}`, `${W}_V1=${hex('1')}`]);
    assert.deepEqual(brief(a, '.env', 'broken-version-chain'), [`1:${W}_V1:warning`]);
    assert.deepEqual(of(a, '.env', 'broken-version-chain')[0].data, { base: W, missing: [], versionKey: `${W}_VERSION` });
    const b = chain([`${W}_VERSION=2`, `${W}_V1=${hex('1')}`]);
    assert.deepEqual(of(b, '.env', 'broken-version-chain')[0].data, { base: W, missing: [W] });
  });

  it('numbered (seed 002): a lone ACCESS_TOKEN_SECRET_1 lacks _0; _0 + _2 lacks _1; _0 + _1 is sound', () => {
    const lone = chain([`ACCESS_TOKEN_SECRET_1=${hex('1')}`]);
    assert.deepEqual(brief(lone, '.env', 'broken-version-chain'), ['0:ACCESS_TOKEN_SECRET_1:warning']);
    assert.deepEqual(of(lone, '.env', 'broken-version-chain')[0].data, { base: 'ACCESS_TOKEN_SECRET', missing: ['ACCESS_TOKEN_SECRET_0'] });
    const gap = chain([`ACCESS_TOKEN_SECRET_0=${hex('0')}`, `ACCESS_TOKEN_SECRET_2=${hex('2')}`]);
    assert.deepEqual(of(gap, '.env', 'broken-version-chain').map((f) => [f.severity, f.data?.missing]), [['error', ['ACCESS_TOKEN_SECRET_1']]]);
    assert.deepEqual(of(chain([`ACCESS_TOKEN_SECRET_1=${hex('1')}`, `ACCESS_TOKEN_SECRET_0=${hex('0')}`]), '.env', 'broken-version-chain'), []);
  });

  it('Auth.js: AUTH_SECRET_4 is never read; gaps among 1..3 are fine', () => {
    const a = chain([`AUTH_SECRET=${hex('a')}`, `AUTH_SECRET_1=${hex('1')}`, `AUTH_SECRET_4=${hex('4')}`]);
    assert.deepEqual(brief(a, '.env', 'broken-version-chain'), ['2:AUTH_SECRET_4:error']);
    assert.deepEqual(of(chain([`AUTH_SECRET=${hex('a')}`, `AUTH_SECRET_1=${hex('1')}`, `AUTH_SECRET_3=${hex('3')}`]), '.env', 'broken-version-chain'), []);
  });
});

describe('rules-structure: env-not-ignored', () => {
  const secret = `JWT_SECRET=${hex('ign')}\n`;

  it('.env ignored by the root .gitignore: nothing; .env.production not ignored: warning with its own name', () => {
    const a = analyzeFiles({ '.env': secret, '.env.production': secret }, { gitignore: { '': '.env\n' } });
    assert.deepEqual(of(a, '.env', 'env-not-ignored'), []);
    const [f] = of(a, '.env.production', 'env-not-ignored');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.data, { pattern: '.env.production', gitignore: '.gitignore', noGitignore: false });
    assert.match(f.message, /^\.env\.production holds 1 secret value and \.gitignore does not ignore it: add the line "\.env\.production"/);
  });

  it('no .gitignore at all is reported too (seed 003 checklist)', () => {
    const a = analyzeFiles({ '.env': secret });
    const [f] = of(a, '.env', 'env-not-ignored');
    assert.equal(f.data?.noGitignore, true);
    assert.match(f.message, /the workspace has no \.gitignore: create one with the line "\.env"/);
  });

  it('nested .gitignore with negation re-includes a file', () => {
    const a = analyzeFiles(
      { 'apps/web/.env.production': secret, 'apps/api/.env.production': secret, '.env.example': secret },
      { gitignore: { '': '.env\n.env.*\n!.env.example\n', 'apps/web': '!.env.production\n' } },
    );
    assert.equal(of(a, 'apps/web/.env.production', 'env-not-ignored').length, 1);
    assert.deepEqual(of(a, 'apps/api/.env.production', 'env-not-ignored'), []);
    assert.deepEqual(of(a, '.env.example', 'env-not-ignored'), []);
  });

  it('exempt: example files, files without secret values, dotenvx-encrypted values, config formats', () => {
    const a = analyzeFiles({
      '.env.example': secret,
      '.env': 'PORT=3000\nJWT_SECRET=\nAPI_URL=https://example.com\nJWT_EXPIRES_IN=15m\n',
      '.env.production': 'DOTENV_PUBLIC_KEY_PRODUCTION="03a1b2"\nJWT_SECRET="encrypted:BEx1c2VjcmV0LWJ1dC1lbmNyeXB0ZWQ="\n',
      'config/app.yml': 'jwt:\n  secret: abc\n',
    });
    for (const path of a.paths()) assert.deepEqual(of(a, path, 'env-not-ignored'), [], path);
  });

  it('local overrides get the .env*.local pattern; a .gitignore change updates every file', () => {
    const a = analyzeFiles({ '.env.development.local': secret });
    assert.equal(of(a, '.env.development.local', 'env-not-ignored')[0].data?.pattern, '.env*.local');
    const affected = a.setGitignore('', '.env*.local\n');
    assert.ok(affected.has('.env.development.local'));
    assert.deepEqual(of(a, '.env.development.local', 'env-not-ignored'), []);
    assert.equal(gitignorePattern('apps/x/.env'), '.env');
  });
});

describe('rules-structure: env-file-permissions', () => {
  const text = `JWT_SECRET=${hex('perm')}\n`;
  const withMode = (mode: number | undefined, posix = true, path = '.env', body = text) => {
    const meta: Record<string, FileMeta> = { [path]: { mode, posix } };
    return of(analyzeFiles({ [path]: body }, { meta }), path, 'env-file-permissions');
  };

  it('0600 is fine; 0644 is readable by group and others (seed 003: chmod 600)', () => {
    assert.deepEqual(withMode(0o100600), []);
    const [f] = withMode(0o100644);
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.data, { mode: '0644', suggestedMode: '0600', readable: true });
    assert.match(f.message, /^\.env holds secrets and is readable by group and others \(mode 0644\): restrict it to its owner with chmod 600 \.env$/);
  });

  it('group-readable only; write bits without read are info', () => {
    assert.match(withMode(0o640)[0].message, /readable by group \(mode 0640\)/);
    const [w] = withMode(0o620);
    assert.equal(w.severity, 'info');
    assert.match(w.message, /is writable by group \(mode 0620\)/);
  });

  it('not on Windows, not without a known mode, not for examples or files without secrets', () => {
    assert.deepEqual(withMode(0o644, false), []);
    assert.deepEqual(withMode(undefined), []);
    assert.deepEqual(withMode(0o644, true, '.env.example'), []);
    assert.deepEqual(withMode(0o644, true, '.env', 'PORT=3000\n'), []);
  });
});

describe('rules-structure: fixture monorepo', () => {
  const RULE_IDS = ['reused-secret', 'missing-previous-slot', 'broken-version-chain', 'previous-equals-current', 'env-not-ignored', 'env-file-permissions'];

  it('reports exactly the expected structural findings, and no value anywhere', () => {
    const { files, gitignore } = loadWorkspace(join(FIXTURES, 'monorepo'));
    const meta: Record<string, FileMeta> = { '.env': { posix: true, mode: 0o600 }, '.env.production': { posix: true, mode: 0o644 } };
    const a = analyzeFiles(files, { gitignore, meta });
    const got: string[] = [];
    for (const [path, findings] of a.allFindings()) {
      for (const f of findings) if (RULE_IDS.includes(f.ruleId)) got.push(`${path}:${f.range.start.line} ${f.ruleId} ${f.key ?? ''} ${f.severity}${f.data?.kind ? ' ' + f.data.kind : ''}`);
    }
    assert.deepEqual(got, [
      '.env:1 missing-previous-slot JWT_SECRET hint',
      '.env:1 reused-secret JWT_SECRET warning purposes',
      '.env:2 reused-secret NEXTAUTH_SECRET warning purposes',
      '.env.development:0 missing-previous-slot JWT_SECRET hint',
      '.env.development:0 reused-secret JWT_SECRET warning environments',
      '.env.example:0 missing-previous-slot JWT_SECRET hint',
      '.env.production:0 env-file-permissions  warning',
      '.env.production:0 reused-secret JWT_SECRET warning environments',
      'apps/api/.env.production:0 broken-version-chain ACCESS_TOKEN_SECRET_1 warning',
      'apps/api/.env.production:2 missing-previous-slot SESSION_SECRET warning',
      'apps/web/.env.production:0 env-not-ignored  warning',
      'apps/web/.env.production:0 missing-previous-slot SESSION_SECRET warning',
    ]);
    const values = new Set<string>();
    for (const path of a.paths()) for (const e of a.source(path)!.entries) if (e.value.length >= 8) values.add(e.value);
    for (const s of a.paths().flatMap((p) => a.secretsOf(p))) values.add(s.value);
    assert.ok(values.size >= 10, 'collected the fixture values');
    assertNoValues(a, [...values]);
  });
});
