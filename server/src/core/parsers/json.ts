import type { ParsedSource } from '../types';
import { parseSuppressions } from '../suppressions';

/** JSON config (appsettings*.json, config/*.json), with comments (JSONC). */
export function parseJsonConfig(path: string, text: string): ParsedSource {
  return { path, format: 'json', text, entries: [], commented: [], problems: [], suppressions: parseSuppressions(text) };
}
