import type { Rule } from '../rule';

/** Lines no parser reads the same way, and files that cannot be read as text. */
export const parseErrorRule: Rule = {
  meta: {
    id: 'parse-error',
    defaultSeverity: 'error',
    description: 'A line dotenv skips or reads differently from shells and docker, or a file that is not text',
    docs: '#parse-error',
    scope: 'file',
  },
  check(ctx) {
    if (ctx.source.unreadable) {
      ctx.report({ start: 0, end: 0, message: `File skipped: ${ctx.source.unreadable}`, data: { kind: 'unreadable' } });
      return;
    }
    for (const p of ctx.source.problems) {
      ctx.report({ start: p.start, end: p.end, message: p.message, severity: p.severity, data: { kind: p.kind } });
    }
  },
};
