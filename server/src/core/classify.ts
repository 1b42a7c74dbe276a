/**
 * What is a secret: classification of keys by name and of values by shape.
 *
 * - self-chosen secrets: values the project makes up itself (JWT/session/encryption keys, salts,
 *   passwords of services the stack provisions: Postgres, Redis, MinIO...). A placeholder for these
 *   *works* when copied, so it is a weak secret.
 * - third-party credentials: values a provider issues (Stripe, OpenAI, OAuth client secrets, SMTP).
 *   A placeholder for these cannot work, so it is not a weak secret.
 * - not secrets: public keys, key ids, expiry, versions, algorithms, plain URLs, booleans, numbers.
 */

export type SecretOrigin = 'self-chosen' | 'third-party';
export type SecretPurpose = 'signing' | 'encryption' | 'session' | 'password' | 'salt' | 'token' | 'api-key' | 'private-key' | 'credential';

export interface KeyClass {
  secret: boolean;
  origin: SecretOrigin;
  purpose: SecretPurpose;
  /** The key names a browser-shipping prefix (NEXT_PUBLIC_, VITE_, ...), as found. */
  browserPrefix?: string;
  /** Why it is (not) a secret, for hovers and the README. */
  reason: string;
}

export const BROWSER_PREFIXES = ['NEXT_PUBLIC_', 'VITE_', 'REACT_APP_', 'EXPO_PUBLIC_', 'NUXT_PUBLIC_', 'GATSBY_', 'PUBLIC_', 'STORYBOOK_', 'VUE_APP_'];

