import * as assert from 'node:assert/strict';
import { classifyKeyName, isExampleFile, isMarker, isNonSecretValue, keyWords, parseUrlPassword } from '../../server/src/core/classify';
import { decodedByteLength, detectEncoding, estimateStrength } from '../../server/src/core/strength';
import { findWeakness, isPatterned, looksFake, wordComposition } from '../../server/src/core/placeholders';
import { findCredentials, isPublishableValue, jwtClaims } from '../../server/src/core/credentials';

function klass(key: string) {
  return classifyKeyName(key);
}

describe('classify: what is a secret', () => {
  describe('not secrets by name', () => {
    for (const key of [
      'JWT_PUBLIC_KEY',
      'JWT_KEY_ID',
      'JWT_EXPIRES_IN',
      'WALLET_ENCRYPTION_KEY_VERSION',
      'JWT_ALGORITHM',
      'SALT_ROUNDS',
      'BCRYPT_COST',
      'ACCESS_TOKEN_EXPIRES_IN',
      'REFRESH_TOKEN_TTL',
      'SESSION_MAX_AGE',
      'NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY',
      'NEXT_PUBLIC_SUPABASE_ANON_KEY',
      'RECAPTCHA_SITE_KEY',
      'GOOGLE_CLIENT_ID',
      'PUBLIC_KEY',
      'CACHE_KEY',
      'REDIS_KEY_PREFIX',
      'AUTH_TOKEN_EXPIRATION_MS',
      'PASSWORD_MIN_LENGTH',
      'JWT_SECRET_ROTATED_AT',
      'AWS_SECRET_NAME',
      'TOKEN_URL',
      'jwt.expiration',
      'SECRET_MANAGER_PROJECT',
      'NEXT_PUBLIC_RECAPTCHA_KEY',
      'JWT_SECRET_FILE',
      'REFRESH_TOKEN_EXPIRATION_TIME',
      'REFRESH_TOKEN_EXPIRE',
      'JWT_LEEWAY',
    ]) {
      it(`${key} is not a secret`, () => {
        assert.equal(klass(key)?.secret ?? false, false, `${key}: ${klass(key)?.reason}`);
      });
    }
  });

  describe('self-chosen secrets', () => {
    const cases: [string, string][] = [
      ['JWT_SECRET', 'signing'],
      ['NEXTAUTH_SECRET', 'session'],
      ['POSTGRES_PASSWORD', 'password'],
      ['SESSION_SECRET', 'session'],
      ['PASSWORD_SALT', 'salt'],
      ['WALLET_ENCRYPTION_KEY', 'encryption'],
      ['JWT_SECRET_PREVIOUS', 'signing'],
      ['WALLET_ENCRYPTION_KEY_V1', 'encryption'],
      ['ACCESS_TOKEN_SECRET_1', 'signing'],
      ['AUTH_SECRET', 'signing'],
      ['SECRET_KEY', 'signing'],
      ['SECRET_KEY_BASE', 'signing'],
      ['APP_KEY', 'encryption'],
      ['REDIS_PASSWORD', 'password'],
      ['MINIO_ROOT_PASSWORD', 'password'],
      ['PGPASSWORD', 'password'],
      ['COOKIE_SECRET', 'session'],
      ['INTERNAL_API_KEY', 'api-key'],
      ['jwt.secret-key', 'signing'],
      ['jwtSecret', 'signing'],
      ['spring.datasource.password', 'password'],
    ];
    for (const [key, purpose] of cases) {
      it(`${key} is a self-chosen ${purpose} secret`, () => {
        const k = klass(key);
        assert.ok(k?.secret, `${key} should be a secret`);
        assert.equal(k.origin, 'self-chosen', `${key}: ${k.reason}`);
        assert.equal(k.purpose, purpose);
      });
    }
  });

  describe('third-party credentials', () => {
    for (const key of [
      'STRIPE_SECRET_KEY',
      'OPENAI_API_KEY',
      'GOOGLE_CLIENT_SECRET',
      'SMTP_PASSWORD',
      'GITHUB_TOKEN',
      'AUTH_GITHUB_SECRET',
      'SENDGRID_API_KEY',
      'AWS_SECRET_ACCESS_KEY',
      'API_KEY',
      'WEBHOOK_SECRET',
      'spring.mail.password',
      'security.oauth2.client.registration.google.client-secret',
    ]) {
      it(`${key} is issued by a third party`, () => {
        const k = klass(key);
        assert.ok(k?.secret, `${key} should be a secret`);
        assert.equal(k.origin, 'third-party', `${key}: ${k.reason}`);
      });
    }
  });

  it('says nothing about names without a secret word', () => {
    assert.equal(klass('PORT')?.secret ?? false, false);
    assert.equal(klass('NODE_ENV')?.secret ?? false, false);
    assert.equal(klass('LOG_FORMAT_STYLE'), undefined);
    assert.equal(klass('DATABASE_HOST')?.secret ?? false, false);
  });

  it('records the browser prefix and classifies the rest of the name', () => {
    const k = klass('NEXT_PUBLIC_JWT_SECRET');
    assert.equal(k?.browserPrefix, 'NEXT_PUBLIC_');
    assert.equal(k?.purpose, 'signing');
    assert.equal(klass('VITE_API_KEY')?.browserPrefix, 'VITE_');
    assert.equal(klass('REACT_APP_API_KEY')?.origin, 'third-party');
  });

  it('splits key names into words', () => {
    assert.deepEqual(keyWords('jwt.secret-key'), ['JWT', 'SECRET', 'KEY']);
    assert.deepEqual(keyWords('jwtSecretKey'), ['JWT', 'SECRET', 'KEY']);
  });
});

