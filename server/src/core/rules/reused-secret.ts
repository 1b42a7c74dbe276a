import { keyWords } from '../classify';
import type { FileContext, Occurrence, Rule, WorkspaceView } from '../rule';
import { slotBase } from '../slots';
import type { EnvEntry, ParsedSource, RelatedLocation } from '../types';

/**
 * `reused-secret`: one value (compared by its keyed hash, never by printing it) in more than one
 * place that should each have their own secret.
 *
 * Reuse:
 * - different purposes: `JWT_SECRET` = `NEXTAUTH_SECRET` (seed 003 checklist), a JWT secret equal to
 *   a database password, `JWT_ACCESS_SECRET` = `JWT_REFRESH_SECRET`;
 * - environments: the same key with the same value in `.env.development` and `.env.production`
 *   (seed 003: "different secrets in development vs. production");
 * - example files: a real value copied into `.env.example`, or a real file still holding the
 *   example's value.
 *
 * One secret, not reuse:
 * - the same key (also `jwt.secret-key` = `JWT_SECRET_KEY`, `AUTH_SECRET` = `NEXTAUTH_SECRET`, which
 *   Auth.js reads as one setting) in files of the same environment: `.env` and `.env.local` are the
 *   layers every environment loads, so a value repeated there is an override, not a second secret;
 *   `apps/api/.env.production` and `apps/web/.env.production` share the key services must agree on;
 *   a compose file or manifest deploying the same key; a compose `${VAR:-default}` naming the key;
 * - slots of one rotation family (`JWT_SECRET_PREVIOUS` = `JWT_SECRET` is previous-equals-current);
 * - a database password and the password inside that database's connection URL
 *   (`POSTGRES_PASSWORD` and `DATABASE_URL=postgres://…`), or two URLs of one account (Prisma's
 *   `DATABASE_URL` and `DIRECT_URL`);
 * - two environments that both only run on developer machines (development, test, ci): the local
 *   Postgres password of `.env.development` and `.env.test` protects nothing worth separating.
 * Placeholders of third-party credentials (`your-stripe-key`) are not values at all, and values that
 * sit only in example files are committed-credential's and weak-secret's business.
 */
export const reusedSecretRule: Rule = {
  meta: {
    id: 'reused-secret',
    defaultSeverity: 'warning',
    description: 'One value under keys of different purposes, in several environments, or copied into an example file',
    docs: '#reused-secret',
    fix: 'Replace with a new 32-byte secret',
    scope: 'workspace',
  },
  check(ctx) {
    const ws = new Lookup(ctx.workspace);
    for (const s of ctx.secrets) {
      const occurrences = ctx.workspace.occurrences(s.hash);
      if (occurrences.length < 2) continue;
      const self = occurrences.find((o) => o.path === ctx.source.path && o.start === s.start);
      if (!self) continue;
      const guessable = !ctx.strength(s.value).randomLooking;
      const hits: Hit[] = [];
      // A value pasted into thousands of places (a shared placeholder) is reported from the first
      // MAX_EXAMINED others; the finding then says "and more" instead of counting every one.
      let examined = 0;
      for (const o of occurrences) {
        if (o === self || (o.path === self.path && o.start === self.start)) continue;
        if (++examined > MAX_EXAMINED) break;
        const kind = relation(self, o, ws, guessable);
        if (kind) hits.push({ o, kind });
      }
      if (hits.length === 0) continue;
      hits.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.o.path < b.o.path ? -1 : a.o.path > b.o.path ? 1 : 0) || a.o.start - b.o.start);
      report(ctx, self, hits, guessable, examined > MAX_EXAMINED);
    }
  },
};

type Kind = 'example' | 'environments' | 'purposes';
interface Hit {
  o: Occurrence;
  kind: Kind;
}
const KIND_ORDER: Record<Kind, number> = { example: 0, environments: 1, purposes: 2 };
const MAX_NAMED = 3;
const MAX_RELATED = 20;
const MAX_EXAMINED = 200;

