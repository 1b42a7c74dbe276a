// Deterministic generator of the benchmark data: a synthetic monorepo of env and config files
// (dotenv, docker-compose, YAML, JSON, Kubernetes Secrets, a few .properties) and single .env
// files of 1k, 10k and 100k lines.
//
// Every value comes from a seeded PRNG (bench/lib/prng.mjs): this is test data, and the same seed
// gives the same bytes on every machine. Values are never printed; the manifest holds paths,
// line counts and sizes only.
//
//   node bench/generate.mjs [--quick] [--out bench/out] [--seed N] [--force]

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALNUM, B64, B64URL, HEX, UPPER32, createRng } from './lib/prng.mjs';

/** Bumped whenever the generator's output changes, so stale trees are rebuilt. */
export const GENERATOR_VERSION = 6;
export const DEFAULT_SEED = 20260601;

/** Full: ~5,000 files / ~500k lines. Quick: a tenth. */
export const SIZES = {
  full: { files: 5000, lines: 500_000, singles: [1_000, 10_000, 100_000], hubOthers: 100 },
  quick: { files: 500, lines: 50_000, singles: [1_000, 10_000, 100_000], hubOthers: 40 },
};

// ---------------------------------------------------------------------------------------------
// Vocabulary

const DOMAIN_WORDS = [
  'billing', 'auth', 'users', 'orders', 'payments', 'search', 'notifications', 'inventory', 'catalog', 'shipping',
  'analytics', 'reports', 'gateway', 'admin', 'web', 'bff', 'checkout', 'ledger', 'pricing', 'media', 'uploads', 'chat',
  'email', 'sms', 'scheduler', 'worker', 'ingest', 'export', 'audit', 'identity', 'profile', 'settings', 'feed',
  'recommendations', 'reviews', 'cart', 'wallet', 'rewards', 'support', 'tickets', 'cms', 'blog', 'status', 'metrics',
  'tracing', 'flags', 'partners', 'invoices', 'tax', 'fraud', 'risk', 'kyc', 'onboarding', 'geo', 'maps', 'booking',
];
const GROUPS = ['apps', 'services', 'packages', 'workers', 'infra', 'tools'];
const FILLER_WORDS = [
  'CACHE', 'QUEUE', 'BATCH', 'RETRY', 'BACKOFF', 'BUFFER', 'CONCURRENCY', 'THRESHOLD', 'PAGE', 'WINDOW', 'DEFAULT',
  'FALLBACK', 'TOPIC', 'UPSTREAM', 'DOWNSTREAM', 'SYNC', 'ASYNC', 'EXPORT', 'IMPORT', 'INDEX', 'SHARD', 'REPLICA',
  'POOL', 'WORKER', 'CRON', 'JOB', 'HEALTH', 'PROBE', 'METRICS', 'TRACE', 'SAMPLE', 'CIRCUIT', 'BREAKER', 'QUOTA',
];
const FILLER_TAILS = ['TIMEOUT', 'LIMIT', 'SIZE', 'INTERVAL', 'COUNT', 'MODE', 'LEVEL', 'ENABLED', 'URL', 'NAME', 'REGION', 'STRATEGY', 'PATH', 'SECONDS'];
const FLAG_WORDS = [
  'NEW_CHECKOUT', 'DARK_MODE', 'BETA_SEARCH', 'AB_PRICING', 'FAST_PATH', 'LEGACY_API', 'MULTI_CURRENCY', 'SSO', 'WEBAUTHN',
  'EXPORT_V2', 'AUDIT_TRAIL', 'RATE_LIMITS', 'GRAPHQL', 'WEBSOCKETS', 'EDGE_CACHE', 'IMAGE_CDN', 'SMART_RETRY', 'BULK_IMPORT',
];
const WEAK_VALUES = ['changeme', 'secret', 'password', 'supersecret', 'dev-secret', 'admin', 'test', 'P@ssw0rd', 'letmein', 'your-secret-here', '123456', 'postgres', 'mysecretkey', 'keyboard cat'];
const PLACEHOLDERS = ['', '<your-key>', '<changeme>', 'xxx', 'REPLACE_ME', '${SECRET_FROM_VAULT}'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];
const ENVS = ['development', 'production', 'staging', 'test', 'local'];
/** Password alphabet: no quote, backslash, "$", "#", "@", "/", ":", braces or spaces, so every format can hold it. */
const PW_CHARS = ALNUM + '!%^&*()-_=+.,?~';
const URL_PW_CHARS = ALNUM + '-_.~!*';

// ---------------------------------------------------------------------------------------------
// Values

