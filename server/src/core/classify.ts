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

/**
 * Splits `jwt.secret-key`, `JWT_SECRET_KEY`, `jwtSecretKey` into upper-case words: a fresh array
 * the caller may change. One pass over the name; the words are those of splitting on
 * non-alphanumerics after cutting every lower-case letter or digit followed by an upper-case
 * letter (`jwtSecret` -> `jwt_Secret`). Only ASCII letters and digits form words.
 *
 * Not memoised: a full index asks for the words of ~200k distinct names, and a bounded cache
 * that size thrashes (measured 4x slower than splitting); splitting costs about what a lookup does.
 */
export function keyWords(key: string): string[] {
  const out: string[] = [];
  let start = -1;
  let hasLower = false;
  let prevLowerOrDigit = false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      // A-Z: starts a word, or a new one after a lower-case letter or digit.
      if (start === -1) {
        start = i;
        hasLower = false;
      } else if (prevLowerOrDigit) {
        out.push(hasLower ? key.slice(start, i).toUpperCase() : key.slice(start, i));
        start = i;
        hasLower = false;
      }
      prevLowerOrDigit = false;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      // a-z, 0-9
      if (start === -1) {
        start = i;
        hasLower = false;
      }
      if (c >= 97) hasLower = true;
      prevLowerOrDigit = true;
    } else {
      // Anything else separates words.
      if (start !== -1) {
        out.push(hasLower ? key.slice(start, i).toUpperCase() : key.slice(start, i));
        start = -1;
      }
      prevLowerOrDigit = false;
    }
  }
  if (start !== -1) out.push(hasLower ? key.slice(start).toUpperCase() : start === 0 ? key : key.slice(start));
  return out;
}

/**
 * A copy of a key name that does not point into a larger string. A key parsed out of a file is
 * often a slice of the file's text, and a cache holding the slice would hold the whole text, values
 * included, after the file is gone. (V8 copies substrings shorter than 13 characters.)
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
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

function endsWith(words: readonly string[], n: number, tail: readonly string[]): boolean {
  if (n < tail.length) return false;
  for (let i = 0; i < tail.length; i++) if (words[n - tail.length + i] !== tail[i]) return false;
  return true;
}

/** First characters (upper case) of BROWSER_PREFIXES. */
const PREFIX_INITIALS = new Set(BROWSER_PREFIXES.map((p) => p.charCodeAt(0)));
/** The last words of NOT_SECRET_TAILS: a name ending in none of them matches no tail. */
const TAIL_LAST = new Set(NOT_SECRET_TAILS.map((t) => t[t.length - 1]));
/** Last words a rotation slot adds, trimmed before classifying: `PREVIOUS`, `V2`, `1`. */
const SLOT_WORDS = new Set(['PREVIOUS', 'PREV', 'OLD', 'NEW', 'NEXT', 'CURRENT']);
/**
 * Glued words such as `PGPASSWORD`, `CLIENTSECRET`, `AUTHTOKEN`: the secret word is a suffix (none
 * of these is a suffix of another, so at most one fits a word).
 */
const GLUED_SUFFIXES = ['PASSWORD', 'PASSWD', 'SECRET', 'TOKEN', 'APIKEY'];
const AFTER_PENULTIMATE = new Set(['IN', 'AT', 'FOR', 'UNTIL']);