/** Splits `jwt.secret-key`, `JWT_SECRET_KEY`, `jwtSecretKey` into upper-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

const NOT_SECRET_TAILS: string[][] = [
  ['PUBLIC', 'KEY'], ['PUB', 'KEY'], ['PUBLISHABLE', 'KEY'], ['KEY', 'ID'], ['KEY', 'NAME'], ['KEY', 'FILE'], ['KEY', 'PATH'],
  ['SECRET', 'NAME'], ['SECRET', 'ARN'], ['SECRET', 'ID'], ['SECRET', 'REF'], ['TOKEN', 'URL'], ['TOKEN', 'ENDPOINT'],
  ['CLIENT', 'ID'], ['APP', 'ID'], ['ACCOUNT', 'ID'], ['PROJECT', 'ID'], ['ANON', 'KEY'], ['SITE', 'KEY'],
];
/** `CACHE_KEY`, `SORT_KEY`, `ROUTING_KEY`: a KEY that names a lookup, not key material. */
const NOT_SECRET_BEFORE_KEY = new Set([
  'CACHE', 'SORT', 'PRIMARY', 'PARTITION', 'FOREIGN', 'IDEMPOTENCY', 'ROUTING', 'LOOKUP', 'STORAGE', 'LOCALSTORAGE', 'QUEUE',
  'BUCKET', 'OBJECT', 'S3', 'TRANSLATION', 'I18N', 'LOCK', 'RATELIMIT', 'SEARCH', 'UNIQUE', 'INDEX', 'GROUP', 'SHARD', 'DEDUP',
  'ROW', 'COLUMN', 'TABLE', 'FEATURE', 'FLAG', 'EVENT', 'METRIC', 'TRACKING', 'ANALYTICS', 'PUBLISHABLE', 'PUBLIC', 'PUB',
  'MAP', 'REDUX', 'PERSIST', 'HOTKEY', 'SHORTCUT', 'REGISTRY', 'CONFIG', 'SETTINGS', 'PREFERENCE', 'DEDUPE', 'HEADER', 'QUERY',
  // Site keys of CAPTCHA services are public by design; their secrets are named *_SECRET(_KEY).
  'RECAPTCHA', 'HCAPTCHA', 'TURNSTILE', 'CAPTCHA',
]);
const NOT_SECRET_LAST = new Set([
  'EXPIRES', 'EXPIRY', 'EXPIRATION', 'TTL', 'LIFETIME', 'AGE', 'VERSION', 'ALGORITHM', 'ALGORITHMS', 'ALG', 'ISSUER', 'AUDIENCE',
  'ROUNDS', 'COST', 'LENGTH', 'LEN', 'SIZE', 'BITS', 'ENABLED', 'DISABLED', 'ENABLE', 'DISABLE', 'REQUIRED', 'HEADER', 'FIELD',
  'PATH', 'FILE', 'DIR', 'HOST', 'HOSTNAME', 'PORT', 'USER', 'USERNAME', 'EMAIL', 'NAME', 'REGION', 'BUCKET', 'ENDPOINT',
  'DOMAIN', 'PREFIX', 'ID', 'IDS', 'TYPE', 'MODE', 'FORMAT', 'ENCODING', 'STRATEGY', 'PROVIDER', 'SCHEME', 'POLICY', 'TIMEOUT',
  'INTERVAL', 'DAYS', 'HOURS', 'MINUTES', 'SECONDS', 'LOCATION', 'ROTATION', 'URI', 'URL', 'COUNT', 'LIMIT', 'LEVEL', 'DATE',
  'MS', 'SEC', 'SECS', 'MIN', 'MINS', 'HRS', 'MAX', 'WINDOW', 'DELAY', 'RETRIES', 'ATTEMPTS', 'THRESHOLD', 'DURATION', 'PERIOD',
  'SAMESITE', 'SECURE', 'HTTPONLY', 'STORE', 'DRIVER', 'CHARSET', 'URLS', 'ORIGIN', 'ORIGINS', 'CALLBACK', 'REDIRECT', 'HASHER',
  'ITERATIONS', 'WORKFACTOR', 'DIGEST', 'CIPHERS', 'CURVE', 'KID', 'JWKS', 'FINGERPRINT', 'THUMBPRINT', 'HINT', 'POLICIES',
  'COMPLEXITY', 'STRENGTH', 'HISTORY', 'DOCS', 'ENV', 'ENVIRONMENT', 'REGEX', 'PATTERN', 'RULES', 'LABEL', 'TITLE',
  'MANAGER', 'PROJECT', 'ACCOUNT', 'NAMESPACE', 'BACKEND', 'ENGINE', 'MOUNT', 'SCOPE', 'SCOPES', 'CLAIM', 'CLAIMS', 'ROLE',
  'ROLES', 'GRANT', 'TENANT', 'PROVIDERS', 'SOURCE', 'TEMPLATE', 'RESET', 'LOCATION', 'METHOD', 'VERSIONS',
  'TIME', 'TIMES', 'EXP', 'EXPIRE', 'VALIDITY', 'DELTA', 'LEEWAY', 'SKEW', 'CLOCK',
]);
/** `IN` of `JWT_EXPIRES_IN`, `AT` of `ROTATED_AT`: look at the word before. */
const NOT_SECRET_PENULTIMATE = new Set(['EXPIRES', 'ROTATED', 'CREATED', 'ISSUED', 'VALID']);

