import type { ParsedSource } from '../types';
import { parseSuppressions } from '../suppressions';

/** Java `.properties` (Spring application.properties). */
export function parseProperties(path: string, text: string): ParsedSource {
  return { path, format: 'properties', text, entries: [], commented: [], problems: [], suppressions: parseSuppressions(text) };
}
