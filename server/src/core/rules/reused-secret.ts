import { keyWords } from '../classify';
import type { FileContext, Occurrence, ReportedFinding, Rule, SecretValue, WorkspaceView } from '../rule';
import { slotBase } from '../slots';
import { sameRange, type LineIndex } from '../text';
import type { EnvEntry, ParsedSource, RelatedLocation } from '../types';
import { ObjectMemo } from '../object-memo';

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
    reads: 'values',
  },
  check(ctx) {
    const ws = ctx.workspace;
    const local = localGroups(ctx);
    for (const s of ctx.secrets) {
      const occurrences = ws.occurrences(s.hash);
      if (occurrences.length < 2) continue;
      const group = groupOf(occurrences);
      const si = selfIndex(group, occurrences, ctx.source.path, s.start);
      if (si < 0) continue;
      const self = occurrences[si];
      const guessable = !ctx.strength(s.value).randomLooking;
      const lg = local?.get(s.hash, occurrences, guessable);
      if (lg) {
        // A value only this file holds, its places as they were: the hits of the last check.
        let r = lg.results[si];
        if (r === undefined) lg.results[si] = r = localResult(self, si, group, occurrences, ws, guessable);
        if (r) reportAgain(ctx, self, r, occurrences, guessable);
        continue;
      }
      // The list as the last check of this place saw it (same array, same length: the same
      // places, see `Group.results`): its hits again, without comparing the places.
      const results = group.resultsLength === occurrences.length ? group.results : undefined;
      const known = results?.[si];
      if (known !== undefined) {
        if (known) ctx.report(known);
        continue;
      }
      // Kept from the second check of a place on: a load or a CLI run checks each place once and
      // keeps nothing (one bit per place of a short list says it was checked).
      let keep: boolean;
      if (group.seenLength !== occurrences.length) {
        group.seen = occurrences.length <= 31 ? 0 : new Uint8Array(occurrences.length);
        group.seenLength = occurrences.length;
      }
      if (typeof group.seen === 'number') {
        const bit = 1 << si;
        keep = (group.seen & bit) !== 0;
        group.seen |= bit;
      } else {
        keep = group.seen![si] === 1;
        group.seen![si] = 1;
      }
      if (keep && !results) {
        group.results = [];
        group.resultsLength = occurrences.length;
      }
      const found = (hits: Hit[] | undefined, total: number, truncated: boolean): void => {
        const f = hits ? findingOf(ws, self, hits, total, guessable, truncated) : null;
        if (keep) group.results![si] = f;
        if (f) ctx.report(f);
      };
      // A value pasted into thousands of places (a shared placeholder) is reported from the first
      // MAX_EXAMINED others; the finding then says "and more" instead of counting every one.
      let examined = 0;
      if (occurrences.length < INDEX_FROM) {
        const hits: Hit[] = [];
        for (let i = 0; i < occurrences.length; i++) {
          const o = occurrences[i];
          if (o === self || (o.start === self.start && o.path === self.path)) continue;
          ++examined;
          const kind = relation(self, si, o, i, group, occurrences, ws, guessable);
          if (kind) hits.push({ o, i, kind });
        }
        if (hits.length === 0) {
          found(undefined, 0, false);
          continue;
        }
        // By kind, then by path and offset.
        hits.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.o.path < b.o.path ? -1 : a.o.path > b.o.path ? 1 : 0) || a.o.start - b.o.start);
        found(hits, hits.length, false);
        continue;
      }
      // A long list: each hit is one number, kind then (path, offset) rank, so that ordering them is a
      // numeric sort (no object per hit, no comparator); only the ones a finding shows become hits.
      const n = occurrences.length;
      const { rank, order } = ranks(group, occurrences);
      let count = 0;
      for (let i = 0; i < n; i++) {
        const o = occurrences[i];
        if (o === self || (o.start === self.start && o.path === self.path)) continue;
        if (++examined > MAX_EXAMINED) break;
        const kind = relation(self, si, o, i, group, occurrences, ws, guessable);
        if (kind) hitKeys[count++] = KIND_ORDER[kind] * n + rank[i];
      }
      if (count === 0) {
        found(undefined, 0, false);
        continue;
      }
      const sorted = hitKeys.subarray(0, count).sort();
      const shown: Hit[] = [];
      for (let h = 0; h < count && h < MAX_RELATED; h++) {
        const key = sorted[h];
        const kindOrder = Math.floor(key / n);
        const i = order[key - kindOrder * n];
        shown.push({ o: occurrences[i], i, kind: KINDS[kindOrder] });
      }
      found(shown, count, examined > MAX_EXAMINED);
    }
  },
};

