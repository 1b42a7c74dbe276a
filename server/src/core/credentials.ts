import { BROWSER_PREFIXES, keyWords } from './classify';
import { looksFake } from './placeholders';

/**
 * Credential formats that providers issue, recognised by shape. A match carries the provider and a
 * label that never quotes the value (not even its prefix), and the offsets of the match inside the
 * value so a diagnostic can underline exactly it.
 */
export interface CredentialMatch {
  provider: string;
  /** "a Stripe live-mode secret key": safe to print. */
  label: string;
  kind: 'live-format' | 'private-key';
  start: number;
  end: number;
}

interface Format {
  provider: string;
  label: string;
  re: RegExp;
  /** Length of the fixed prefix, so the fake check looks only at the random part. */
  prefix: number | ((m: string) => number);
  kind?: CredentialMatch['kind'];
  /** Literal text every match contains (any one of them): values without it skip the expression. */
  hints: string[];
}

const B = '(?<![A-Za-z0-9_-])';
const E = '(?![A-Za-z0-9_-])';

/** Compiled once; every expression is global and reset before use. */
const FORMATS: Format[] = [
  { provider: 'aws', label: 'an AWS access key ID', re: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g, prefix: 4, hints: ['AKIA', 'ASIA', 'ABIA', 'ACCA'] },
  { provider: 'stripe', label: 'a Stripe live-mode secret key', re: new RegExp(`${B}sk_live_[A-Za-z0-9]{16,}${E}`, 'g'), prefix: 8, hints: ['sk_live_'] },
  { provider: 'stripe', label: 'a Stripe test-mode secret key', re: new RegExp(`${B}sk_test_[A-Za-z0-9]{16,}${E}`, 'g'), prefix: 8, hints: ['sk_test_'] },
  { provider: 'stripe', label: 'a Stripe restricted key', re: new RegExp(`${B}rk_(?:live|test)_[A-Za-z0-9]{16,}${E}`, 'g'), prefix: 8, hints: ['rk_live_', 'rk_test_'] },
  { provider: 'stripe', label: 'a Stripe webhook signing secret', re: new RegExp(`${B}whsec_[A-Za-z0-9+/=]{24,}${E}`, 'g'), prefix: 6, hints: ['whsec_'] },
  { provider: 'github', label: 'a GitHub token', re: new RegExp(`${B}gh[pousr]_[A-Za-z0-9]{36,}${E}`, 'g'), prefix: 4, hints: ['gh'] },
  { provider: 'github', label: 'a GitHub fine-grained token', re: new RegExp(`${B}github_pat_[A-Za-z0-9_]{40,}${E}`, 'g'), prefix: 11, hints: ['github_pat_'] },
  { provider: 'gitlab', label: 'a GitLab personal access token', re: new RegExp(`${B}glpat-[A-Za-z0-9_-]{20,}${E}`, 'g'), prefix: 6, hints: ['glpat-'] },
  { provider: 'slack', label: 'a Slack token', re: new RegExp(`${B}xox[abposr]-[A-Za-z0-9-]{10,}${E}`, 'g'), prefix: 5, hints: ['xox'] },
  {
    provider: 'slack',
    label: 'a Slack webhook URL',
    re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/g,
    prefix: (m) => m.lastIndexOf('/') + 1,
    hints: ['https://hooks.slack.com/services/T'],
  },
  { provider: 'google', label: 'a Google OAuth client secret', re: new RegExp(`${B}GOCSPX-[A-Za-z0-9_-]{24,}${E}`, 'g'), prefix: 7, hints: ['GOCSPX-'] },
  { provider: 'google', label: 'a Google API key', re: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}${E}`, 'g'), prefix: 4, hints: ['AIza'] },
  { provider: 'anthropic', label: 'an Anthropic API key', re: new RegExp(`${B}sk-ant-[A-Za-z0-9_-]{32,}${E}`, 'g'), prefix: 7, hints: ['sk-ant-'] },
  {
    provider: 'openai',
    label: 'an OpenAI API key',
    re: new RegExp(`${B}sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}${E}`, 'g'),
    prefix: (m) => m.indexOf('-', 3) + 1,
    hints: ['sk-'],
  },
  { provider: 'openai', label: 'an OpenAI API key', re: new RegExp(`${B}sk-[A-Za-z0-9]{32,}${E}`, 'g'), prefix: 3, hints: ['sk-'] },
  { provider: 'sendgrid', label: 'a SendGrid API key', re: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}${E}`, 'g'), prefix: 3, hints: ['SG.'] },
  { provider: 'npm', label: 'an npm access token', re: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`, 'g'), prefix: 4, hints: ['npm_'] },
  { provider: 'huggingface', label: 'a Hugging Face token', re: new RegExp(`${B}hf_[A-Za-z0-9]{30,}${E}`, 'g'), prefix: 3, hints: ['hf_'] },
];

/** Cheap gate: values without any of these cannot match a format. */
const ANY_FORMAT = /AKIA|ASIA|ABIA|ACCA|_live_|_test_|whsec_|gh[pousr]_|github_pat_|glpat-|xox|hooks\.slack|GOCSPX-|AIza|sk-|SG\.|npm_|hf_|PRIVATE KEY/;

const PEM = /-----BEGIN ((?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP|SSH2) )?PRIVATE KEY( BLOCK)?-----([\s\S]*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g;

/**
 * Live-credential formats inside a value. `key` is the variable's name: Google API keys under a
 * browser prefix or a Firebase/Maps name are browser keys, not server credentials.
 */
export function findCredentials(value: string, key: string): CredentialMatch[] {
  if (!ANY_FORMAT.test(value)) return [];
  const out: CredentialMatch[] = [];
  for (const f of FORMATS) {
    if (!hasAny(value, f.hints)) continue;
    f.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = f.re.exec(value)) !== null) {
      const text = m[0];
      const prefix = typeof f.prefix === 'number' ? f.prefix : f.prefix(text);
      if (looksFake(text.slice(prefix))) continue;
      if (f.provider === 'google' && f.label === 'a Google API key' && isBrowserGoogleKey(key)) continue;
      if (out.some((o) => m!.index < o.end && o.start < m!.index + text.length)) continue;
      out.push({ provider: f.provider, label: f.label, kind: 'live-format', start: m.index, end: m.index + text.length });
    }
  }
  if (value.includes('PRIVATE KEY')) {
    PEM.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PEM.exec(value)) !== null) {
      const body = m[3].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\\n|\s/g, '');
      // A real key body is long base64; documentation shows "..." or a few characters.
      if (body.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(body) || looksFake(body)) continue;
      out.push({ provider: 'pem', label: `a PEM ${m[1] ? m[1].trim() + ' ' : ''}private key`, kind: 'private-key', start: m.index, end: m.index + m[0].length });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

function hasAny(value: string, hints: readonly string[]): boolean {
  for (const h of hints) if (value.includes(h)) return true;
  return false;
}

/** Google API keys meant for browsers: Firebase web config, Maps JavaScript. */
function isBrowserGoogleKey(key: string): boolean {
  const upper = key.toUpperCase();
  if (BROWSER_PREFIXES.some((p) => upper.startsWith(p))) return !/SECRET|PRIVATE|SERVER|ADMIN|SERVICE/.test(upper);
  const words = keyWords(key);
  return words.some((w) => w === 'FIREBASE' || w === 'MAPS' || w === 'MAP' || w === 'PLACES' || w === 'GEOCODING');
}

/**
 * Keys made to ship to browsers: Stripe/Clerk publishable keys, Supabase anon keys (a JWT whose
 * role is anon), Mapbox public tokens, PostHog project keys, Google browser keys.
 */
export function isPublishableValue(value: string, key: string): boolean {
  const v = value.trim();
  if (/^pk_(live|test)_[A-Za-z0-9]/.test(v)) return true;
  if (/^sb_publishable_/.test(v)) return true;
  if (/^pk\.eyJ/.test(v)) return true;
  if (/^phc_[A-Za-z0-9]/.test(v)) return true;
  if (/^AIza[0-9A-Za-z_-]{35}$/.test(v)) return isBrowserGoogleKey(key);
  const claims = jwtClaims(v);
  if (claims && claims.role === 'anon') return true;
  return false;
}

/** The payload of a JWT-shaped value, or undefined. Never throws; never returns the signature. */
export function jwtClaims(value: string): Record<string, unknown> | undefined {
  if (!value.startsWith('eyJ') || value.length > 8192) return undefined;
  const parts = value.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
  try {
    const json = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A Supabase service-role key: a JWT that bypasses row-level security. */
export function isSupabaseServiceRole(value: string): boolean {
  const claims = jwtClaims(value.trim());
  return !!claims && claims.role === 'service_role' && claims.iss !== 'supabase-demo';
}