const THIRD_PARTY_WORDS = new Set([
  'STRIPE', 'OPENAI', 'ANTHROPIC', 'GITHUB', 'GITLAB', 'GOOGLE', 'GCP', 'OAUTH', 'SMTP', 'MAIL', 'SENDGRID', 'MAILGUN', 'MAILCHIMP',
  'POSTMARK', 'RESEND', 'TWILIO', 'AWS', 'AZURE', 'SLACK', 'DISCORD', 'TELEGRAM', 'SUPABASE', 'FIREBASE', 'SENTRY', 'ALGOLIA',
  'PUSHER', 'CLOUDINARY', 'MAPBOX', 'PAYPAL', 'SHOPIFY', 'HUBSPOT', 'NOTION', 'AIRTABLE', 'CLERK', 'AUTH0', 'OKTA', 'COGNITO',
  'DATADOG', 'NEWRELIC', 'SEGMENT', 'MIXPANEL', 'POSTHOG', 'VERCEL', 'NETLIFY', 'HEROKU', 'CLOUDFLARE', 'DIGITALOCEAN', 'DOCKERHUB',
  'NPM', 'PYPI', 'HUGGINGFACE', 'HF', 'REPLICATE', 'COHERE', 'MISTRAL', 'GROQ', 'GEMINI', 'PINECONE', 'LINEAR', 'JIRA', 'ATLASSIAN',
  'FACEBOOK', 'META', 'TWITTER', 'LINKEDIN', 'APPLE', 'MICROSOFT', 'SPOTIFY', 'PLAID', 'BRAINTREE', 'SQUARE', 'LEMONSQUEEZY',
  'PADDLE', 'RECAPTCHA', 'HCAPTCHA', 'TURNSTILE', 'UPSTASH', 'NEON', 'PLANETSCALE', 'ATLAS', 'ELEVENLABS', 'DEEPGRAM',
  'EMAIL', 'SES', 'SNS', 'SQS', 'IMAP', 'POP3', 'SMS', 'MAILER', 'MAILJET', 'BREVO', 'SENDINBLUE', 'MANDRILL', 'SPARKPOST', 'VONAGE',
  'NEXMO', 'MESSAGEBIRD', 'CLOUDFLARE', 'BITBUCKET', 'DROPBOX', 'ZOOM', 'INTERCOM', 'ZENDESK', 'FRESHDESK', 'STRAVA',
  'TWITCH', 'REDDIT', 'INSTAGRAM', 'TIKTOK', 'YOUTUBE', 'ALCHEMY', 'INFURA', 'ETHERSCAN', 'MORALIS', 'COINBASE', 'BINANCE',
  'LOGTAIL', 'BETTERSTACK', 'LOGDNA', 'HONEYCOMB', 'ROLLBAR', 'BUGSNAG', 'LAUNCHDARKLY', 'OPENROUTER', 'PERPLEXITY',
  'DEEPSEEK', 'VOYAGE', 'WEAVIATE', 'QDRANT', 'LANGSMITH', 'TAVILY', 'SERPAPI', 'RAPIDAPI', 'AZUREAD', 'ENTRA',
]);
const SELF_CHOSEN_WORDS = new Set([
  'JWT', 'SESSION', 'COOKIE', 'NEXTAUTH', 'AUTH', 'SIGNING', 'HMAC', 'CSRF', 'XSRF', 'ENCRYPTION', 'CIPHER', 'AES', 'MASTER',
  'WALLET', 'APP', 'POSTGRES', 'POSTGRESQL', 'PG', 'MYSQL', 'MARIADB', 'REDIS', 'MONGO', 'MINIO', 'RABBITMQ', 'AMQP', 'DB',
  'DATABASE', 'ELASTIC', 'KEYCLOAK', 'ADMIN', 'ROOT', 'GRAFANA', 'PGADMIN', 'INTERNAL', 'REFRESH', 'ACCESS', 'MAGIC', 'RESET',
  'MONGODB', 'MSSQL', 'SQLSERVER', 'ORACLE', 'CLICKHOUSE', 'CASSANDRA', 'NEO4J', 'INFLUXDB', 'MEMCACHED', 'KAFKA', 'NATS', 'VAULT',
  'CONSUL', 'ETCD', 'LDAP', 'SFTP', 'SSH', 'BASIC', 'METRICS', 'HEALTH', 'WORKER', 'CRON', 'ENCRYPT',
  'DJANGO', 'FLASK', 'RAILS', 'LARAVEL', 'SYMFONY', 'STRAPI', 'DIRECTUS', 'PAYLOAD', 'GHOST', 'N8N', 'AIRFLOW', 'SUPERSET', 'HASURA',
]);
/** Words that make a key a secret by themselves. */
const SECRET_WORDS = new Set(['SECRET', 'SECRETS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASS', 'PWD', 'TOKEN', 'SALT', 'PEPPER', 'PASSPHRASE', 'CREDENTIALS', 'CREDENTIAL', 'APIKEY', 'PRIVATE']);
/** Glued words such as `PGPASSWORD`, `CLIENTSECRET`, `AUTHTOKEN`: the secret word is a suffix. */
const GLUED_SECRET = /^[A-Z0-9]+(PASSWORD|PASSWD|SECRET|TOKEN|APIKEY)$/;

function endsWith(words: string[], tail: string[]): boolean {
  if (words.length < tail.length) return false;
  for (let i = 0; i < tail.length; i++) if (words[words.length - tail.length + i] !== tail[i]) return false;
  return true;
}

/** Key names repeat on every keystroke; classifying one is a dozen word tests, so remember it. */
const classCache = new Map<string, Readonly<KeyClass> | null>();
const CLASS_CACHE_MAX = 20_000;