// ---- values only one file holds ----

/** The hits of one place of a value: positions in the occurrence list, in report order. */
interface LocalResult {
  hits: number[];
  kinds: Kind[];
  total: number;
  truncated: boolean;
  /**
   * The finding these hits made for the place `findingFor`, reported again as it is while the place
   * is the same. A result carried to the next version of its file has new places, at new offsets:
   * its finding is made again for them. (Local results exist only for a file being edited.)
   */
  finding?: ReportedFinding;
  findingFor?: Occurrence;
}

/**
 * Reports a result found before: its finding as it is for the same place, moved for a place the
 * edit moved (the group's signature held, so the message and data read the same keys and
 * classes: only offsets and the related ranges can differ), made from its hits the first time.
 */
function reportAgain(ctx: FileContext, self: Occurrence, r: LocalResult, occurrences: readonly Occurrence[], guessable: boolean): void {
  if (r.findingFor !== self || r.finding === undefined) {
    const old = r.finding;
    const related = old?.related && movedRelated(ctx.workspace.lines(self.path), old.related, r.hits, occurrences);
    r.finding =
      old && related
        ? { start: self.start, end: self.end, key: self.key, message: old.message, related, data: old.data }
        : findingOf(ctx.workspace, self, r.hits.map((i, h) => ({ o: occurrences[i], i, kind: r.kinds[h] })), r.total, guessable, r.truncated);
    r.findingFor = self;
  }
  ctx.report(r.finding);
}

/**
 * The related locations of a local result's finding for its places now (related[i] shows hit i):
 * the same objects where a place's range did not change, the same array when none did; undefined
 * when the file's lines are unknown.
 */
function movedRelated(lines: LineIndex | undefined, related: RelatedLocation[], hits: readonly number[], occurrences: readonly Occurrence[]): RelatedLocation[] | undefined {
  if (!lines || related.length > hits.length) return undefined;
  let out: RelatedLocation[] | undefined;
  for (let i = 0; i < related.length; i++) {
    const o = occurrences[hits[i]];
    const was = related[i];
    if (was.path !== o.path) return undefined;
    const range = lines.range(o.start, o.end);
    const same = sameRange(range, was.range);
    if (same && !out) continue;
    out ??= related.slice(0, i);
    out.push(same ? was : { path: was.path, range, message: was.message });
  }
  return out ?? related;
}

/** What `localGroups` keeps per version of a file being edited. */
interface LocalMemo {
  groups: Map<string, LocalGroup>;
  /** The version's entries (to see what the next edit re-parsed). */
  entries: readonly EnvEntry[];
  /** The version's source index (its `users`: the version's `userValues`, once computed). */
  index: SourceIndex;
}

interface LocalGroup {
  /** What `relation()` reads of the places (see `localSignature`). */
  sig: string;
  guessable: boolean;
  /** Per position: the result (null: no finding), computed when first asked. */
  results: (LocalResult | null | undefined)[];
}

/**
 * The findings of values that only this .env holds (all places in this file): `relation()` then
 * reads the keys, classes, URL schemes and users and order of the places, and the file's user keys,
 * and a keystroke elsewhere in the file leaves them as they were. Kept per file (`FileContext.keep`)
 * by keyed hash and checked against the places' signature before use; a value that gains a place in
 * another file is checked as usual.
 */