function report(ctx: FileContext, self: Occurrence, hits: Hit[], guessable: boolean, truncated: boolean): void {
  const kind = hits[0].kind;
  const same = hits.filter((h) => h.kind === kind);
  const named = same.slice(0, MAX_NAMED).map((h) => where(h.o, self.path));
  const more = hits.length - named.length;
  const list = joinList(named) + (truncated ? ' (and many more)' : more > 0 ? ` (and ${more} more)` : '');
  const me = label(self);
  let message: string;
  if (kind === 'example') {
    if (self.example) {
      message = guessable
        ? `This example value is still in use as ${list}: the real file never replaced it with a generated secret`
        : `This example file holds the real value of ${list}: replace it with a placeholder and rotate the real secret`;
    } else {
      message = guessable
        ? `${me} still holds the same guessable value as ${list} in an example file: generate a real secret`
        : `${me} has the same value as ${list}, in an example file anyone with the repository can read: rotate it and put a placeholder in the example`;
    }
  } else if (kind === 'environments') {
    message = `${me} has the same ${guessable ? 'guessable ' : ''}value in ${self.path} as ${list}: use a different secret per environment`;
  } else {
    message = `${me} has the same ${guessable ? 'guessable ' : ''}value as ${list}: a leak of one exposes the other; give each its own secret`;
  }

  const related: RelatedLocation[] = [];
  for (const h of hits.slice(0, MAX_RELATED)) {
    const lines = ctx.workspace.lines(h.o.path);
    if (!lines) continue;
    related.push({ path: h.o.path, range: lines.range(h.o.start, h.o.end), message: `${label(h.o)} in ${h.o.path}: same value (${KIND_LABEL[h.kind]})` });
  }
  // data names the places the related locations show (a quick fix needs no more); `truncated` says
  // when there are others.
  const shown = hits.slice(0, MAX_RELATED);
  const keys = [...new Set([self.key, ...shown.map((h) => h.o.key)])].sort();
  const files = [...new Set([self.path, ...shown.map((h) => h.o.path)])].sort();
  const data: Record<string, string | boolean | string[]> = { keys, files, kind, guessable };
  if (truncated || hits.length > shown.length) data.truncated = true;
  ctx.report({ start: self.start, end: self.end, key: self.key, message, related, data });
}

const KIND_LABEL: Record<Kind, string> = { example: 'example file', environments: 'another environment', purposes: 'another purpose' };

function label(o: Occurrence): string {
  return o.fromUrl ? `the password in ${o.key}` : o.key;
}

function where(o: Occurrence, selfPath: string): string {
  return o.path === selfPath ? label(o) : `${label(o)} in ${o.path}`;
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Why two places holding one value are reuse, or undefined when they are one secret. */
function relation(a: Occurrence, b: Occurrence, ws: Lookup, guessable: boolean): Kind | undefined {
  if (a.example && b.example) return undefined;
  // `your-stripe-key-here` in two places is not a credential that works anywhere.
  if (guessable && (a.klass.origin === 'third-party' || b.klass.origin === 'third-party') && !a.fromUrl && !b.fromUrl) return undefined;
  if (a.example !== b.example) return 'example';
  if (a.path === b.path && a.key === b.key) return undefined; // a key defined twice: the last one wins
  const loaded = composeLoads(a, b, ws) || composeLoads(b, a, ws);
  const envs = !loaded && a.path !== b.path && differentEnvironments(environmentOf(a.path), environmentOf(b.path));
  if (oneSecret(a, b, ws)) return envs ? 'environments' : undefined;
  return 'purposes';
}

/** A compose file that lists the other file under `env_file:` runs with its values. */
function composeLoads(compose: Occurrence, other: Occurrence, ws: Lookup): boolean {
  return compose.format === 'compose' && (ws.source(compose.path)?.envFiles ?? []).includes(other.path);
}

const canonicalCache = new Map<string, string>();

/** `jwt.secret-key` and `JWT_SECRET_KEY` are one key; slots name their base; Auth.js aliases. */
export function canonicalKey(key: string): string {
  let k = canonicalCache.get(key);
  if (k !== undefined) return k;
  k = keyWords(key).join('_');
  const s = slotBase(k);
  if (s && s.kind !== 'versionKey') k = s.base;
  k = KEY_ALIASES[k] ?? k;
  if (canonicalCache.size > 10_000) canonicalCache.clear();
  canonicalCache.set(key, k);
  return k;
}

/** Names one framework reads as the same setting. */
const KEY_ALIASES: Record<string, string> = { NEXTAUTH_SECRET: 'AUTH_SECRET' };

function oneSecret(a: Occurrence, b: Occurrence, ws: Lookup): boolean {
  const ka = canonicalKey(a.key);
  const kb = canonicalKey(b.key);
  if (ka === kb) return true;
  const va = interpolationVarOf(a, ws);
  const vb = interpolationVarOf(b, ws);
  if ((va && canonicalKey(va) === kb) || (vb && canonicalKey(vb) === ka) || (va && vb && canonicalKey(va) === canonicalKey(vb))) return true;
  if (a.fromUrl || b.fromUrl || (a.klass.purpose === 'password' && b.klass.purpose === 'password')) return samePassword(a, b, ws);
  return false;
}

/** `${VAR:-default}` in compose: the default stands in for VAR. */
function interpolationVarOf(o: Occurrence, ws: Lookup): string | undefined {
  return ws.hasInterpolation(o.path) ? ws.entryOf(o)?.interpolationVar : undefined;
}

/**
 * The workspace view with what one check needs to look up many times: the entry an occurrence
 * sits in (binary search over the entries by value offset, built once per file and check).
 */
const sourceIndex = new WeakMap<ParsedSource, { entries: EnvEntry[]; interpolation: boolean }>();

class Lookup {
  private readonly byPath = new Map<string, { entries: EnvEntry[]; interpolation: boolean }>();

  constructor(private readonly ws: WorkspaceView) {}

  source(path: string) {
    return this.ws.source(path);
  }

  private index(path: string): { entries: EnvEntry[]; interpolation: boolean } {
    let ix = this.byPath.get(path);
    if (!ix) {
      // Per parsed source, not per check: a shared value makes every check look at the same files.
      const src = this.ws.source(path);
      ix = src ? sourceIndex.get(src) : undefined;
      if (!ix) {
        const entries = [...(src?.entries ?? [])].sort((a, b) => a.valueStart - b.valueStart);
        ix = { entries, interpolation: entries.some((e) => e.interpolationVar !== undefined) };
        if (src) sourceIndex.set(src, ix);
      }
      this.byPath.set(path, ix);
    }
    return ix;
  }

  private readonly valuesOf = new Map<string, Map<string, Set<string>>>();

  /** The values of each key of a file, by upper-cased key: one pass per file and check. */
  valuesByKey(path: string): Map<string, Set<string>> {
    let m = this.valuesOf.get(path);
    if (!m) {
      m = new Map();
      for (const e of this.ws.source(path)?.entries ?? []) {
        const k = e.key.toUpperCase();
        let set = m.get(k);
        if (!set) m.set(k, (set = new Set()));
        set.add(e.value);
      }
      this.valuesOf.set(path, m);
    }
    return m;
  }

  hasInterpolation(path: string): boolean {
    return this.index(path).interpolation;
  }

  /** The entry whose value holds the occurrence. */
  entryOf(o: Occurrence): EnvEntry | undefined {
    const { entries } = this.index(o.path);
    let lo = 0;
    let hi = entries.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid].valueStart <= o.start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    for (let i = found; i >= 0 && i > found - 4; i--) {
      const e = entries[i];
      if (e.key === o.key && e.valueStart <= o.start && o.end <= e.valueEnd) return e;
    }
    return undefined;
  }
}

