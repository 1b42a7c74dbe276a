import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver';
import { cadenceDays } from '../core/config';
import type { SecretHygieneServer } from './main';
import { daysSince, entryAt, familyOf, secretOf, viewOf } from './view';

/**
 * Hover on a secret's key: strength (bytes, encoding, entropy estimate), rotation scheme and slots,
 * the last rotation from the journal, and the other files holding the same value (names only).
 * Never the value, not even part of it.
 */
export async function hover(server: SecretHygieneServer, params: HoverParams): Promise<Hover | null> {
  const view = await viewOf(server, params.textDocument.uri);
  if (!view || !view.folder.settings.enable) return null;
  const entry = entryAt(view, params.position);
  if (!entry) return null;
  const analyzer = view.folder.analyzer;
  const secret = secretOf(view, entry);
  const klass = secret?.klass ?? analyzer.classify(entry.key);
  if (!klass?.secret) return null;

  const md: string[] = [];
  const who = klass.origin === 'self-chosen' ? 'chosen by the project' : 'issued by a third party';
  md.push(`**${entry.key}** · ${klass.purpose} secret, ${who}${secret?.fromUrl ? ' (password inside the URL)' : ''}`);
  md.push('');
  if (secret) {
    const s = analyzer.strength(secret.value);
    const est = s.estimator === 'zxcvbn' ? 'zxcvbn estimate' : 'charset estimate';
    md.push(`- **Strength:** ${s.bytes} bytes of key material · ${s.encoding} · ${s.length} characters · ~${s.entropyBits} bits (${est})`);
  } else if (entry.value === '') {
    md.push('- **Strength:** empty value');
  } else {
    md.push('- **Strength:** not a literal secret (reference or placeholder)');
  }

  const fam = familyOf(view, entry.key);
  if (fam) {
    const slots = [fam.current, ...fam.previous].map((k) => '`' + k + '`').join(', ');
    const role = fam.current === entry.key ? 'current' : fam.previous.includes(entry.key) ? 'previous slot' : 'slot';
    md.push(`- **Rotation:** scheme \`${fam.scheme}\` · this is the ${role} · slots ${slots}${fam.versionKey ? ` · version key \`${fam.versionKey}\`` : ''}`);
  } else if (klass.origin === 'self-chosen') {
    md.push('- **Rotation:** no previous slot: rotating invalidates every session at once (immediate)');
  }

  const base = fam?.base ?? entry.key;
  const last = analyzer.journal().lastRotation(entry.key) ?? analyzer.journal().lastRotation(base);
  const cadence = cadenceDays(view.folder.config, entry.key, klass.purpose);
  if (last) {
    const days = daysSince(last.date, analyzer.now());
    md.push(`- **Last rotation:** ${last.date}${days !== undefined ? ` (${days} day${days === 1 ? '' : 's'} ago)` : ''} · cadence ${cadence} days · journal \`${view.folder.config.journal}\``);
  } else {
    md.push(`- **Last rotation:** no entry in \`${view.folder.config.journal}\` · cadence ${cadence} days`);
  }

  if (secret) {
    const others = analyzer
      .occurrences(secret.hash)
      .filter((o) => !(o.path === view.rel && o.key === entry.key && o.line === view.lines.positionAt(secret.start).line));
    if (others.length > 0) {
      const names = others.slice(0, 8).map((o) => `\`${o.path}\` (${o.key})`);
      md.push(`- **Same value in:** ${names.join(', ')}${others.length > 8 ? ` and ${others.length - 8} more` : ''}`);
    }
    md.push(`- **Fingerprint:** \`${analyzer.fingerprint(secret.value)}\``);
  }
  const start = view.lines.positionAt(entry.keyStart);
  const end = view.lines.positionAt(entry.keyEnd);
  return { contents: { kind: MarkupKind.Markdown, value: md.join('\n') }, range: { start, end } };
}