function localGroups(ctx: FileContext): { get(hash: string, occurrences: readonly Occurrence[], guessable: boolean): LocalGroup | undefined } | undefined {
  if (ctx.source.format !== 'dotenv') return undefined;
  const path = ctx.source.path;
  const recalled = ctx.recall<LocalMemo>();
  const ix = indexOf(ctx.source);
  // Plain data only: a closure here (a getter for `ix.users`, say) would hold this call's scope,
  // and with it this version's context and the groups of the version before, through the next
  // version's memo. Young-generation collections then kept every version's objects alive until a
  // full collection: 1,000 keystrokes in a 1k-line file promoted 61 MB with this rule alone (8.5 MB
  // without the getter), and the server's scavenges took 10-14 ms.
  const kept: LocalMemo = { groups: new Map(), entries: ctx.source.entries, index: ix };
  // Only for a file being edited: a load checks every group once anyway.
  if (!ctx.keep(kept)) return undefined;
  const before = recalled?.memo.groups;
  const now = kept.groups;
  // The user keys' values of the version before, when the edit re-parsed no key that can name a
  // user (the other entries kept their keys and values): rebuilt, they were ~8 ms of a keystroke
  // in a 100k-line file.
  const carried = recalled?.carried?.entries;
  if (!ix.users && carried && recalled.memo.index.users && !mayNameUser(recalled.memo.entries, carried.kept, carried.oldResume) && !mayNameUser(ctx.source.entries, carried.kept, carried.newResume)) {
    ix.users = recalled.memo.index.users;
  }
  let byStart: Map<number, SecretValue> | undefined;
  const urlSecrets = (start: number): SecretValue | undefined => {
    if (!byStart) {
      byStart = new Map();
      for (const s of ctx.secrets) if (s.fromUrl) byStart.set(s.start, s);
    }
    return byStart.get(start);
  };
  return {
    get(hash, occurrences, guessable) {
      let g = now.get(hash);
      if (g) return g;
      const sig = localSignature(ctx, occurrences, path, urlSecrets);
      if (sig === undefined) return undefined;
      g = before?.get(hash);
      if (!g || g.sig !== sig || g.guessable !== guessable) g = { sig, guessable, results: [] };
      now.set(hash, g);
      return g;
    },
  };
}

/**
 * What `relation()` reads of places that are all in `path` (in offset order), or undefined when
 * they are not: keys, classes, and for URL passwords the URL's scheme and user. Where a URL and a
 * password key meet, whether the file's `*_USER` keys name the URL's user.
 */
function localSignature(ctx: FileContext, occurrences: readonly Occurrence[], path: string, urlSecret: (start: number) => SecretValue | undefined): string | undefined {
  let sig = '';
  let last = -1;
  let users: string[] | undefined;
  let plain = false;
  for (const o of occurrences) {
    if (o.path !== path || o.format !== 'dotenv' || o.start <= last) return undefined;
    last = o.start;
    sig += `${o.key}\u0001${o.klass.origin}\u0001${o.klass.purpose}\u0001${o.example ? 1 : 0}`;
    if (o.fromUrl) {
      const s = urlSecret(o.start);
      if (!s || s.end !== o.end || s.key !== o.key) return undefined;
      sig += `\u0001${schemeOf(s.entry.value) ?? ''}\u0001${o.urlUser ?? '\u0003'}`;
      if (o.urlUser && !(users ??= []).includes(o.urlUser)) users.push(o.urlUser);
    } else plain = true;
    sig += '\u0002';
  }
  if (users && plain) {
    // samePassword: a password key whose user keys hold the URL's user is the same account.
    const values = userValues(ctx.source);
    for (const o of occurrences) {
      if (o.fromUrl || o.klass.purpose !== 'password') continue;
      const keys = keyInfo(o.key).userKeys;
      sig += '\u0004';
      if (keys) for (const u of users) sig += keys.some((k) => values.get(k)?.has(u) === true) ? '1' : '0';
    }
  }
  return sig;
}