// ---- passwords and connection URLs ----

const PASSWORD_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'PWD', 'SECRET', 'KEY']);
const URL_WORDS = new Set(['URL', 'URI', 'DSN', 'CONNECTION', 'CONN', 'STRING', 'ADDR', 'ADDRESS']);
/** Accounts of one service that must not share a password. */
const ROLE_WORDS = new Set(['ROOT', 'ADMIN', 'SUPERUSER', 'READONLY', 'RO', 'REPLICATION', 'REPLICA']);
const SERVICE_ALIASES: Record<string, string> = {
  DATABASE: 'DB', POSTGRESQL: 'POSTGRES', PG: 'POSTGRES', PSQL: 'POSTGRES', MONGODB: 'MONGO', MARIADB: 'MYSQL',
  REDISS: 'REDIS', AMQP: 'RABBITMQ', AMQPS: 'RABBITMQ', RABBIT: 'RABBITMQ', MSSQL: 'SQLSERVER',
};
/** A generic `DB_PASSWORD`/`DATABASE_URL` matches any of these; Redis or RabbitMQ are not "the database". */
const DATABASES = new Set(['POSTGRES', 'MYSQL', 'MONGO', 'SQLSERVER', 'ORACLE', 'DB']);

function service(word: string): string {
  return SERVICE_ALIASES[word] ?? word;
}

function passwordKeyWords(key: string): Set<string> {
  return new Set(keyWords(key).filter((w) => !PASSWORD_WORDS.has(w)).map(service));
}

function urlWords(o: Occurrence, ws: Lookup): Set<string> {
  const words = keyWords(o.key).filter((w) => !URL_WORDS.has(w) && !PASSWORD_WORDS.has(w)).map(service);
  const scheme = schemeOf(o, ws);
  if (scheme) words.push(scheme);
  if (o.urlUser) words.push(...keyWords(o.urlUser).map(service));
  return new Set(words);
}

/** The service a URL's scheme names: `postgresql://` -> POSTGRES. */
function schemeOf(o: Occurrence, ws: Lookup): string | undefined {
  const value = ws.entryOf(o)?.value ?? '';
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (!m) return undefined;
  return service(m[1].toUpperCase().replace(/\+SRV$/, ''));
}