describe('classify: values that are not values', () => {
  it('booleans, small numbers, durations, algorithms and plain URLs are not secrets', () => {
    for (const v of ['false', 'TRUE', 'yes', '10', '3600', '0.5', '15m', '7d', '10min', 'HS512', 'https://example.com/callback', '${JWT_SECRET}']) {
      assert.equal(isNonSecretValue(v), true, `expected a non-secret value (length ${v.length})`);
    }
  });

  it('long digit strings and URLs with a password are values', () => {
    assert.equal(isNonSecretValue('12345678'), false);
    assert.equal(isNonSecretValue('postgres://app:pw@db/app'), false);
    assert.equal(isNonSecretValue('changeme'), false);
  });

  it('markers: angle brackets, references, template expressions', () => {
    for (const v of ['<your-secret>', '${JWT_SECRET}', '$JWT_SECRET', '{{ .Values.jwtSecret }}', '$(JWT_SECRET)']) assert.equal(isMarker(v), true);
    for (const v of ['changeme', 'xxx', '<a><b>']) assert.equal(isMarker(v), false);
  });

  it('finds the password inside a connection URL', () => {
    const v = 'postgres://app:hunter2@db:5432/app';
    const u = parseUrlPassword(v);
    assert.ok(u);
    assert.equal(v.slice(u.start, u.end), 'hunter2');
    assert.equal(u.user, 'app');
    assert.equal(u.scheme, 'postgres');
    assert.equal(parseUrlPassword('https://example.com/a:b@c'), undefined);
  });

  it('recognises example files', () => {
    for (const p of ['.env.example', 'apps/web/.env.sample', '.env.template', 'example.env', '.env.local.example', '.env.dist']) assert.equal(isExampleFile(p), true, p);
    for (const p of ['.env', '.env.local', '.env.production', 'docker-compose.yml', '.env.test']) assert.equal(isExampleFile(p), false, p);
  });
});

describe('strength', () => {
  it('decodes hex and base64 to count key material', () => {
    assert.equal(detectEncoding('0d07dac3b4bcb7d2ffc37979cd288b6e'), 'hex');
    assert.equal(decodedByteLength('0d07dac3b4bcb7d2ffc37979cd288b6e', 'hex'), 16);
    assert.equal(estimateStrength('HEWoSpi8cRL7ycr7vn1Beg==').bytes, 16);
    assert.equal(estimateStrength('ahlLJciPJT3xDfx4Lr8wUJlZtJURyXJjbejVqq3B0qY').bytes, 32);
  });

  it('gives random 32-byte keys their full strength and flags them as random', () => {
    const hex = '509e8c6fbf5da5957a2b12edf5e7f7a2e577a011e631773fc0d07dac3b4bcb7d';
    const s = estimateStrength(hex);
    assert.equal(s.randomLooking, true);
    assert.equal(s.entropyBits, 256);
    const b64 = estimateStrength('WMFZ3iFGhOsmNv0aKPO/g9iH3jywgs7a4rWAs9KKacI=');
    assert.equal(b64.bytes, 32);
    assert.ok(b64.entropyBits >= 240, `got ${b64.entropyBits} bits`);
  });

  it('does not underrate a short random password from a large alphabet', () => {
    const s = estimateStrength('k8Jq2mXz9pLw');
    assert.equal(s.randomLooking, true);
    assert.ok(s.entropyBits >= 64, `got ${s.entropyBits} bits`);
  });

  it('counts phrases as words, not characters', () => {
    const s = estimateStrength('correct-horse-battery-staple');
    assert.equal(s.randomLooking, false);
    assert.ok(s.entropyBits <= 60, `got ${s.entropyBits} bits`);
  });

  it('reads Laravel base64: keys', () => {
    const s = estimateStrength('base64:WMFZ3iFGhOsmNv0aKPO/g9iH3jywgs7a4rWAs9KKacI=');
    assert.equal(s.encoding, 'base64');
    assert.equal(s.bytes, 32);
  });
});

