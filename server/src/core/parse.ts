import { formatOf } from './files';
import { parseDotenv } from './parsers/dotenv';
import { parseCompose } from './parsers/compose';
import { parseYamlConfig } from './parsers/yaml';
import { parseJsonConfig } from './parsers/json';
import { parseProperties } from './parsers/properties';
import type { ParsedSource, SourceFormat } from './types';

/**
 * Parses any file the engine reads. Never throws: a parser failure becomes an `unreadable` source.
 * `previous`, the parse of an earlier version of the same file, lets the .env parser re-parse only
 * what changed.
 */
export function parseSource(path: string, text: string, format: SourceFormat = formatOf(path), previous?: ParsedSource): ParsedSource {
  try {
    switch (format) {
      case 'dotenv':
        return parseDotenv(path, text, previous?.format === 'dotenv' && !previous.unreadable ? previous : undefined);
      case 'compose':
        return parseCompose(path, text);
      case 'yaml':
        return parseYamlConfig(path, text);
      case 'json':
        return parseJsonConfig(path, text);
      case 'properties':
        return parseProperties(path, text);
    }
  } catch (e) {
    return unreadableSource(path, format, text, `the ${format} parser failed: ${e instanceof Error ? e.name : 'error'}`);
  }
}

export function unreadableSource(path: string, format: SourceFormat, text: string, reason: string): ParsedSource {
  return { path, format, text, entries: [], commented: [], problems: [], suppressions: [], unreadable: reason };
}