function makeValues(rng) {
  return {
    hex: (bytes) => rng.chars(HEX, bytes * 2),
    b64: (bytes) => {
      const n = Math.ceil((bytes * 4) / 3);
      const body = rng.chars(B64, n);
      const pad = (4 - (n % 4)) % 4;
      return body + '='.repeat(pad);
    },
    b64url: (bytes) => rng.chars(B64URL, Math.ceil((bytes * 4) / 3)),
    password: () => rng.chars(PW_CHARS, rng.int(14, 28)),
    urlPassword: () => rng.chars(URL_PW_CHARS, rng.int(16, 28)),
    short: () => rng.chars(ALNUM, rng.int(6, 12)),
    weak: () => rng.pick(WEAK_VALUES),
    strong: () => rng.weighted([[5, () => rng.chars(HEX, 64)], [3, () => rng.chars(B64, 44)], [2, () => rng.chars(B64URL, 43)]])(),
    token: (kind) => {
      switch (kind) {
        case 'github': return 'ghp_' + rng.chars(ALNUM, 36);
        case 'slack': return `xoxb-${rng.int(10000000000, 99999999999)}-${rng.int(10000000000, 99999999999)}-${rng.chars(ALNUM, 24)}`;
        case 'stripe': return 'sk_live_' + rng.chars(ALNUM, 24);
        case 'stripe-pk': return 'pk_live_' + rng.chars(ALNUM, 24);
        case 'stripe-wh': return 'whsec_' + rng.chars(ALNUM, 32);
        case 'openai': return 'sk-proj-' + rng.chars(B64URL, 48);
        case 'sendgrid': return 'SG.' + rng.chars(B64URL, 22) + '.' + rng.chars(B64URL, 43);
        case 'aws-id': return 'AKIA' + rng.chars(UPPER32, 16);
        case 'aws-secret': return rng.chars(ALNUM + '+/', 40);
        case 'twilio': return rng.chars(HEX, 32);
        case 'npm': return 'npm_' + rng.chars(ALNUM, 36);
        default: return rng.chars(ALNUM, 32);
      }
    },
    pem: () => {
      const lines = ['-----BEGIN RSA PRIVATE KEY-----'];
      const n = rng.int(8, 25);
      for (let i = 0; i < n; i++) lines.push(rng.chars(B64, 64));
      lines.push(rng.chars(B64, rng.int(8, 60)) + '==');
      lines.push('-----END RSA PRIVATE KEY-----');
      return lines;
    },
    slackWebhook: () => `https://hooks.slack.com/services/T${rng.chars(UPPER32, 8)}/B${rng.chars(UPPER32, 8)}/${rng.chars(ALNUM, 24)}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The workspace model: packages with their secrets, shared pools and the hub value.

function upperSnake(name) {
  return name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

function buildModel(rng, size) {
  const V = makeValues(rng.fork('pools'));
  // Database clusters and third-party accounts shared by many packages: cross-file reuse.
  const clusters = Array.from({ length: Math.max(4, Math.round(size.files / 80)) }, (_, i) => ({
    host: `pg-${i}.db.internal`,
    user: rng.pick(['app', 'svc', 'api', 'worker', 'postgres']),
    password: rng.chance(0.15) ? V.weak() : V.urlPassword(),
    redisPassword: V.urlPassword(),
  }));
  const accounts = Array.from({ length: Math.max(4, Math.round(size.files / 120)) }, () => ({
    stripe: V.token('stripe'),
    stripePk: V.token('stripe-pk'),
    stripeWh: V.token('stripe-wh'),
    sendgrid: V.token('sendgrid'),
    openai: V.token('openai'),
    sentry: `https://${V.hex(16)}@o${rng.int(100000, 999999)}.ingest.sentry.io/${rng.int(1000000, 9999999)}`,
    awsId: V.token('aws-id'),
    awsSecret: V.token('aws-secret'),
    github: V.token('github'),
    slack: V.token('slack'),
    slackWebhook: V.slackWebhook(),
  }));
  const hubValue = V.hex(32);

  const packages = [];
  const used = new Set();
  const pkgRng = rng.fork('packages');
  // More packages than the file target needs (a package averages ~6 files); planning stops at the target.
  const count = Math.ceil(size.files / 4);
  for (let i = 0; i < count; i++) {
    let name = pkgRng.pick(DOMAIN_WORDS);
    if (pkgRng.chance(0.6)) name += '-' + pkgRng.pick(['api', 'service', 'worker', 'web', 'admin', 'jobs', 'sync', 'gateway', 'core', 'ui']);
    let unique = name;
    for (let k = 2; used.has(unique); k++) unique = `${name}-${k}`;
    used.add(unique);
    const group = pkgRng.pick(GROUPS);
    const stack = pkgRng.weighted([[5, 'node'], [2, 'next'], [1, 'vite'], [2, 'spring'], [1, 'dotnet'], [2, 'python'], [1, 'go']]);
    packages.push({ name: unique, dir: `${group}/${unique}`, prefix: upperSnake(unique), stack, cluster: pkgRng.pick(clusters), account: pkgRng.pick(accounts) });
  }
  return { clusters, accounts, hubValue, packages };
}

// ---------------------------------------------------------------------------------------------
// Items: what a config file says, independent of its format.
//   { t: 'kv', group, key, value, secret?, multiline? } | { t: 'comment', text } | { t: 'blank' }
//   | { t: 'commented', key, value }