/** What `check` finds for the place at `si` (the same steps, the hits as positions). */
function localResult(self: Occurrence, si: number, group: Group, occurrences: readonly Occurrence[], ws: WorkspaceView, guessable: boolean): LocalResult | null {
  let examined = 0;
  const hits: Hit[] = [];
  for (let i = 0; i < occurrences.length; i++) {
    const o = occurrences[i];
    if (o === self || (o.start === self.start && o.path === self.path)) continue;
    if (occurrences.length >= INDEX_FROM && examined >= MAX_EXAMINED) {
      examined++;
      break;
    }
    ++examined;
    const kind = relation(self, si, o, i, group, occurrences, ws, guessable);
    if (kind) hits.push({ o, i, kind });
  }
  if (hits.length === 0) return null;
  // One path, positions in offset order: by kind, then by position (stable sort).
  hits.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const total = hits.length;
  const shown = occurrences.length < INDEX_FROM ? hits : hits.slice(0, MAX_RELATED);
  return { hits: shown.map((h) => h.i), kinds: shown.map((h) => h.kind), total, truncated: occurrences.length >= INDEX_FROM && examined > MAX_EXAMINED };
}

type Kind = 'example' | 'environments' | 'purposes';
interface Hit {
  o: Occurrence;
  /** The position of `o` in the occurrence list. */
  i: number;
  kind: Kind;
}
const KIND_ORDER: Record<Kind, number> = { example: 0, environments: 1, purposes: 2 };
const KINDS: readonly Kind[] = ['example', 'environments', 'purposes'];
const MAX_NAMED = 3;
const MAX_RELATED = 20;
const MAX_EXAMINED = 200;
/** The hits of one check of a long list, as sort keys (reused: checks run one at a time). */
const hitKeys = new Float64Array(MAX_EXAMINED);

/**
 * `hits` are the first of `total` hits in order (at least the first MAX_RELATED of them); `truncated`
 * says that not every place was examined.
 */
function findingOf(ws: WorkspaceView, self: Occurrence, hits: Hit[], total: number, guessable: boolean, truncated: boolean): ReportedFinding {
  // Hits are sorted by kind first: the ones of the first kind are a prefix.
  const kind = hits[0].kind;
  const named: string[] = [];
  for (let i = 0; i < hits.length && named.length < MAX_NAMED && hits[i].kind === kind; i++) named.push(where(hits[i].o, self.path));
  const more = total - named.length;
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

  // data names the places the related locations show (a quick fix needs no more); `truncated` says
  // when there are others.
  const shown = Math.min(total, MAX_RELATED);
  const related: RelatedLocation[] = [];
  const keySet = new Set([self.key]);
  const fileSet = new Set([self.path]);
  for (let i = 0; i < shown; i++) {
    const h = hits[i];
    keySet.add(h.o.key);
    fileSet.add(h.o.path);
    const loc = relatedLocation(ws, h.o, h.kind);
    if (loc) related.push(loc);
  }
  const keys = [...keySet].sort();
  const files = [...fileSet].sort();
  const data: Record<string, string | boolean | string[]> = { keys, files, kind, guessable };
  if (truncated || total > shown) data.truncated = true;
  return { start: self.start, end: self.end, key: self.key, message, related, data };
}

const KIND_LABEL: Record<Kind, string> = { example: 'example file', environments: 'another environment', purposes: 'another purpose' };

/**
 * The related location that shows an occurrence, per occurrence and kind: a value shared by N places
 * names each place in up to N findings. The objects are shared between those findings (nothing
 * mutates a finding); a location is made again when the workspace holds other lines for the path.
 */
const relatedCache = new ObjectMemo<Occurrence, { lines: LineIndex; byKind: Partial<Record<Kind, RelatedLocation>> }>('relatedCache');