/** Classifies a key by its name alone; `undefined` when the name says nothing. */
export function classifyKeyName(key: string): KeyClass | undefined {
  const hit = classCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const k = classifyUncached(key);
  if (classCache.size >= CLASS_CACHE_MAX) classCache.clear();
  // Frozen: every caller shares the cached object.
  classCache.set(key, k ? Object.freeze(k) : null);
  return k;
}

function classifyUncached(key: string): KeyClass | undefined {
  const upper = key.toUpperCase();
  const browserPrefix = BROWSER_PREFIXES.find((p) => upper.startsWith(p) && upper.length > p.length);
  // The prefix only says where the value goes; the rest of the name says what it is.
  let words = keyWords(browserPrefix ? key.slice(browserPrefix.length) : key);
  if (words.length === 0) return undefined;
  // Slots of a rotation scheme classify as their base: JWT_SECRET_PREVIOUS, WALLET_KEY_V1, AUTH_SECRET_1.
  while (words.length > 1 && /^(PREVIOUS|PREV|OLD|NEW|NEXT|CURRENT|V\d+|\d+)$/.test(words[words.length - 1])) words = words.slice(0, -1);

  const fullWords = browserPrefix ? keyWords(key) : words;
  for (const tail of NOT_SECRET_TAILS) {
    if (endsWith(words, tail) || endsWith(fullWords, tail)) return notSecret(`ends in ${tail.join('_')}`, browserPrefix);
  }
  // `PGPASSWORD`, `MYSQLPASSWORD`: split the glued secret word off so the rest classifies normally.
  words = words.flatMap((w) => {
    const g = GLUED_SECRET.exec(w);
    return g && !SECRET_WORDS.has(w) ? [w.slice(0, w.length - g[1].length), g[1]] : [w];
  });
  const last = words[words.length - 1];
  if (NOT_SECRET_LAST.has(last)) return notSecret(`ends in ${last}`, browserPrefix);
  if ((last === 'KEY' || last === 'KEYS') && words.length >= 2 && NOT_SECRET_BEFORE_KEY.has(words[words.length - 2])) {
    return notSecret(`ends in ${words.slice(-2).join('_')}`, browserPrefix);
  }
  if (words.length >= 2 && NOT_SECRET_PENULTIMATE.has(words[words.length - 2]) && /^(IN|AT|FOR|UNTIL)$/.test(last)) {
    return notSecret(`ends in ${words.slice(-2).join('_')}`, browserPrefix);
  }

  const has = (w: string) => words.includes(w);
  const isKeyWord = last === 'KEY' || last === 'KEYS' || has('APIKEY');
  const secretWord = words.find((w) => SECRET_WORDS.has(w));
  if (!secretWord && !isKeyWord && !(has('DSN') || has('CONNECTION'))) return undefined;

  let purpose: SecretPurpose;
  if (has('PRIVATE')) purpose = 'private-key';
  else if (has('SALT') || has('PEPPER')) purpose = 'salt';
  else if (has('PASSWORD') || has('PASSWD') || has('PASS') || has('PWD') || has('PASSPHRASE')) purpose = 'password';
  else if (has('ENCRYPTION') || has('ENCRYPT') || has('CIPHER') || has('AES') || has('MASTER') || has('ENC') || has('CRYPTO') || has('WALLET') || has('FERNET') || has('KEK') || has('DEK')) purpose = 'encryption';
  else if (has('SESSION') || has('COOKIE') || has('NEXTAUTH') || has('CSRF') || has('XSRF')) purpose = 'session';
  else if (has('JWT') || has('SIGNING') || has('HMAC') || has('AUTH') || (has('SECRET') && has('KEY') && has('BASE'))) purpose = 'signing';
  // `ACCESS_TOKEN_SECRET`, `REFRESH_TOKEN_KEY`: the key that signs the tokens.
  else if (has('TOKEN') && (last === 'SECRET' || last === 'KEY') && !has('API')) purpose = 'signing';
  else if (has('API') || has('APIKEY')) purpose = 'api-key';
  else if (has('TOKEN')) purpose = 'token';
  else if (has('SECRET')) purpose = 'signing';
  // Laravel's APP_KEY encrypts cookies and sessions.
  else if (words.length === 2 && words[0] === 'APP' && last === 'KEY') purpose = 'encryption';
  else purpose = 'credential';

  // A provider's name (or an OAuth client secret) means someone else issues the value. Without one,
  // a project word (JWT, SESSION, POSTGRES, ADMIN...) means the project makes it up; a bare
  // `TOKEN`/`API_KEY`/`WEBHOOK_SECRET` without either is most often issued by someone else.
  const namedProvider = words.some((w) => THIRD_PARTY_WORDS.has(w)) || (has('CLIENT') && has('SECRET'));
  const projectWord = words.some((w) => SELF_CHOSEN_WORDS.has(w));
  let finalOrigin: SecretOrigin;
  if (namedProvider) finalOrigin = 'third-party';
  else if (projectWord) finalOrigin = 'self-chosen';
  else if (purpose === 'api-key' || purpose === 'token' || has('WEBHOOK')) finalOrigin = 'third-party';
  else finalOrigin = 'self-chosen';
  return {
    secret: true,
    origin: finalOrigin,
    purpose,
    browserPrefix,
    reason: `the name contains ${secretWord ?? 'KEY'}; ${finalOrigin === 'third-party' ? 'issued by a third party' : 'chosen by the project'}`,
  };
}

