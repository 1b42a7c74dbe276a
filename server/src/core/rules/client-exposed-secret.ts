import { BROWSER_PREFIXES, classifyKeyName, isMarker, isNonSecretValue, parseUrlPassword, type KeyClass } from '../classify';
import { findCredentials, isPublishableValue, isSupabaseServiceRole } from '../credentials';
import type { Rule } from '../rule';
import type { Severity } from '../types';

/** Which tool inlines each prefix into the client bundle, for the message. */
const PREFIX_TOOL: Record<string, string> = {
  NEXT_PUBLIC_: 'Next.js',
  VITE_: 'Vite',
  REACT_APP_: 'Create React App',
  EXPO_PUBLIC_: 'Expo',
  NUXT_PUBLIC_: 'Nuxt',
  GATSBY_: 'Gatsby',
  PUBLIC_: 'SvelteKit and Astro',
  STORYBOOK_: 'Storybook',
  VUE_APP_: 'Vue CLI',
};

/** The longest browser prefix a key starts with (NUXT_PUBLIC_ before PUBLIC_), followed by more. */
const BROWSER_PREFIX = new RegExp(`^(${[...BROWSER_PREFIXES].sort((a, b) => b.length - a.length).join('|')})(?=.)`, 'i');

/** Purposes that are secret whatever the value looks like. */
const ALWAYS_SECRET = new Set(['signing', 'encryption', 'session', 'password', 'salt', 'private-key']);

/** Secret under a prefix that ships to the browser (NEXT_PUBLIC_, VITE_, ...) */
export const clientExposedSecretRule: Rule = {
  meta: {
    id: 'client-exposed-secret',
    defaultSeverity: 'error',
    description: 'Secret under a prefix that ships to the browser (NEXT_PUBLIC_, VITE_, ...)',
    docs: '#client-exposed-secret',
    fix: 'Rename to a server-only key',
    scope: 'file',
  },
  check(ctx) {
    for (const e of ctx.source.entries) {
      const m = BROWSER_PREFIX.exec(e.key);
      if (!m) continue;
      const prefix = m[1].toUpperCase();
      const serverKey = e.key.slice(prefix.length);
      const tool = PREFIX_TOOL[prefix] ?? 'the bundler';
      const value = e.value;
      const klass = ctx.classify(e.key);
      let what: string | undefined;
      let severity: Severity | undefined;

      const url = !e.reference ? parseUrlPassword(value) : undefined;
      const credentials = e.reference || value === '' ? [] : findCredentials(value, e.key);
      if (url && !isMarker(value.slice(url.start, url.end)) && !/^\$\{?[A-Za-z_]/.test(value.slice(url.start, url.end))) {
        what = 'a URL with a credential inside';
      } else if (credentials.length > 0) {
        what = credentials[0].label;
      } else if (!e.reference && isSupabaseServiceRole(value)) {
        what = 'a Supabase service-role key (it bypasses row-level security)';
      } else if (e.reference) {
        // `NEXT_PUBLIC_JWT_SECRET=${JWT_SECRET}` copies a server secret into the bundle.
        const target = e.interpolationVar ?? /^\$\{?([A-Za-z_][\w.]*)/.exec(value.trim())?.[1];
        const targetClass = target ? classifyKeyName(target) : undefined;
        if (isStrong(klass) || (targetClass?.secret && ALWAYS_SECRET.has(targetClass.purpose))) what = 'a copy of a server secret';
      } else if (klass?.secret && !isPublishableValue(value, e.key)) {
        if (value === '' || isMarker(value)) {
          // No value yet (an example file): the name alone says a secret will go here.
          if (isStrong(klass)) what = 'no value yet, but its name says a secret goes';
        } else if (!isNonSecretValue(value)) {
          what = 'a secret';
          // An API key or token of unknown format may be one made for browsers (a restricted key).
          if (!isStrong(klass)) severity = 'warning';
        }
      }
      if (!what) continue;
      const fix = `rename it to ${serverKey}, read it only on the server, and rotate it, since it may already have shipped.`;
      const advice = severity === 'warning' ? `If it is a key made for browsers (publishable, restricted by origin), suppress this finding; otherwise ${fix}` : fix[0].toUpperCase() + fix.slice(1);
      ctx.report({
        start: e.keyStart,
        end: e.keyEnd,
        key: e.key,
        severity,
        message: `${e.key} ${what.startsWith('no value') ? `has ${what}` : `holds ${what}`} under ${prefix}, which ships to the browser: ${tool} inlines every ${prefix} variable into the client bundle, where anyone can read it. ${advice}`,
        data: { serverKey, prefix },
      });
    }
  },
};

/** A name that means a secret whatever the value looks like: signing keys, passwords, `*_SECRET`. */
function isStrong(klass: KeyClass | undefined): boolean {
  if (!klass?.secret) return false;
  return ALWAYS_SECRET.has(klass.purpose) || (klass.origin === 'self-chosen' && klass.purpose !== 'credential') || /SECRET|PRIVATE/.test(klass.reason);
}