function packageSecrets(rng, pkg, V) {
  // One value per secret key and environment; production sometimes copies development (reuse).
  const scheme = rng.weighted([[5, 'immediate'], [3, 'previous'], [1, 'versioned'], [1, 'numbered'], [1, 'authjs']]);
  return {
    scheme,
    jwt: rng.chance(0.12) ? V.weak() : rng.chance(0.1) ? V.short() : V.strong(),
    jwtPrev: V.strong(),
    session: rng.chance(0.1) ? V.weak() : V.b64(32),
    cookie: V.hex(rng.pick([16, 32])),
    encryption: rng.chance(0.08) ? V.short() : V.b64(32),
    encryptionV1: V.b64(32),
    csrf: V.hex(24),
    refresh: V.strong(),
    webhook: V.b64url(32),
    webhookPrev: V.b64url(32),
    internalApiKey: V.token('generic'),
    twilio: V.token('twilio'),
    npm: V.token('npm'),
    googleClientSecret: 'GOCSPX-' + rng.chars(B64URL, 28),
    minio: rng.chance(0.3) ? V.weak() : V.password(),
    rabbit: V.password(),
    adminPassword: rng.chance(0.25) ? V.weak() : V.password(),
    pem: rng.chance(0.25) ? V.pem() : undefined,
  };
}