function relatedLocation(ws: WorkspaceView, o: Occurrence, kind: Kind): RelatedLocation | undefined {
  const lines = ws.lines(o.path);
  if (!lines) return undefined;
  let c = relatedCache.get(o);
  if (c === undefined || c.lines !== lines) relatedCache.set(o, (c = { lines, byKind: {} }));
  return (c.byKind[kind] ??= { path: o.path, range: lines.range(o.start, o.end), message: `${label(o)} in ${o.path}: same value (${KIND_LABEL[kind]})` });
}

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
function relation(
  a: Occurrence, ai: number, b: Occurrence, bi: number, group: Group, occurrences: readonly Occurrence[], ws: WorkspaceView, guessable: boolean,
): Kind | undefined {
  if (a.example && b.example) return undefined;
  // `your-stripe-key-here` in two places is not a credential that works anywhere.
  if (guessable && (a.klass.origin === 'third-party' || b.klass.origin === 'third-party') && !a.fromUrl && !b.fromUrl) return undefined;
  if (a.example !== b.example) return 'example';
  if (a.path === b.path && a.key === b.key) return undefined; // a key defined twice: the last one wins
  const pa = profileAt(group, occurrences, ai, ws);
  const pb = profileAt(group, occurrences, bi, ws);
  if (!oneSecret(a, pa, b, pb)) return 'purposes';
  const loaded = composeLoads(pa, b) || composeLoads(pb, a);
  return !loaded && a.path !== b.path && differentEnvironments(pa.env, pb.env) ? 'environments' : undefined;
}