function notSecret(reason: string, browserPrefix?: string): KeyClass {
  return { secret: false, origin: 'self-chosen', purpose: 'credential', browserPrefix, reason };
}

/** Values that are never secrets, whatever the key: booleans, small numbers, plain URLs, references. */
export function isNonSecretValue(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (/^(true|false|yes|no|on|off|null|none|nil|undefined|enabled|disabled)$/i.test(v)) return true;
  // Small numbers are counts, rounds, ports and sizes (`SALT_ROUNDS=10`); longer digit strings
  // under a secret's name are PINs and passwords (`12345678`) and stay values.
  if (/^-?\d{1,4}(\.\d+)?$/.test(v)) return true;
  if (/^\d+(\.\d+)?\s?(ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|weeks?|y|years?)$/i.test(v)) return true;
  if (/^(HS|RS|ES|PS)(256|384|512)$|^EdDSA$/.test(v)) return true;
  if (/^\$\{[^}]*\}$|^\$[A-Za-z_]\w*$/.test(v)) return true;
  if (isFilePath(v)) return true;
  const url = parseUrlPassword(v);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !url) return true;
  return false;
}

/**
 * A path to a key or credentials file (`./service-account.json`, `/run/secrets/jwt`): the secret
 * is in the file, and the path is not one.
 */
function isFilePath(v: string): boolean {
  if (/^\/(var\/)?run\/secrets\/[\w.-]+$/.test(v)) return true;
  return /^(\.{0,2}\/|~\/|[A-Za-z]:\\)?[\w.~\\/-]*\.(json|pem|key|crt|cer|der|p8|p12|pfx|jks|keystore|pub|txt|ya?ml|env)$/i.test(v);
}

/** A password inside a connection URL: `postgres://user:pass@host/db`. */
export function parseUrlPassword(value: string): { start: number; end: number; user: string; scheme: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^:@/\s]*):([^@/\s]+)@/i.exec(value);
  if (!m) return undefined;
  const start = m[1].length + 3 + m[2].length + 1;
  return { start, end: start + m[3].length, user: m[2], scheme: m[1].toLowerCase() };
}

/** Placeholder markers that are not values: `<your-key>`, `${VAR}`, `xxx`-style blanks in examples. */
export function isMarker(value: string): boolean {
  const v = value.trim();
  return (
    /^<[^<>]*>$/.test(v) ||
    /^\$\{[^}]*\}$/.test(v) ||
    /^\$[A-Za-z_]\w*$/.test(v) ||
    // Template engines fill these in before anything reads the value: Helm/Jinja `{{ ... }}`,
    // Kubernetes `$(VAR)`.
    /^\{\{[^{}]*\}\}$/.test(v) ||
    /^\$\([A-Za-z_]\w*\)$/.test(v)
  );
}

/** `.env.example`, `.env.sample`, `.env.template`, `example.env`, `.env.dist`: files everyone shares. */
export function isExampleFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return /(^|[.\-_])(example|sample|template|tmpl|dist|defaults?)([.\-_]|$)/i.test(base);
}