/** The items of one environment of a package: sections of realistic keys, then filler up to `lines`. */
function envItems(rng, pkg, secrets, env, lines, ctx) {
  const V = ctx.V;
  const c = pkg.cluster;
  const a = pkg.account;
  const items = [];
  const keys = new Set();
  let count = 0;
  const kv = (group, key, value, extra = {}) => {
    if (keys.has(key) && !rng.chance(0.02)) return; // an occasional real duplicate
    keys.add(key);
    items.push({ t: 'kv', group, key, value, ...extra });
    count += extra.multiline ? value.length : 1;
  };
  const comment = (text) => (count++, items.push({ t: 'comment', text }));
  const blank = () => (count++, items.push({ t: 'blank' }));
  const example = env === 'example';
  const secret = (v) => (example ? rng.pick(PLACEHOLDERS.concat(rng.chance(0.05) ? [v] : [])) : v);
  const prodish = env === 'production' || env === 'staging';
  // Production mostly has its own values; a few are copied from development (cross-environment reuse).
  const own = (v, salt) => (prodish && !rng.chance(0.1) ? ctx.envValue(pkg, salt, env) : v);

  comment(`${pkg.name} — ${example ? 'example environment (copy to .env)' : `${env} environment`}`);
  comment('Generated for benchmarks; not real credentials.');
  blank();
  comment('--- Server ---');
  kv('server', 'NODE_ENV', env === 'example' ? 'development' : env);
  kv('server', 'PORT', String(rng.int(3000, 9999)));
  kv('server', 'HOST', '0.0.0.0');
  kv('server', 'LOG_LEVEL', rng.pick(LOG_LEVELS));
  kv('server', 'APP_NAME', pkg.name);
  kv('server', 'APP_URL', `https://${pkg.name}.${prodish ? 'example.com' : 'localhost'}`);
  if (rng.chance(0.5)) kv('server', 'CORS_ORIGINS', `https://app.example.com,https://admin.example.com`);
  kv('server', 'REQUEST_TIMEOUT_MS', String(rng.pick([5000, 10000, 30000])));
  blank();
  comment('--- Database ---');
  kv('database', 'DB_HOST', c.host);
  kv('database', 'DB_PORT', '5432');
  kv('database', 'DB_NAME', pkg.prefix.toLowerCase());
  kv('database', 'DB_USER', c.user);
  kv('database', 'DB_PASSWORD', secret(c.password), { secret: true });
  kv('database', 'DATABASE_URL', example ? `postgres://${c.user}:<password>@${c.host}:5432/${pkg.prefix.toLowerCase()}` : `postgres://${c.user}:${encodeURIComponent(c.password)}@${c.host}:5432/${pkg.prefix.toLowerCase()}`, { secret: true });
  kv('database', 'DB_POOL_MAX', String(rng.int(5, 50)));
  if (rng.chance(0.6)) {
    kv('cache', 'REDIS_URL', example ? 'redis://localhost:6379' : `redis://:${c.redisPassword}@redis.internal:6379/${rng.int(0, 15)}`, { secret: true });
    kv('cache', 'CACHE_TTL', String(rng.pick([60, 300, 3600])));
  }
  blank();
  comment('--- Auth ---');
  kv('auth', 'JWT_SECRET', secret(own(secrets.jwt, 'jwt')), { secret: true });
  if (secrets.scheme === 'previous') kv('auth', 'JWT_SECRET_PREVIOUS', secret(secrets.jwtPrev), { secret: true });
  kv('auth', 'JWT_EXPIRES_IN', rng.pick(['15m', '1h', '24h', '7d']));
  kv('auth', 'JWT_ALGORITHM', rng.pick(['HS256', 'HS512']));
  kv('auth', 'SESSION_SECRET', secret(own(secrets.session, 'session')), { secret: true });
  if (rng.chance(0.5)) kv('auth', 'COOKIE_SECRET', secret(secrets.cookie), { secret: true });
  if (secrets.scheme === 'versioned') {
    kv('auth', 'ENCRYPTION_KEY', secret(own(secrets.encryption, 'enc')), { secret: true });
    kv('auth', 'ENCRYPTION_KEY_VERSION', '2');
    kv('auth', 'ENCRYPTION_KEY_V1', secret(secrets.encryptionV1), { secret: true });
  } else if (rng.chance(0.6)) kv('auth', 'ENCRYPTION_KEY', secret(own(secrets.encryption, 'enc')), { secret: true });
  if (secrets.scheme === 'numbered') {
    kv('auth', 'SIGNING_KEY_1', secret(secrets.refresh), { secret: true });
    kv('auth', 'SIGNING_KEY_0', secret(secrets.jwtPrev), { secret: true });
  }
  if (secrets.scheme === 'authjs' || pkg.stack === 'next') {
    kv('auth', 'AUTH_SECRET', secret(own(secrets.session, 'auth')), { secret: true });
    if (secrets.scheme === 'authjs') kv('auth', 'AUTH_SECRET_1', secret(secrets.refresh), { secret: true });
    kv('auth', 'NEXTAUTH_URL', `https://${pkg.name}.example.com`);
  }
  if (rng.chance(0.4)) kv('auth', 'CSRF_SECRET', secret(secrets.csrf), { secret: true });
  const hubKey = ctx.hubTake(pkg, env);
  if (hubKey) {
    comment('Platform-wide signing key (the platform team copied it into every service)');
    kv('auth', hubKey, ctx.hubValue, { secret: true, hub: true });
  }
  if (rng.chance(0.35)) {
    // A service-prefixed webhook secret with its rotation slot: many distinct dual-key bases.
    kv('auth', `${pkg.prefix}_WEBHOOK_SECRET`, secret(secrets.webhook), { secret: true });
    if (rng.chance(0.6)) kv('auth', `${pkg.prefix}_WEBHOOK_SECRET_PREVIOUS`, secret(secrets.webhookPrev), { secret: true });
  }
  if (rng.chance(0.3)) (count++, items.push({ t: 'commented', key: 'JWT_SECRET', value: example ? 'old-secret' : V.strong() }));
  blank();
  comment('--- Third parties ---');
  if (rng.chance(0.5)) {
    kv('payments', 'STRIPE_SECRET_KEY', secret(a.stripe), { secret: true });
    kv('payments', 'STRIPE_WEBHOOK_SECRET', secret(a.stripeWh), { secret: true });
    kv('payments', 'STRIPE_PUBLISHABLE_KEY', a.stripePk);
  }
  if (rng.chance(0.4)) kv('mail', 'SENDGRID_API_KEY', secret(a.sendgrid), { secret: true });
  if (rng.chance(0.3)) kv('ai', 'OPENAI_API_KEY', secret(a.openai), { secret: true });
  if (rng.chance(0.5)) kv('monitoring', 'SENTRY_DSN', a.sentry);
  if (rng.chance(0.35)) {
    kv('storage', 'AWS_REGION', rng.pick(REGIONS));
    kv('storage', 'AWS_ACCESS_KEY_ID', secret(a.awsId));
    kv('storage', 'AWS_SECRET_ACCESS_KEY', secret(a.awsSecret), { secret: true });
    kv('storage', 'S3_BUCKET', `${pkg.name}-${env}-uploads`);
  }
  if (rng.chance(0.2)) kv('integrations', 'GITHUB_TOKEN', secret(a.github), { secret: true });
  if (rng.chance(0.2)) kv('integrations', 'SLACK_BOT_TOKEN', secret(a.slack), { secret: true });
  if (rng.chance(0.1)) kv('integrations', 'SLACK_WEBHOOK_URL', secret(a.slackWebhook), { secret: true });
  if (rng.chance(0.15)) kv('integrations', 'TWILIO_AUTH_TOKEN', secret(secrets.twilio), { secret: true });
  if (rng.chance(0.15)) {
    kv('integrations', 'GOOGLE_CLIENT_ID', `${rng.int(100000000000, 999999999999)}-${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 32)}.apps.googleusercontent.com`);
    kv('integrations', 'GOOGLE_CLIENT_SECRET', secret(secrets.googleClientSecret), { secret: true });
  }
  if (rng.chance(0.1)) kv('integrations', 'NPM_TOKEN', secret(secrets.npm), { secret: true });
  if (rng.chance(0.15)) kv('storage', 'MINIO_ROOT_PASSWORD', secret(secrets.minio), { secret: true });
  if (rng.chance(0.1)) kv('queue', 'RABBITMQ_DEFAULT_PASS', secret(secrets.rabbit), { secret: true });
  if (rng.chance(0.2)) kv('admin', 'ADMIN_PASSWORD', secret(secrets.adminPassword), { secret: true });
  if (secrets.pem && !example && rng.chance(0.5)) kv('auth', 'JWT_PRIVATE_KEY', secrets.pem, { secret: true, multiline: true });
  if (pkg.stack === 'next' || pkg.stack === 'vite') {
    blank();
    comment('--- Browser ---');
    const p = pkg.stack === 'next' ? 'NEXT_PUBLIC_' : 'VITE_';
    kv('browser', `${p}API_URL`, `https://api.example.com/${pkg.name}`);
    kv('browser', `${p}SENTRY_DSN`, a.sentry);
    if (rng.chance(0.08)) kv('browser', `${p}STRIPE_SECRET_KEY`, secret(a.stripe), { secret: true }); // exposed
    if (rng.chance(0.05)) kv('browser', `${p}JWT_SECRET`, secret(secrets.jwt), { secret: true }); // exposed
  }
  blank();
  comment('--- Feature flags ---');
  for (let i = 0, n = rng.int(2, 8); i < n; i++) kv('flags', `FEATURE_${rng.pick(FLAG_WORDS)}_ENABLED`, rng.pick(['true', 'false']));
  if (rng.chance(0.3)) for (let i = 1; i <= 3; i++) kv('queue', `KAFKA_BROKER_${i}`, `kafka-${i}.internal:9092`);

  // Filler up to the target: service-specific tuning, as large monorepos accumulate it.
  let k = 0;
  while (count < lines) {
    if (k % 12 === 0) {
      blank();
      comment(`--- ${pkg.name} ${rng.pick(FILLER_WORDS).toLowerCase()} settings ---`);
    }
    const key = `${pkg.prefix}_${rng.pick(FILLER_WORDS)}_${rng.pick(FILLER_WORDS)}_${rng.pick(FILLER_TAILS)}`;
    const tail = key.slice(key.lastIndexOf('_') + 1);
    const value =
      tail === 'URL' ? `https://${rng.pick(DOMAIN_WORDS)}.internal:${rng.int(1000, 9999)}/v${rng.int(1, 3)}` :
      tail === 'ENABLED' ? rng.pick(['true', 'false']) :
      tail === 'NAME' || tail === 'MODE' || tail === 'STRATEGY' ? rng.pick(['fast', 'safe', 'eager', 'lazy', 'round-robin', 'default']) :
      tail === 'REGION' ? rng.pick(REGIONS) :
      tail === 'PATH' ? `/var/lib/${pkg.name}/${rng.pick(FILLER_WORDS).toLowerCase()}` :
      tail === 'LEVEL' ? rng.pick(LOG_LEVELS) : String(rng.int(1, 100000));
    kv('tuning', key, value);
    if (rng.chance(0.04)) comment(`TODO(${rng.pick(['ops', 'platform', 'sre'])}): revisit after the ${rng.pick(DOMAIN_WORDS)} migration`);
    k++;
    if (k > lines * 2) break;
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderDotenv(rng, items) {
  const out = [];
  for (const it of items) {
    if (it.t === 'blank') out.push('');
    else if (it.t === 'comment') out.push(`# ${it.text}`);
    else if (it.t === 'commented') out.push(`# ${it.key}=${it.value}`);
    else if (it.multiline) out.push(`${it.key}="${it.value.join('\n')}"`);
    else {
      const v = it.value;
      const needsQuotes = /[\s#'"`]/.test(v) || v === '';
      const style = needsQuotes ? (v === '' ? 'none' : 'double') : rng.weighted([[8, 'none'], [2, 'double'], [1, 'single']]);
      const q = style === 'double' ? '"' : style === 'single' ? "'" : '';
      const exp = rng.chance(0.03) ? 'export ' : '';
      const trailing = rng.chance(0.03) ? `  # ${rng.pick(['rotated quarterly', 'ask #platform', 'see runbook', 'do not commit'])}` : '';
      out.push(`${exp}${it.key}=${q}${v}${q}${trailing}`);
    }
  }
  return out.join('\n') + '\n';
}

function yamlScalar(v) {
  if (/^(true|false|\d+)$/.test(v)) return v;
  if (/^[A-Za-z0-9_./-]+$/.test(v) && !/^(yes|no|on|off|null|~)$/i.test(v)) return v;
  return JSON.stringify(v);
}

function lowerKey(key, group) {
  // DB_PASSWORD under "database" -> password; JWT_SECRET under "auth" -> jwt-secret.
  let k = key.toLowerCase();
  const strip = { database: 'db_', cache: 'redis_', storage: 'aws_', payments: 'stripe_' }[group];
  if (strip && k.startsWith(strip)) k = k.slice(strip.length);
  return k.replace(/_/g, '-');
}

function renderYaml(rng, items, style) {
  // Spring-style nested config: groups become mappings, keys kebab-case.
  const out = [];
  const groups = new Map();
  for (const it of items) {
    if (it.t !== 'kv') continue;
    if (!groups.has(it.group)) groups.set(it.group, []);
    groups.get(it.group).push(it);
  }
  if (style === 'spring') out.push('# Spring Boot configuration', 'spring:', '  application:', '    name: app', '');
  for (const [group, list] of groups) {
    if (rng.chance(0.3)) out.push(`# ${group} settings`);
    out.push(`${group}:`);
    for (const it of list) {
      const key = lowerKey(it.key, group);
      if (it.multiline) {
        out.push(`  ${key}: |`);
        for (const l of it.value) out.push(`    ${l}`);
      } else out.push(`  ${key}: ${yamlScalar(it.value)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

function pascal(s) {
  return s
    .toLowerCase()
    .split(/[_-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function renderJson(items, style) {
  const obj = {};
  for (const it of items) {
    if (it.t !== 'kv') continue;
    const g = style === 'appsettings' ? pascal(it.group) : it.group;
    obj[g] ??= {};
    const key = style === 'appsettings' ? pascal(lowerKey(it.key, it.group)) : lowerKey(it.key, it.group).replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
    obj[g][key] = it.multiline ? it.value.join('\n') : it.value;
  }
  if (style === 'appsettings') {
    obj.Logging = { LogLevel: { Default: 'Information', 'Microsoft.AspNetCore': 'Warning' } };
    obj.AllowedHosts = '*';
  }
  return JSON.stringify(obj, null, 2) + '\n';
}

function renderCompose(rng, pkg, items) {
  const out = ['services:'];
  const env = items.filter((it) => it.t === 'kv' && !it.multiline);
  const db = pkg.cluster;
  out.push('  db:', '    image: postgres:16', '    environment:', `      POSTGRES_USER: ${db.user}`);
  out.push(`      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-${db.password.replace(/\$/g, '$$$$')}}`);
  out.push('    volumes:', '      - pgdata:/var/lib/postgresql/data', '    ports:', '      - "5432:5432"', '');
  out.push('  redis:', '    image: redis:7', `    command: ["redis-server", "--requirepass", "\${REDIS_PASSWORD:-${db.redisPassword}}"]`, '');
  out.push(`  ${pkg.name}:`, '    build: .', '    env_file: .env', '    depends_on:', '      - db', '      - redis', '    environment:');
  const list = rng.chance(0.5);
  for (const it of env) {
    const literal = it.secret ? (rng.chance(0.5) ? `\${${it.key}:-${it.value}}` : `\${${it.key}}`) : it.value;
    if (list) out.push(`      - ${it.key}=${literal.replace(/\n/g, ' ')}`);
    else out.push(`      ${it.key}: ${yamlScalar(literal)}`);
  }
  out.push('    ports:', `      - "${rng.int(3000, 9999)}:8080"`, '', 'volumes:', '  pgdata:', '');
  return out.join('\n');
}

function renderK8sSecret(pkg, items, env) {
  const out = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${pkg.name}-${env}`, `  namespace: ${pkg.name}`, 'type: Opaque'];
  const secretItems = items.filter((it) => it.t === 'kv' && it.secret && !it.multiline);
  out.push('data:');
  for (const it of secretItems.slice(0, Math.ceil(secretItems.length / 2))) out.push(`  ${it.key}: ${Buffer.from(it.value, 'utf8').toString('base64')}`);
  out.push('stringData:');
  for (const it of secretItems.slice(Math.ceil(secretItems.length / 2))) out.push(`  ${it.key}: ${yamlScalar(it.value)}`);
  return out.join('\n') + '\n';
}

function renderProperties(items) {
  const out = ['# application.properties'];
  for (const it of items) {
    if (it.t === 'kv' && !it.multiline) out.push(`${it.group}.${lowerKey(it.key, it.group)}=${it.value}`);
    else if (it.t === 'comment') out.push(`# ${it.text}`);
  }
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The tree

function planFiles(rng, pkg) {
  // Which files a package has, by stack; every package has a .env.
  const files = [{ name: '.env', kind: 'dotenv', env: 'development', weight: 3 }];
  if (rng.chance(0.8)) files.push({ name: '.env.example', kind: 'dotenv', env: 'example', weight: 2 });
  for (const env of ENVS) if (env !== 'development' && rng.chance(0.45)) files.push({ name: `.env.${env}`, kind: 'dotenv', env, weight: 2 });
  if (rng.chance(0.6)) files.push({ name: 'docker-compose.yml', kind: 'compose', env: 'development', weight: 1 });
  if (rng.chance(0.15)) files.push({ name: 'compose.prod.yaml', kind: 'compose', env: 'production', weight: 1 });
  if (rng.chance(0.5)) files.push({ name: 'k8s/secret.yaml', kind: 'k8s', env: 'production', weight: 0 });
  if (pkg.stack === 'spring') {
    files.push({ name: 'src/main/resources/application.yml', kind: 'yaml', style: 'spring', env: 'development', weight: 2 });
    if (rng.chance(0.6)) files.push({ name: 'src/main/resources/application-prod.yml', kind: 'yaml', style: 'spring', env: 'production', weight: 2 });
    if (rng.chance(0.3)) files.push({ name: 'src/main/resources/application.properties', kind: 'properties', env: 'development', weight: 1 });
  } else if (pkg.stack === 'dotnet') {
    files.push({ name: 'appsettings.json', kind: 'json', style: 'appsettings', env: 'development', weight: 2 });
    files.push({ name: 'appsettings.Production.json', kind: 'json', style: 'appsettings', env: 'production', weight: 2 });
  } else {
    if (rng.chance(0.6)) files.push({ name: 'config/default.json', kind: 'json', env: 'development', weight: 2 });
    if (rng.chance(0.4)) files.push({ name: 'config/production.json', kind: 'json', env: 'production', weight: 2 });
    if (rng.chance(0.4)) files.push({ name: 'config/settings.yaml', kind: 'yaml', env: 'development', weight: 2 });
  }
  return files;
}

/** Noise the walk meets but no tool reads: sources, manifests, a vendored dependency folder. */
function noiseFiles(rng, pkg) {
  const out = [
    ['README.md', `# ${pkg.name}\n\nCopy .env.example to .env and fill in the values.\n`],
    ['package.json', JSON.stringify({ name: `@mono/${pkg.name}`, version: `1.${rng.int(0, 20)}.0`, private: true }, null, 2) + '\n'],
    ['src/index.ts', `export const name = ${JSON.stringify(pkg.name)};\n`],
  ];
  if (rng.chance(0.05)) out.push(['node_modules/some-dep/.env', 'IGNORED_SECRET=this-folder-is-never-read\n']);
  return out;
}

export function generateMonorepo(root, size, seed = DEFAULT_SEED) {
  const rng = createRng(seed);
  const model = buildModel(rng, size);
  const V = makeValues(rng.fork('values'));
  const envValues = new Map();
  const files = [];
  const hub = { file: undefined, key: 'PLATFORM_SIGNING_KEY', others: [] };
  const ctx = {
    V,
    hubValue: model.hubValue,
    // Exactly hubOthers + 1 `.env` files (development environment) carry the hub value: the hub
    // as PLATFORM_SIGNING_KEY, the others under their service's own name (BILLING_PLATFORM_SIGNING_KEY),
    // so that every one of them has a reused-secret finding naming the others (one value under
    // different keys), and an edit to the hub's value changes the findings of all of them.
    // Returns the key to write, or false.
    hubTake: (pkg, env) => {
      if (env !== 'development' || pkg.hubDone) return false;
      const taken = (hub.file ? 1 : 0) + hub.others.length;
      if (taken >= size.hubOthers + 1) return false;
      pkg.hubDone = true;
      pkg.hubPending = true;
      return taken === 0 ? hub.key : `${pkg.prefix}_${hub.key}`;
    },
    envValue: (pkg, salt, env) => {
      const k = `${pkg.name}|${salt}|${env}`;
      if (!envValues.has(k)) envValues.set(k, V.strong());
      return envValues.get(k);
    },
  };

  // Spread the line budget: each file gets lines proportional to a log-normal draw.
  const plans = [];
  const planRng = rng.fork('plans');
  for (const pkg of model.packages) {
    for (const f of planFiles(planRng, pkg)) {
      if (plans.length >= size.files) break;
      plans.push({ pkg, ...f, draw: f.weight === 0 ? 0 : planRng.lognormal(1, 0.7, 0.2, 12) * f.weight });
    }
    if (plans.length >= size.files) break;
  }
  const fixedLines = 70; // about what the fixed sections of a file take
  // Structured formats drop comments and blank lines and compose keeps 60 entries: aim a little high.
  const budget = Math.max(0, size.lines * 1.2 - plans.length * fixedLines * 0.7);
  const totalDraw = plans.reduce((s, p) => s + p.draw, 0);

  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const digest = createHash('sha256');
  let lines = 0;
  let bytes = 0;
  const write = (rel, text, record) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    digest.update(rel + '\0' + text + '\0');
    if (record) {
      const n = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      lines += n;
      bytes += Buffer.byteLength(text);
      files.push({ path: rel, lines: n, bytes: Buffer.byteLength(text), kind: record });
    }
  };

  const secretsByPkg = new Map();
  const noiseRng = rng.fork('noise');
  for (const plan of plans) {
    const { pkg } = plan;
    const fileRng = rng.fork(`${pkg.dir}/${plan.name}`);
    if (!secretsByPkg.has(pkg)) {
      secretsByPkg.set(pkg, packageSecrets(rng.fork(`secrets/${pkg.dir}`), pkg, V));
      for (const [rel, text] of noiseFiles(noiseRng, pkg)) write(`${pkg.dir}/${rel}`, text, undefined);
    }
    const target = Math.max(20, Math.round((plan.draw / totalDraw) * budget) + fixedLines * 0.5);
    const items = envItems(fileRng, pkg, secretsByPkg.get(pkg), plan.env, plan.kind === 'dotenv' ? target : Math.round(target * 0.8), plan.kind === 'dotenv' ? ctx : { ...ctx, hubTake: () => false });
    let text;
    switch (plan.kind) {
      case 'dotenv': text = renderDotenv(fileRng, items); break;
      case 'compose': text = renderCompose(fileRng, pkg, items.slice(0, 60)); break;
      case 'k8s': text = renderK8sSecret(pkg, items, plan.env); break;
      case 'yaml': text = renderYaml(fileRng, items, plan.style); break;
      case 'json': text = renderJson(items, plan.style); break;
      case 'properties': text = renderProperties(items); break;
    }
    const rel = `${pkg.dir}/${plan.name}`;
    if (pkg.hubPending) {
      pkg.hubPending = false;
      const line = text.split('\n').findIndex((l) => l.startsWith(`${hub.key}=`) || l.startsWith(`export ${hub.key}=`));
      if (!hub.file) Object.assign(hub, { file: rel, line });
      else hub.others.push(rel);
    }
    write(rel, text, plan.kind);
  }

  // Root files: .gitignore (env files ignored, examples kept), the runbook journal, a root .env.
  write('.gitignore', 'node_modules/\ndist/\n.env\n.env.*\n!.env.example\n*.local\n', undefined);
  const journal = ['# Hardening log', ''];
  const jr = rng.fork('journal');
  for (let i = 0; i < 40; i++) {
    const key = jr.pick(['JWT_SECRET', 'SESSION_SECRET', 'ENCRYPTION_KEY', 'DB_PASSWORD', 'STRIPE_SECRET_KEY', 'AUTH_SECRET']);
    const date = `2026-${String(jr.int(1, 12)).padStart(2, '0')}-${String(jr.int(1, 28)).padStart(2, '0')}`;
    journal.push(`### A${jr.int(1, 9)}.${jr.int(1, 20)} — ${key} rotation [done ${date}]`, '- Trigger: scheduled', '');
  }
  write('docs/security/HARDENING-LOG.md', journal.join('\n'), undefined);
  // secretlint's config for the side-by-side run: the recommended preset, nothing else.
  write('.secretlintrc.json', JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }, null, 2) + '\n', undefined);

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (!hub.file || hub.others.length < size.hubOthers) throw new Error(`hub value placed in ${hub.others.length + (hub.file ? 1 : 0)} files, wanted ${size.hubOthers + 1}`);
  return { files, lines, bytes, hub, digest: digest.digest('hex').slice(0, 16) };
}

/** A single large .env file of `lines` lines: the monorepo's dotenv items, repeated per "service". */
export function generateSingle(root, lines, seed = DEFAULT_SEED) {
  const rng = createRng(seed ^ lines);
  const V = makeValues(rng.fork('values'));
  const model = buildModel(rng.fork('model'), { files: 400 });
  const chunks = [];
  let total = 0;
  for (let i = 0; total < lines; i++) {
    const pkg = { ...model.packages[i % model.packages.length] };
    // Unique keys across the whole file: every block is prefixed with its service name.
    pkg.prefix = `${pkg.prefix}_${i}`;
    const items = envItems(rng.fork(`b${i}`), pkg, packageSecrets(rng.fork(`s${i}`), pkg, V), 'development', Math.min(120, lines - total), {
      V,
      hubValue: '',
      hubTake: () => false,
      envValue: () => V.strong(),
    }).map((it) => (it.t === 'kv' && !it.key.startsWith(pkg.prefix + '_') ? { ...it, key: `${pkg.prefix}_${it.key}` } : it));
    let text = renderDotenv(rng, items);
    let n = text.split('\n').length - 1;
    if (total + n > lines) {
      text = text.split('\n').slice(0, lines - total).join('\n') + '\n';
      n = lines - total;
    }
    chunks.push(text);
    total += n;
  }
  const text = chunks.join('');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, '.env'), text);
  writeFileSync(path.join(root, '.gitignore'), '.env\n');
  return { path: '.env', lines: total, bytes: Buffer.byteLength(text), digest: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

/**
 * Generates (or reuses) the benchmark data under `outDir`. Returns the manifest: paths, sizes and
 * the hub file, never a value.
 */
export function ensureData({ outDir, quick = false, seed = DEFAULT_SEED, force = false, log = () => {} }) {
  const mode = quick ? 'quick' : 'full';
  const size = SIZES[mode];
  const manifestPath = path.join(outDir, `manifest-${mode}.json`);
  if (!force && existsSync(manifestPath)) {
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (m.version === GENERATOR_VERSION && m.seed === seed && existsSync(m.monorepo.root)) return m;
    } catch {
      // regenerate
    }
  }
  const t0 = performance.now();
  const monoRoot = path.join(outDir, `mono-${mode}`);
  log(`generating ${mode} monorepo (seed ${seed}) in ${path.relative(process.cwd(), monoRoot)} ...`);
  const mono = generateMonorepo(monoRoot, size, seed);
  const singles = {};
  for (const n of size.singles) {
    const label = n >= 1000 ? `${n / 1000}k` : String(n);
    const root = path.join(outDir, `single-${label}`);
    singles[label] = { root, ...generateSingle(root, n, seed) };
  }
  const manifest = {
    version: GENERATOR_VERSION,
    seed,
    mode,
    generatedMs: Math.round(performance.now() - t0),
    monorepo: { root: monoRoot, files: mono.files, fileCount: mono.files.length, lines: mono.lines, bytes: mono.bytes, hub: mono.hub, digest: mono.digest },
    singles,
  };
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 1));
  // The list of files for secretlint and the raw read, one per line, relative to the tree.
  writeFileSync(path.join(outDir, `files-${mode}.txt`), mono.files.map((f) => f.path).join('\n') + '\n');
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
  const outIdx = args.indexOf('--out');
  const seedIdx = args.indexOf('--seed');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outDir = path.resolve(outIdx !== -1 ? args[outIdx + 1] : path.join(here, 'out'));
  const seed = seedIdx !== -1 ? Number(args[seedIdx + 1]) : DEFAULT_SEED;
  const m = ensureData({ outDir, quick, seed, force: args.includes('--force'), log: (s) => console.log(s) });
  const kinds = {};
  for (const f of m.monorepo.files) kinds[f.kind] = (kinds[f.kind] ?? 0) + 1;
  console.log(`monorepo: ${m.monorepo.fileCount} files, ${m.monorepo.lines} lines, ${(m.monorepo.bytes / 1e6).toFixed(1)} MB, digest ${m.monorepo.digest}`);
  console.log(`  by kind: ${Object.entries(kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  hub: ${m.monorepo.hub.file} shares a value with ${m.monorepo.hub.others.length} other files`);
  for (const [label, s] of Object.entries(m.singles)) console.log(`single ${label}: ${s.lines} lines, ${(s.bytes / 1e6).toFixed(2)} MB, digest ${s.digest}`);
  console.log(`generated in ${m.generatedMs} ms`);
}