/** A compose file that lists the other file under `env_file:` runs with its values. */
function composeLoads(compose: Profile, other: Occurrence): boolean {
  return compose.envFiles !== undefined && compose.envFiles.includes(other.path);
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

function oneSecret(a: Occurrence, pa: Profile, b: Occurrence, pb: Profile): boolean {
  if (pa.canonical === pb.canonical) return true;
  // `${VAR:-default}` in compose: the default stands in for VAR.
  const va = pa.interpolationVar;
  const vb = pb.interpolationVar;
  if ((va !== undefined && va === pb.canonical) || (vb !== undefined && vb === pa.canonical) || (va !== undefined && va === vb)) return true;
  if (a.fromUrl || b.fromUrl || (a.klass.purpose === 'password' && b.klass.purpose === 'password')) return samePassword(a, pa, b, pb);
  return false;
}

// ---- per-occurrence profiles ----

/**
 * What `relation()` compares, derived once per occurrence instead of once per pair: a value shared
 * by N places makes each of the N checks compare it with up to MAX_EXAMINED others.
 */
interface Profile {
  readonly occurrence: Occurrence;
  /** The parsed source the profile was derived from (the occurrence's file version). */
  readonly source: ParsedSource | undefined;
  readonly canonical: string;
  /** canonicalKey of the variable a compose `${VAR:-default}` names, when the value is that default. */
  readonly interpolationVar: string | undefined;
  readonly env: string | undefined;
  /** A compose file's `env_file:` references; undefined for other formats. */
  readonly envFiles: readonly string[] | undefined;
  /** The service words of the key (for a URL, also its scheme and user), split for `servicesMatch`. */
  readonly words: Words;
  /** A URL password: the service its scheme names. */
  readonly scheme: string | undefined;
  /** A URL password: its user, before a Supabase-style `.<project>`, lower-cased. */
  readonly user: string;
  /** A password key `X_PASSWORD`: the upper-cased keys that would hold its user (`X_USER`...). */
  readonly userKeys: readonly string[] | undefined;
}

/** A word set split into the account roles it names (sorted, joined) and the other words. */
interface Words {
  readonly roles: string;
  readonly services: readonly string[];
  /** `services` has DB (the generic database). */
  readonly db: boolean;
  /** `services` has one of DATABASES. */
  readonly database: boolean;
}

/**
 * Profiles by occurrence. The analyzer creates Occurrence objects per file version and never
 * mutates them; a profile also remembers the source it read, and is derived again if the
 * workspace holds another one for the path.
 */
const profiles = new ObjectMemo<Occurrence, Profile>('profiles');

function profileOf(o: Occurrence, src: ParsedSource | undefined): Profile {
  let p = profiles.get(o);
  if (p === undefined || p.source !== src) {
    p = makeProfile(o, src);
    profiles.set(o, p);
  }
  return p;
}

/**
 * What the checks of one value share, per occurrence list: the profiles by position (one array
 * read instead of a WeakMap lookup per comparison) and, for long lists, where each file's places
 * sit and their order. A profile is checked against the occurrence it was made for. The analyzer's
 * lists only grow in place (removing a file makes new lists), so the by-path index and the ranks
 * are made again when the length changes.
 */
interface Group {
  readonly profiles: (Profile | undefined)[];
  /** Positions by path, for the list as it was at `indexedLength`. */
  byPath?: Map<string, number[]>;
  indexedLength?: number;
  /** Each position's rank in (path, offset) order, for the list as it was at `rankedLength`. */
  rank?: number[];
  /** The positions in (path, offset) order: `order[rank[i]] === i`. */
  order?: number[];
  rankedLength?: number;
  /**
   * The finding the check of each position made (null: none), for the list as it was at
   * `resultsLength`, kept from the second check of a place on (see `seen`). A finding about a place
   * reads only the places in its list (and, through them, their files: a file that changes gets new
   * places, in new lists), so while the list is the same array with the same length, a check
   * finds what it found before: a file whose findings are recomputed because another value it
   * holds changed skips the comparisons for this one.
   */
  results?: (ReportedFinding | null | undefined)[];
  resultsLength?: number;
  /**
   * The positions checked once, for the list as it was at `seenLength`: bit i of a number for up to
   * 31 places, else a byte per place.
   */
  seen?: number | Uint8Array;
  seenLength?: number;
}

const groups = new ObjectMemo<readonly Occurrence[], Group>('groups');

function groupOf(occurrences: readonly Occurrence[]): Group {
  let g = groups.get(occurrences);
  if (g === undefined) groups.set(occurrences, (g = { profiles: [] }));
  return g;
}

function profileAt(group: Group, occurrences: readonly Occurrence[], i: number, ws: WorkspaceView): Profile {
  const o = occurrences[i];
  const src = ws.source(o.path);
  let p = group.profiles[i];
  if (p === undefined || p.occurrence !== o || p.source !== src) group.profiles[i] = p = profileOf(o, src);
  return p;
}

/**
 * The rank of each position of a long list in (path, offset) order, ties in list order: sorting the
 * hits of each check by rank orders them as comparing their paths would, without the string
 * comparisons.
 */
function ranks(group: Group, occurrences: readonly Occurrence[]): { rank: number[]; order: number[] } {
  if (group.rank !== undefined && group.order !== undefined && group.rankedLength === occurrences.length) return { rank: group.rank, order: group.order };
  const order = occurrences.map((_, i) => i);
  order.sort((x, y) => {
    const a = occurrences[x];
    const b = occurrences[y];
    return (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.start - b.start || x - y;
  });
  const rank = new Array<number>(occurrences.length);
  for (let r = 0; r < order.length; r++) rank[order[r]] = r;
  group.rank = rank;
  group.order = order;
  group.rankedLength = occurrences.length;
  return { rank, order };
}

/** Lists shorter than this are searched and their hits sorted by comparing paths; longer ones get indexes. */
const INDEX_FROM = 32;

/** The position of the first occurrence at `path` and `start`, or -1. */
function selfIndex(group: Group, occurrences: readonly Occurrence[], path: string, start: number): number {
  if (occurrences.length < INDEX_FROM) return occurrences.findIndex((o) => o.path === path && o.start === start);
  if (group.byPath === undefined || group.indexedLength !== occurrences.length) {
    const byPath = new Map<string, number[]>();
    for (let i = 0; i < occurrences.length; i++) {
      const p = occurrences[i].path;
      const list = byPath.get(p);
      if (list) list.push(i);
      else byPath.set(p, [i]);
    }
    group.byPath = byPath;
    group.indexedLength = occurrences.length;
  }
  for (const i of group.byPath.get(path) ?? []) if (occurrences[i].path === path && occurrences[i].start === start) return i;
  // Not where the index says (a list changed in place without growing): search it.
  return occurrences.findIndex((o) => o.path === path && o.start === start);
}

function makeProfile(o: Occurrence, src: ParsedSource | undefined): Profile {
  const ix = src ? indexOf(src) : undefined;
  const entry = ix ? entryOf(ix.entries, o) : undefined;
  const info = keyInfo(o.key);
  let words = info.passwordWords;
  let scheme: string | undefined;
  let user = '';
  if (o.fromUrl) {
    scheme = schemeOf(entry?.value ?? '');
    const list = [...info.urlKeyWords];
    if (scheme) list.push(scheme);
    if (o.urlUser) list.push(...keyWords(o.urlUser).map(service));
    words = splitWords(new Set(list));
    // Prisma's DATABASE_URL and DIRECT_URL; Supabase's pooler user is `postgres.<project>`.
    user = (o.urlUser ?? '').split('.')[0].toLowerCase();
  }
  const v = ix?.interpolation ? entry?.interpolationVar : undefined;
  return {
    occurrence: o,
    source: src,
    canonical: info.canonical,
    interpolationVar: v ? canonicalKey(v) : undefined,
    env: environmentOf(o.path),
    envFiles: o.format === 'compose' ? (src?.envFiles ?? []) : undefined,
    words,
    scheme,
    user,
    userKeys: info.userKeys,
  };
}

/** What a profile derives from the key name alone. */
interface KeyInfo {
  canonical: string;
  /** The key's words without password words, as services. */
  passwordWords: Words;
  /** The key's words without URL and password words, as services (a URL adds scheme and user). */
  urlKeyWords: readonly string[];
  userKeys: readonly string[] | undefined;
}

const keyInfoCache = new Map<string, KeyInfo>();

function keyInfo(key: string): KeyInfo {
  let info = keyInfoCache.get(key);
  if (info !== undefined) return info;
  const words = keyWords(key);
  // POSTGRES_USER=nis2 beside POSTGRES_PASSWORD, and postgres://nis2:…@db: the same account.
  const prefix = key.replace(/[._-]?(PASSWORD|PASSWD|PASS|PWD)$/i, '');
  info = {
    canonical: canonicalKey(key),
    passwordWords: splitWords(new Set(words.filter((w) => !PASSWORD_WORDS.has(w)).map(service))),
    urlKeyWords: words.filter((w) => !URL_WORDS.has(w) && !PASSWORD_WORDS.has(w)).map(service),
    userKeys:
      prefix === key || prefix === ''
        ? undefined
        : [`${prefix}_USER`, `${prefix}_USERNAME`, `${prefix}.user`, `${prefix}.username`].map((k) => k.toUpperCase()),
  };
  if (keyInfoCache.size > 10_000) keyInfoCache.clear();
  keyInfoCache.set(key, info);
  return info;
}

function splitWords(set: Set<string>): Words {
  const roles: string[] = [];
  const services: string[] = [];
  for (const w of set) (ROLE_WORDS.has(w) ? roles : services).push(w);
  return { roles: roles.sort().join(','), services, db: services.includes('DB'), database: services.some((w) => DATABASES.has(w)) };
}

interface SourceIndex {
  /** The entries by value offset, for `entryOf`. */
  entries: EnvEntry[];
  interpolation: boolean;
  /** The values of each key that can name a user (`…USER`, `…USERNAME`), by upper-cased key. */
  users?: Map<string, Set<string>>;
}

/** Per parsed source, not per check: a shared value makes every check look at the same files. */
const sourceIndex = new ObjectMemo<ParsedSource, SourceIndex>('sourceIndex');

function indexOf(src: ParsedSource): SourceIndex {
  let ix = sourceIndex.get(src);
  if (!ix) {
    // Most parsers give the entries in offset order already: then no copy and no sort.
    let sorted = true;
    for (let i = 1; i < src.entries.length && sorted; i++) if (src.entries[i - 1].valueStart > src.entries[i].valueStart) sorted = false;
    const entries = sorted ? src.entries : [...src.entries].sort((a, b) => a.valueStart - b.valueStart);
    ix = { entries, interpolation: entries.some((e) => e.interpolationVar !== undefined) };
    sourceIndex.set(src, ix);
  }
  return ix;
}

/** The entry whose value holds the occurrence (binary search over the entries by value offset). */
function entryOf(entries: EnvEntry[], o: Occurrence): EnvEntry | undefined {
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

/**
 * The values of the keys of a file that end in USER or USERNAME, by upper-cased key: one pass per
 * file version, and only when a URL user is looked up.
 */
function userValues(src: ParsedSource): Map<string, Set<string>> {
  const ix = indexOf(src);
  if (ix.users) return ix.users;
  const m = new Map<string, Set<string>>();
  for (const e of src.entries) {
    const k = userKeyOf(e.key);
    if (k === undefined) continue;
    let set = m.get(k);
    if (!set) m.set(k, (set = new Set()));
    set.add(e.value);
  }
  return (ix.users = m);
}

/**
 * A key as `userValues` files it (upper-cased) when it can name a user, else undefined: lookups
 * are by `keyInfo().userKeys`, which all end in USER or USERNAME. Only keys ending in R or E (or a
 * non-ASCII letter, which may upper-case to anything) are upper-cased to see.
 */
function userKeyOf(key: string): string | undefined {
  const c = key.charCodeAt(key.length - 1);
  if (c < 0x80 && c !== 0x52 && c !== 0x72 && c !== 0x45 && c !== 0x65) return undefined;
  const k = key.toUpperCase();
  return k.endsWith('USER') || k.endsWith('USERNAME') ? k : undefined;
}

function mayNameUser(entries: readonly EnvEntry[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (userKeyOf(entries[i].key) !== undefined) return true;
  return false;
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

/** The service a URL's scheme names: `postgresql://` -> POSTGRES. */
function schemeOf(value: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (!m) return undefined;
  return service(m[1].toUpperCase().replace(/\+SRV$/, ''));
}

/** Same service, same account: the word sets share a service and name the same roles. */
function servicesMatch(x: Words, y: Words): boolean {
  if (x.roles !== y.roles) return false;
  const sx = x.services;
  const sy = y.services;
  if (sx.length === 0 || sy.length === 0) return true; // a bare PASSWORD next to the URL
  // A generic DB matches any database.
  if ((x.db && y.database) || (y.db && x.database)) return true;
  return sx.some((w) => sy.includes(w));
}

function samePassword(a: Occurrence, pa: Profile, b: Occurrence, pb: Profile): boolean {
  if (a.fromUrl && b.fromUrl) return pa.scheme === pb.scheme && pa.user === pb.user;
  if (!a.fromUrl && !b.fromUrl) return servicesMatch(pa.words, pb.words);
  // The URL's side and the other (no array destructuring: this runs for most pairs of a load).
  const u = a.fromUrl ? a : b;
  const pu = a.fromUrl ? pa : pb;
  const p = a.fromUrl ? b : a;
  const pp = a.fromUrl ? pb : pa;
  if (p.klass.purpose !== 'password') return false;
  if (servicesMatch(pu.words, pp.words)) return true;
  // POSTGRES_USER=nis2 beside POSTGRES_PASSWORD, and postgres://nis2:…@db: the same account.
  const user = u.urlUser;
  if (!user || !pp.userKeys || !pp.source) return false;
  const values = userValues(pp.source);
  return pp.userKeys.some((k) => values.get(k)?.has(user) === true);
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