/** `/^(PREVIOUS|PREV|OLD|NEW|NEXT|CURRENT|V\d+|\d+)$/` for a word of `keyWords` (upper-case ASCII letters and digits). */
function isSlotWord(w: string): boolean {
  if (SLOT_WORDS.has(w)) return true;
  let i = w.charCodeAt(0) === 86 /* V */ ? 1 : 0;
  if (i === w.length) return false;
  for (; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The secret word glued to the end of a word of `keyWords` (upper-case ASCII letters and digits), or undefined. */
function gluedSecret(w: string): string | undefined {
  for (const g of GLUED_SUFFIXES) if (w.length > g.length && w.endsWith(g)) return g;
  return undefined;
}

// What the purpose and origin tests ask of the words, as bits: one lookup per word instead of a
// dozen `includes` per key.
const H_PRIVATE = 1 << 0;
const H_SALT = 1 << 1; // SALT, PEPPER
const H_PASSWORD = 1 << 2; // PASSWORD, PASSWD, PASS, PWD, PASSPHRASE
const H_ENCRYPTION = 1 << 3; // ENCRYPTION, ENCRYPT, CIPHER, AES, MASTER, ENC, CRYPTO, WALLET, FERNET, KEK, DEK
const H_SESSION = 1 << 4; // SESSION, COOKIE, NEXTAUTH, CSRF, XSRF
const H_SIGNING = 1 << 5; // JWT, SIGNING, HMAC, AUTH
const H_SECRET = 1 << 6;
const H_KEY = 1 << 7;
const H_BASE = 1 << 8;
const H_TOKEN = 1 << 9;
const H_API = 1 << 10;
const H_APIKEY = 1 << 11;
const H_DSN = 1 << 12; // DSN, CONNECTION
const H_CLIENT = 1 << 13;
const H_WEBHOOK = 1 << 14;
const H_THIRD_PARTY = 1 << 15; // THIRD_PARTY_WORDS
const H_SELF_CHOSEN = 1 << 16; // SELF_CHOSEN_WORDS
const H_SECRET_WORD = 1 << 17; // SECRET_WORDS
const WORD_BITS = new Map<string, number>();
function addBits(words: Iterable<string>, bit: number): void {
  for (const w of words) WORD_BITS.set(w, (WORD_BITS.get(w) ?? 0) | bit);
}
addBits(['PRIVATE'], H_PRIVATE);
addBits(['SALT', 'PEPPER'], H_SALT);
addBits(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'PASSPHRASE'], H_PASSWORD);
addBits(['ENCRYPTION', 'ENCRYPT', 'CIPHER', 'AES', 'MASTER', 'ENC', 'CRYPTO', 'WALLET', 'FERNET', 'KEK', 'DEK'], H_ENCRYPTION);
addBits(['SESSION', 'COOKIE', 'NEXTAUTH', 'CSRF', 'XSRF'], H_SESSION);
addBits(['JWT', 'SIGNING', 'HMAC', 'AUTH'], H_SIGNING);
addBits(['SECRET'], H_SECRET);
addBits(['KEY'], H_KEY);
addBits(['BASE'], H_BASE);
addBits(['TOKEN'], H_TOKEN);
addBits(['API'], H_API);
addBits(['APIKEY'], H_APIKEY);
addBits(['DSN', 'CONNECTION'], H_DSN);
addBits(['CLIENT'], H_CLIENT);
addBits(['WEBHOOK'], H_WEBHOOK);
addBits(THIRD_PARTY_WORDS, H_THIRD_PARTY);
addBits(SELF_CHOSEN_WORDS, H_SELF_CHOSEN);
addBits(SECRET_WORDS, H_SECRET_WORD);

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
  classCache.set(ownCopy(key), k ? Object.freeze(k) : null);
  return k;
}

