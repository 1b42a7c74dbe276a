import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { Analyzer } from '../core/analyzer';
import { DEFAULT_CONFIG, resolveConfig, type ConfigProblem, type ProjectConfig } from '../core/config';
import { createFileSelector, type FileSelector } from '../core/files';
import { DEFAULT_SETTINGS, type Settings } from '../protocol';

const PATH_CACHE_LIMIT = 200_000;

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
  /** The progress of the diagnostics published after an index, until the last is written. */
  burst?: { progress: WorkDoneProgressServerReporter; total: number; percent: number };
  /** Paths changed while indexing. */
  dirty = new Set<string>();
  /** Bumped on every (re-)index, so a superseded index stops. */
  generation = 0;
  /** Bumped whenever files change on disk: invalidates the code-search cache. */
  diskGeneration = 0;
  codeSearchCache = new Map<string, { gen: number; at: number; hits: string[] }>();
  /**
   * Absolute path and file URI per workspace-relative path: diagnostics name every related file,
   * and a 5,000-file index published ~340,000 related locations, each built with path.join and
   * pathToFileURL.
   */
  private readonly paths = new Map<string, { abs: string; uri: string }>();

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
    return this.entry(rel).abs;
  }

  /** The file URI of a workspace-relative path (the client may know an open document by another spelling). */
  fileUri(rel: string): string {
    return this.entry(rel).uri;
  }

  private entry(rel: string): { abs: string; uri: string } {
    let e = this.paths.get(rel);
    if (!e) {
      // Bounded: paths come and go with the files of the folder.
      if (this.paths.size >= PATH_CACHE_LIMIT) this.paths.clear();
      const abs = rel === '' ? this.root : path.join(this.root, ...rel.split('/'));
      e = { abs, uri: pathToUri(abs) };
      this.paths.set(rel, e);
    }
    return e;
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