describe('placeholders and patterns', () => {
  const reasonOf = (v: string, key = 'JWT_SECRET') => findWeakness(v, key)?.reason;

  it('names the reason a value is weak', () => {
    assert.equal(reasonOf('changeme'), 'placeholder');
    assert.equal(reasonOf('supersecret'), 'placeholder');
    assert.equal(reasonOf('your_jwt_secret'), 'placeholder');
    assert.equal(reasonOf('replace-me-with-a-random-string'), 'placeholder');
    assert.equal(reasonOf('AABBCCDDEEFF00112233445566778899'), 'pattern');
    assert.equal(reasonOf('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 'pattern');
    assert.equal(reasonOf('abcdefghijklmnopqrstuvwxyz0123456789'), 'pattern');
    assert.equal(reasonOf('a1b2c3d4e5f6g7h8'), 'pattern');
    assert.equal(reasonOf('password'), 'dictionary');
    assert.equal(reasonOf('Admin2024!'), 'dictionary');
    assert.equal(reasonOf('P@ssw0rd'), 'dictionary');
    assert.equal(reasonOf('12345678'), 'dictionary');
    assert.equal(reasonOf('this-is-my-super-secret-jwt-key-for-dev'), 'sentence');
    assert.equal(reasonOf('mysupersecretkey'), 'sentence');
    assert.equal(reasonOf('jwt-secret-access', 'JWT_SECRET_ACCESS'), 'key-name');
    assert.equal(reasonOf('myapp', 'MYAPP_DB_PASSWORD'), 'key-name');
    assert.equal(reasonOf('django-insecure-k2#n9v@x1q8z!p4w7m3r6t0y5u'), 'framework-dev-key');
    assert.equal(reasonOf('keyboard cat'), 'framework-dev-key');
    assert.equal(reasonOf('your-256-bit-secret'), 'framework-dev-key');
  });

  it('leaves random values and random passphrases alone', () => {
    assert.equal(reasonOf('509e8c6fbf5da5957a2b12edf5e7f7a2e577a011e631773fc0d07dac3b4bcb7d'), undefined);
    assert.equal(reasonOf('WMFZ3iFGhOsmNv0aKPO/g9iH3jywgs7a4rWAs9KKacI='), undefined);
    assert.equal(reasonOf('k8Jq2mXz9pLw'), undefined);
    assert.equal(reasonOf('correct-horse-battery-staple'), undefined);
  });

  it('segments glued words', () => {
    const c = wordComposition('thisismysecret');
    assert.ok(c?.allWords);
    assert.equal(c.words.join(''), 'thisismysecret');
    assert.equal(wordComposition('kqzmvbxtrplwnfhd')?.allWords ?? false, false);
  });

  it('spots patterns and fakes', () => {
    assert.equal(isPatterned('deadbeefdeadbeef'), true);
    assert.equal(isPatterned('qwertyuiop'), true);
    assert.equal(isPatterned('0d07dac3b4bcb7d2ffc37979cd288b6e'), false);
    assert.equal(looksFake('IOSFODNN7EXAMPLE'), true);
    assert.equal(looksFake('xxxxxxxxxxxxxxxxxxxxxxxx'), true);
    assert.equal(looksFake('4eC39HqLyjWDarjtT1zdp7dc'), false);
  });
});

describe('credential formats', () => {
  it('finds a format inside a value and reports its offsets and provider', () => {
    const body = 'Zq7Rt2Lm9Xv4Kp8Wn3Jd6Hf1';
    const value = `prefix sk_live_${body} suffix`;
    const found = findCredentials(value, 'STRIPE_SECRET_KEY');
    assert.equal(found.length, 1);
    assert.equal(found[0].provider, 'stripe');
    assert.equal(value.slice(found[0].start, found[0].end), `sk_live_${body}`);
    assert.ok(!found[0].label.includes('sk_live'), 'the label must not quote the prefix');
  });

  it('skips documentation fakes', () => {
    assert.deepEqual(findCredentials('AKIAIOSFODNN7EXAMPLE', 'AWS_ACCESS_KEY_ID'), []);
    assert.deepEqual(findCredentials('sk_test_xxx', 'STRIPE_SECRET_KEY'), []);
    assert.deepEqual(findCredentials('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'GITHUB_TOKEN'), []);
  });

  it('knows publishable keys', () => {
    assert.equal(isPublishableValue('pk_test_51HxYzABCdefGHIjklMNOpqr', 'NEXT_PUBLIC_STRIPE_KEY'), true);
    const anon = jwt({ role: 'anon', iss: 'supabase' });
    const service = jwt({ role: 'service_role', iss: 'supabase' });
    assert.equal(isPublishableValue(anon, 'NEXT_PUBLIC_SUPABASE_KEY'), true);
    assert.equal(isPublishableValue(service, 'NEXT_PUBLIC_SUPABASE_KEY'), false);
    assert.equal(jwtClaims('eyJnot-a-jwt'), undefined);
  });
});

/** An unsigned-looking JWT with the given claims (the signature part is filler). */
export function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJlLWZpbGxlci1mb3ItdGVzdHM`;
}
