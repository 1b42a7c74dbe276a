import type { ParsedSource } from '../types';
import { parseSuppressions } from '../suppressions';

/** YAML config (Spring application*.yml, config/*.yml, Kubernetes Secret manifests). */
export function parseYamlConfig(path: string, text: string): ParsedSource {
  return { path, format: 'yaml', text, entries: [], commented: [], problems: [], suppressions: parseSuppressions(text) };
}