/** Same service, same account: the word sets share a service and name the same roles. */
function servicesMatch(x: Set<string>, y: Set<string>): boolean {
  const roles = (s: Set<string>) => [...s].filter((w) => ROLE_WORDS.has(w)).sort().join(',');
  if (roles(x) !== roles(y)) return false;
  const sx = [...x].filter((w) => !ROLE_WORDS.has(w));
  const sy = [...y].filter((w) => !ROLE_WORDS.has(w));
  if (sx.length === 0 || sy.length === 0) return true; // a bare PASSWORD next to the URL
  return sx.some((w) => sy.some((v) => w === v || (w === 'DB' && DATABASES.has(v)) || (v === 'DB' && DATABASES.has(w))));
}

function samePassword(a: Occurrence, b: Occurrence, ws: Lookup): boolean {
  if (a.fromUrl && b.fromUrl) {
    // Prisma's DATABASE_URL and DIRECT_URL; Supabase's pooler user is `postgres.<project>`.
    const user = (o: Occurrence) => (o.urlUser ?? '').split('.')[0].toLowerCase();
    return schemeOf(a, ws) === schemeOf(b, ws) && user(a) === user(b);
  }
  const [u, p] = a.fromUrl ? [a, b] : b.fromUrl ? [b, a] : [undefined, undefined];
  if (!u || !p) return servicesMatch(passwordKeyWords(a.key), passwordKeyWords(b.key));
  if (p.klass.purpose !== 'password') return false;
  if (servicesMatch(urlWords(u, ws), passwordKeyWords(p.key))) return true;
  // POSTGRES_USER=nis2 beside POSTGRES_PASSWORD, and postgres://nis2:…@db: the same account.
  const prefix = p.key.replace(/[._-]?(PASSWORD|PASSWD|PASS|PWD)$/i, '');
  if (!u.urlUser || prefix === p.key || prefix === '') return false;
  const values = ws.valuesByKey(p.path);
  return [`${prefix}_USER`, `${prefix}_USERNAME`, `${prefix}.user`, `${prefix}.username`].some((k) => values.get(k.toUpperCase())?.has(u.urlUser!) === true);
}

// ---- environments ----

const ENV_ALIASES: Record<string, string> = {
  dev: 'development', develop: 'development', development: 'development', local: 'local',
  prod: 'production', production: 'production', live: 'production',
  stage: 'staging', staging: 'staging', stg: 'staging',
  test: 'test', testing: 'test', ci: 'ci', qa: 'qa', uat: 'uat', preview: 'preview', demo: 'demo', sandbox: 'sandbox',
};
/** Environments that only run on developer machines and CI. */
const LOCAL_ONLY = new Set(['development', 'test', 'ci', 'local']);

function normEnv(name: string): string {
  const n = name.toLowerCase();
  return ENV_ALIASES[n] ?? n;
}

/**
 * The environment a file configures, from its name: `.env.production`, `.env.production.local`,
 * `production.env`, `docker-compose.prod.yml`, `application-prod.yml`, `appsettings.Production.json`,
 * `config/production.json`. `undefined` for the layers every environment loads (`.env`, `.env.local`,
 * `docker-compose.yml`) and for names that say nothing.
 */
export function environmentOf(path: string): string | undefined {
  if (envCache.has(path)) return envCache.get(path);
  const env = environmentOfName(path);
  if (envCache.size > 10_000) envCache.clear();
  envCache.set(path, env);
  return env;
}

const envCache = new Map<string, string | undefined>();

function environmentOfName(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const dir = path.slice(0, Math.max(0, slash));
  let m = /^\.env(?:\.(.+?))?(?:\.local)?$/i.exec(base);
  if (m) return m[1] === undefined || /^local$/i.test(m[1]) ? undefined : normEnv(m[1]);
  m = /^(.+)\.env$/i.exec(base);
  if (m) return ENV_ALIASES[m[1].toLowerCase()];
  m = /^(?:docker-)?compose[.-](.+)\.ya?ml$/i.exec(base);
  if (m) return m[1].toLowerCase() === 'override' ? undefined : normEnv(m[1]);
  m = /^application-(.+)\.(?:ya?ml|properties)$/i.exec(base);
  if (m) return normEnv(m[1]);
  m = /^appsettings\.(.+)\.json$/i.exec(base);
  if (m) return normEnv(m[1]);
  m = /^(.+)\.(?:json|ya?ml)$/i.exec(base);
  if (m && /(^|\/)config$/.test(dir)) return ENV_ALIASES[m[1].toLowerCase()];
  return undefined;
}

/** Two named environments, not both developer-only. */
export function differentEnvironments(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === b) return false;
  return !(LOCAL_ONLY.has(a) && LOCAL_ONLY.has(b));
}
