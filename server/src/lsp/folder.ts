import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Analyzer } from '../core/analyzer';
import { DEFAULT_CONFIG, resolveConfig, type ConfigProblem, type ProjectConfig } from '../core/config';
import { createFileSelector, type FileSelector } from '../core/files';
import { DEFAULT_SETTINGS, type Settings } from '../protocol';

/** Finding counts of one published file, for the status bar. */
export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

/**
 * One workspace folder (or, for a file opened outside every folder, that file's directory): its
 * own analyzer, project config, settings and published diagnostics.
 */
export class FolderState {
  analyzer: Analyzer;
  config: ProjectConfig = DEFAULT_CONFIG;
  /** The project config file that was read (workspace-relative), if any. */
  configFile?: string;
  configProblems: ConfigProblem[] = [];
  settings: Settings = DEFAULT_SETTINGS;
  selector: FileSelector = createFileSelector(DEFAULT_CONFIG);
  /** Folders (workspace-relative, '' for the root) whose `.gitignore` the analyzer holds. */
  gitignoreDirs = new Set<string>();
  /** Files with diagnostics on the client, and their counts. */
  published = new Map<string, Counts>();
  /** Set while the folder is (re-)indexed; changes meanwhile are replayed afterwards. */
  indexing = false;
  ready: Promise<void> = Promise.resolve();
  /** The document version each open file was last analyzed at (published with its diagnostics). */
  analyzedVersions = new Map<string, number>();
  /** File modes from the last disk read (env-file-permissions), so keystrokes need no stat. */
  modes = new Map<string, number | undefined>();
  /** Paths changed while indexing. */
  dirty = new Set<string>();
  /** Bumped on every (re-)index, so a superseded index stops. */
  generation = 0;
  /** Bumped whenever files change on disk: invalidates the code-search cache. */
  diskGeneration = 0;
  codeSearchCache = new Map<string, { gen: number; at: number; hits: string[] }>();

  constructor(
    readonly uri: string,
    readonly root: string,
    readonly name: string,
    /** A file's directory standing in for a folder: only open documents, no walk. */
    readonly loose: boolean,
    readonly hashKey: Uint8Array,
  ) {
    this.analyzer = new Analyzer({ hashKey });
  }

  /** Absolute path of a workspace-relative one. */
  abs(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, ...rel.split('/'));
  }

  rel(abs: string): string | undefined {
    if (abs === this.root) return '';
    const prefix = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    if (!abs.startsWith(prefix)) return undefined;
    return abs.slice(prefix.length).split(path.sep).join('/');
  }

  /** Applies settings over the project config. Returns the merged config and its problems. */
  mergeConfig(project: ProjectConfig, settings: Settings): { config: ProjectConfig; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    const overrides: Record<string, unknown> = {};
    if (Object.keys(settings.rules).length > 0) overrides.rules = settings.rules;
    if (settings.exclude.length > 0) overrides.exclude = settings.exclude;
    if (settings.secretKeys.length > 0) overrides.secretKeys = settings.secretKeys;
    if (settings.ignoreKeys.length > 0) overrides.ignoreKeys = settings.ignoreKeys;
    if (settings.minBytes) overrides.minBytes = settings.minBytes;
    const config = resolveConfig(overrides, problems, project);
    return { config, problems };
  }
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).href;
}