function classifyUncached(key: string): KeyClass | undefined {
  let browserPrefix: string | undefined;
  // The prefixes start with one of PREFIX_INITIALS; an ASCII first character that is none of them
  // (in either case) starts none. Anything else takes the upper-cased comparison.
  const c0 = key.length === 0 ? 0 : key.charCodeAt(0);
  if (c0 >= 0x80 || PREFIX_INITIALS.has(c0 >= 97 && c0 <= 122 ? c0 - 32 : c0)) {
    const upper = key.toUpperCase();
    for (const p of BROWSER_PREFIXES) {
      if (upper.startsWith(p) && upper.length > p.length) {
        browserPrefix = p;
        break;
      }
    }
  }
  // The prefix only says where the value goes; the rest of the name says what it is.
  const base = keyWords(browserPrefix ? key.slice(browserPrefix.length) : key);
  // `n`: how many of `base` count (trailing slot words are dropped).
  let n = base.length;
  if (n === 0) return undefined;
  // Slots of a rotation scheme classify as their base: JWT_SECRET_PREVIOUS, WALLET_KEY_V1, AUTH_SECRET_1.
  while (n > 1 && isSlotWord(base[n - 1])) n--;

  // Without a prefix the full words are the trimmed words.
  const full = browserPrefix ? keyWords(key) : base;
  const fullN = browserPrefix ? full.length : n;
  if (TAIL_LAST.has(base[n - 1]) || (fullN > 0 && TAIL_LAST.has(full[fullN - 1]))) {
    for (const tail of NOT_SECRET_TAILS) {
      if (endsWith(base, n, tail) || endsWith(full, fullN, tail)) return notSecret(`ends in ${tail.join('_')}`, browserPrefix);
    }
  }
  // `PGPASSWORD`, `MYSQLPASSWORD`: split the glued secret word off so the rest classifies normally.
  let words: readonly string[] = n === base.length ? base : base.slice(0, n);
  for (let i = 0; i < words.length; i++) {
    const g = gluedSecret(words[i]);
    if (g === undefined || SECRET_WORDS.has(words[i])) continue;
    const split: string[] = [];
    for (let j = 0; j < words.length; j++) {
      const w = words[j];
      const gj = j < i ? undefined : gluedSecret(w);
      if (gj !== undefined && !SECRET_WORDS.has(w)) split.push(w.slice(0, w.length - gj.length), gj);
      else split.push(w);
    }
    words = split;
    break;
  }
  const len = words.length;
  const last = words[len - 1];
  if (NOT_SECRET_LAST.has(last)) return notSecret(`ends in ${last}`, browserPrefix);
  if ((last === 'KEY' || last === 'KEYS') && len >= 2 && NOT_SECRET_BEFORE_KEY.has(words[len - 2])) {
    return notSecret(`ends in ${words[len - 2]}_${last}`, browserPrefix);
  }
  if (len >= 2 && NOT_SECRET_PENULTIMATE.has(words[len - 2]) && AFTER_PENULTIMATE.has(last)) {
    return notSecret(`ends in ${words[len - 2]}_${last}`, browserPrefix);
  }

  let bits = 0;
  let secretWord: string | undefined;
  for (let i = 0; i < len; i++) {
    const b = WORD_BITS.get(words[i]);
    if (b === undefined) continue;
    bits |= b;
    if (secretWord === undefined && (b & H_SECRET_WORD) !== 0) secretWord = words[i];
  }
  const has = (bit: number): boolean => (bits & bit) !== 0;
  const isKeyWord = last === 'KEY' || last === 'KEYS' || has(H_APIKEY);
  if (!secretWord && !isKeyWord && !has(H_DSN)) return undefined;

  let purpose: SecretPurpose;
  if (has(H_PRIVATE)) purpose = 'private-key';
  else if (has(H_SALT)) purpose = 'salt';
  else if (has(H_PASSWORD)) purpose = 'password';
  else if (has(H_ENCRYPTION)) purpose = 'encryption';
  else if (has(H_SESSION)) purpose = 'session';
  else if (has(H_SIGNING) || (has(H_SECRET) && has(H_KEY) && has(H_BASE))) purpose = 'signing';
  // `ACCESS_TOKEN_SECRET`, `REFRESH_TOKEN_KEY`: the key that signs the tokens.
  else if (has(H_TOKEN) && (last === 'SECRET' || last === 'KEY') && !has(H_API)) purpose = 'signing';
  else if (has(H_API) || has(H_APIKEY)) purpose = 'api-key';
  else if (has(H_TOKEN)) purpose = 'token';
  else if (has(H_SECRET)) purpose = 'signing';
  // Laravel's APP_KEY encrypts cookies and sessions.
  else if (len === 2 && words[0] === 'APP' && last === 'KEY') purpose = 'encryption';
  else purpose = 'credential';

  // A provider's name (or an OAuth client secret) means someone else issues the value. Without one,
  // a project word (JWT, SESSION, POSTGRES, ADMIN...) means the project makes it up; a bare
  // `TOKEN`/`API_KEY`/`WEBHOOK_SECRET` without either is most often issued by someone else.
  const namedProvider = has(H_THIRD_PARTY) || (has(H_CLIENT) && has(H_SECRET));
  const projectWord = has(H_SELF_CHOSEN);
  let finalOrigin: SecretOrigin;
  if (namedProvider) finalOrigin = 'third-party';
  else if (projectWord) finalOrigin = 'self-chosen';
  else if (purpose === 'api-key' || purpose === 'token' || has(H_WEBHOOK)) finalOrigin = 'third-party';
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
