import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
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

/** A finding as an LSP diagnostic: code = rule id, a link to the rule's README section, related places. */
export function toDiagnostic(f: Finding, uriOf: (path: string) => string): Diagnostic {
  const href = docsHref(f.ruleId);
  const d: Diagnostic = {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
  };
  if (href !== undefined) d.codeDescription = { href };
  if (f.related && f.related.length > 0) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: uriOf(r.path), range: r.range }, message: r.message }));
  }
  // Scalars only: quick fixes read the engine's finding, not this copy, and the lists reused-secret
  // keeps (every key and file sharing the value) would be repeated on the wire for every place.
  const data: DiagnosticData = {};
  if (f.data) for (const [k, v] of Object.entries(f.data)) if (!Array.isArray(v)) data[k] = v;
  if (f.key !== undefined) data.key = f.key;
  if (Object.keys(data).length > 0) d.data = data;
  return d;
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
