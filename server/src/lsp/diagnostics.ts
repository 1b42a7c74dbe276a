import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import { ruleById } from '../core/rules';
import type { Finding, Severity } from '../core/types';
import { DIAGNOSTIC_SOURCE, docsUrl } from '../protocol';
import type { Counts } from './folder';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries: the scalar fields of the finding's safe `data`, plus its key. */
export interface DiagnosticData {
  key?: string;
  [name: string]: string | number | boolean | string[] | undefined;
}

/**
 * Related places sent per diagnostic. reused-secret names up to 20 places sharing a value, and on a
 * large workspace those lists were ~70% of the diagnostics JSON (95 of 137 MB at the start-up of the
 * 5,000-file benchmark tree). The first RELATED_SHOWN are sent as they are; the rest become one last
 * entry at the next place, saying how many more there are. The engine's findings (and the CLI's
 * report) keep every place.
 */
export const RELATED_SHOWN = 5;

/** A finding as an LSP diagnostic: code = rule id, a link to the rule's README section, related places. */
export function toDiagnostic(f: Finding, uriOf: (path: string) => string, withRelated = true): Diagnostic {
  const href = docsHref(f.ruleId);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
  };
  if (href !== undefined) d.codeDescription = { href };
  if (withRelated && f.related && f.related.length > 0) d.relatedInformation = relatedInformation(f, uriOf);
  // Scalars only: quick fixes read the engine's finding, not this copy, and the lists reused-secret
  // keeps (every key and file sharing the value) would be repeated on the wire for every place.
  const data: DiagnosticData = {};
  if (f.data) for (const [k, v] of Object.entries(f.data)) if (!Array.isArray(v)) data[k] = v;
  if (f.key !== undefined) data.key = f.key;
  if (Object.keys(data).length > 0) d.data = data;
  return d;
}

/**
 * The related places of a finding, at most RELATED_SHOWN + 1: when there are more, the last entry
 * points at the next place and counts the ones not listed ("at least" when the engine itself stopped
 * listing: `data.truncated`).
 */
function relatedInformation(f: Finding, uriOf: (path: string) => string): DiagnosticRelatedInformation[] {
  const related = f.related!;
  const entry = (i: number, message: string): DiagnosticRelatedInformation => ({ location: { uri: uriOf(related[i].path), range: related[i].range }, message });
  if (related.length <= RELATED_SHOWN + 1) return related.map((r, i) => entry(i, r.message));
  const out: DiagnosticRelatedInformation[] = [];
  for (let i = 0; i < RELATED_SHOWN; i++) out.push(entry(i, related[i].message));
  const rest = related.length - RELATED_SHOWN;
  const atLeast = f.data?.truncated === true ? 'at least ' : '';
  out.push(entry(RELATED_SHOWN, `and ${atLeast}${rest} more places, the next: ${related[RELATED_SHOWN].message}`));
  return out;
}

/**
 * The findings of a file to publish when there are more than `max` (0: no limit): the `max - 1`
 * most severe (errors, then warnings, information, hints; each in file order), in file order, and
 * the number left out, which `omittedDiagnostic` reports in the last place. VS Code shows no more
 * than 1,000 diagnostics per file and picks them the same way; sending all 7,894 of a 100k-line
 * file (10 MB of JSON) on every keystroke only for the editor to drop most of them cost ~1 s.
 */
export function selectFindings(findings: readonly Finding[], max: number): { shown: readonly Finding[]; omitted: number } {
  if (max <= 0 || findings.length <= max) return { shown: findings, omitted: 0 };
  const keep = max - 1;
  const chosen = new Uint8Array(findings.length);
  let n = 0;
  for (const severity of ['error', 'warning', 'info', 'hint'] as const) {
    for (let i = 0; i < findings.length && n < keep; i++) {
      if (findings[i].severity === severity) {
        chosen[i] = 1;
        n++;
      }
    }
  }
  const shown: Finding[] = [];
  for (let i = 0; i < findings.length; i++) if (chosen[i]) shown.push(findings[i]);
  return { shown, omitted: findings.length - shown.length };
}

/** The last diagnostic of a file with more findings than are sent: how many, and where to see all. */
export function omittedDiagnostic(total: number, omitted: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'more-findings',
    source: DIAGNOSTIC_SOURCE,
    message: `Secret Hygiene shows ${total - omitted} of the ${total} findings in this file (errors first, then warnings). ${omitted} more are not shown: raise the setting secretHygiene.maxDiagnosticsPerFile, or list all with \`secret-hygiene check\` on this file.`,
  };
}

/** The README link of a rule, per rule id (undefined for an unknown id). */
const hrefs = new Map<string, string | undefined>();
function docsHref(ruleId: string): string | undefined {
  if (hrefs.has(ruleId)) return hrefs.get(ruleId);
  const rule = ruleById(ruleId);
  const href = rule ? docsUrl(rule.meta.docs) : undefined;
  hrefs.set(ruleId, href);
  return href;
}

export function countFindings(findings: readonly Finding[]): Counts {
  const c: Counts = { errors: 0, warnings: 0, infos: 0 };
  for (const f of findings) {
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  return c;
}
