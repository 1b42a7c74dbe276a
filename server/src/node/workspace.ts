import { promises as fsp, readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Analyzer, type AnalyzerOptions, type FileInput } from '../core/analyzer';
import { CONFIG_FILE_NAMES, DEFAULT_CONFIG, resolveConfig, type ConfigProblem, type ProjectConfig } from '../core/config';
import { createFileSelector, type FileSelector } from '../core/files';
import { decodeBytes, DEFAULT_MAX_FILE_BYTES } from '../core/text';

/** Converts an absolute path under `root` to the engine's workspace-relative, forward-slash form. */
export function toRelative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

export interface LoadedConfig {
  config: ProjectConfig;
  /** The config file that was read, if any (workspace-relative). */
  file?: string;
  problems: ConfigProblem[];
}

/** Reads `.secret-hygiene.json` at a workspace root. A broken file is reported, never thrown. */
export async function loadProjectConfig(root: string, base: ProjectConfig = DEFAULT_CONFIG): Promise<LoadedConfig> {
  for (const name of CONFIG_FILE_NAMES) {
    let text: string;
    try {
      // A link to a pipe or a device (/dev/zero) would never finish reading.
      if (!(await fsp.stat(path.join(root, name))).isFile()) {
        return { config: base, file: name, problems: [{ message: 'not a regular file (a pipe or a device); it was not read' }] };
      }
      text = await fsp.readFile(path.join(root, name), 'utf8');
    } catch {
      continue;
    }
    const problems: ConfigProblem[] = [];
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      problems.push({ message: `${name} is not valid JSON (${e instanceof SyntaxError ? 'syntax error' : 'read error'})` });
      return { config: base, file: name, problems };
    }
    return { config: resolveConfig(raw, problems, base), file: name, problems };
  }
  return { config: base, problems: [] };
}

export interface WalkResult {
  files: string[];
  gitignores: string[];
  journal?: string;
  /** Paths skipped with a reason (symlink loops, unreadable folders). */
  skipped: { path: string; reason: string }[];
}

/**
 * Lists the files the engine reads under `root`, plus the `.gitignore` files, without following
 * symlinked folders (so symlink loops cannot trap the walk) and without entering excluded folders.
 */
/**
 * The file-system calls of the walk. Asynchronous for the language server (its event loop keeps
 * serving); synchronous for the CLI, where nothing else runs and thread-pool round trips only cost.
 */
export interface WalkFs {
  readdir(abs: string): Promise<Dirent[]> | Dirent[];
  stat(abs: string): Promise<Stats> | Stats;
}

export const ASYNC_WALK_FS: WalkFs = { readdir: (abs) => fsp.readdir(abs, { withFileTypes: true }), stat: (abs) => fsp.stat(abs) };
export const SYNC_WALK_FS: WalkFs = { readdir: (abs) => readdirSync(abs, { withFileTypes: true }), stat: (abs) => statSync(abs) };

export async function walkWorkspace(
  root: string,
  config: ProjectConfig,
  selector: FileSelector = createFileSelector(config),
  fs: WalkFs = ASYNC_WALK_FS,
): Promise<WalkResult> {
  const out: WalkResult = { files: [], gitignores: [], skipped: [] };
  const journalRel = config.journal;
  // Folders are visited one at a time, depth first, in name order (so everything the walk returns
  // comes in the same order whatever the timing), but with an asynchronous file system the next
  // folders on the stack are already being read: one listing at a time was ~0.3 s of waiting on a
  // 2,851-folder tree. A synchronous one (the CLI) reads each folder when it gets to it.
  const listings = new Map<string, Promise<Listing> | Listing>();
  let inFlight = 0;
  let prefetch = true;
  const list = (rel: string): Promise<Listing> | Listing => {
    let r: Promise<Dirent[]> | Dirent[];
    try {
      r = fs.readdir(path.join(root, rel));
    } catch (error) {
      return { error };
    }
    if (!isPromise(r)) {
      prefetch = false;
      return { entries: r };
    }
    inFlight++;
    return r.then(
      (entries) => {
        inFlight--;
        return { entries };
      },
      (error: unknown) => {
        inFlight--;
        return { error };
      },
    );
  };
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const started = listings.get(rel);
    if (started !== undefined) listings.delete(rel);
    const listing = await (started ?? list(rel));
    if ('error' in listing) {
      out.skipped.push({ path: rel || '.', reason: `cannot read folder (${(listing.error as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    const entries = listing.entries;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      const childRel = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.isDirectory()) {
        if (!selector.excludesDir(childRel)) stack.push(childRel);
      } else if (ent.isFile()) {
        if (ent.name === '.gitignore') out.gitignores.push(childRel);
        if (childRel === journalRel) out.journal = childRel;
        if (selector.matches(childRel)) out.files.push(childRel);
      } else if (ent.isSymbolicLink()) {
        // Symlinked files are read (their target's text); symlinked folders are not entered.
        let st: Stats;
        try {
          st = await fs.stat(path.join(root, childRel));
        } catch {
          out.skipped.push({ path: childRel, reason: 'broken or looping symlink' });
          continue;
        }
        if (st.isFile() && selector.matches(childRel)) out.files.push(childRel);
        else if (st.isDirectory()) out.skipped.push({ path: childRel, reason: 'symlinked folder not followed' });
      }
    }
    // The folders visited next are the top of the stack.
    if (prefetch) {
      for (let i = stack.length - 1, n = 0; i >= 0 && n < WALK_PREFETCH && inFlight < WALK_PREFETCH; i--, n++) {
        if (!listings.has(stack[i])) listings.set(stack[i], list(stack[i]));
      }
    }
  }
  out.files.sort();
  return out;
}

/** Folders the walk reads ahead of the one it is in. */
const WALK_PREFETCH = 32;

type Listing = { entries: Dirent[] } | { error: unknown };

function isPromise<T>(x: Promise<T> | T): x is Promise<T> {
  return typeof (x as { then?: unknown } | null)?.then === 'function';
}

export interface ReadFile {
  text?: string;
  unreadable?: string;
  mode?: number;
  encoding?: import('../core/types').TextEncoding;
  bom?: boolean;
  eol?: '\n' | '\r\n';
}

/** Reads and decodes one file, with a reason instead of text when it is not readable text. */
export async function readWorkspaceFile(abs: string, maxBytes: number): Promise<ReadFile> {
  let st: Stats;
  try {
    st = await fsp.stat(abs);
  } catch (e) {
    return cannotRead(e);
  }
  const refused = refuse(st, maxBytes);
  if (refused) return refused;
  let bytes: Buffer;
  try {
    bytes = await fsp.readFile(abs);
  } catch (e) {
    return { ...cannotRead(e), mode: st.mode };
  }
  return decoded(bytes, maxBytes, st.mode);
}

/**
 * `readWorkspaceFile` without the thread pool, for the CLI (nothing else runs while it reads):
 * the same checks and results, about half the CPU on thousands of small files.
 */
export function readWorkspaceFileSync(abs: string, maxBytes: number): ReadFile {
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (e) {
    return cannotRead(e);
  }
  const refused = refuse(st, maxBytes);
  if (refused) return refused;
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    return { ...cannotRead(e), mode: st.mode };
  }
  return decoded(bytes, maxBytes, st.mode);
}

function cannotRead(e: unknown): ReadFile {
  return { unreadable: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
}

function refuse(st: Stats, maxBytes: number): ReadFile | undefined {
  // A pipe never ends a read, /dev/zero never stops giving bytes: only regular files are read.
  if (!st.isFile()) return { unreadable: 'not a regular file (a pipe, device, socket or folder); not read', mode: st.mode };
  if (st.size > maxBytes) {
    return { unreadable: `file is ${st.size} bytes, over the ${maxBytes}-byte limit (setting maxFileBytes)`, mode: st.mode };
  }
  return undefined;
}

function decoded(bytes: Buffer, maxBytes: number, mode: number): ReadFile {
  const d = decodeBytes(bytes, maxBytes);
  if (!d.ok) return { unreadable: d.reason, mode };
  return { text: d.text, mode, encoding: d.encoding, bom: d.bom, eol: d.eol };
}

/**
 * Reads a small text file the tools consult (journal, template, .gitignore) as UTF-8, only when it
 * is a regular file within `maxBytes`: a pipe never ends a read and /dev/zero never stops giving
 * bytes. `exists` tells an absent file from one that is there but refused.
 */
export async function readRegularText(abs: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): Promise<{ exists: boolean; text?: string }> {
  let st: Stats;
  try {
    st = await fsp.stat(abs);
  } catch (e) {
    return { exists: (e as NodeJS.ErrnoException).code !== 'ENOENT' };
  }
  if (!st.isFile() || st.size > maxBytes) return { exists: true };
  try {
    const text = await fsp.readFile(abs, 'utf8');
    // Editors hide a UTF-8 BOM; positions computed on this text must match theirs.
    return { exists: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { exists: true };
  }
}

/**
 * Does `abs` stay inside `root` once the symlinks of its existing part are resolved? The journal
 * and its template come from the project config: a linked folder must not carry a write (or a read
 * copied into the journal) out of the workspace.
 */
export async function resolvesInside(root: string, abs: string): Promise<boolean> {
  const realRoot = await fsp.realpath(root).catch(() => path.resolve(root));
  let p = path.resolve(abs);
  let rest = '';
  for (;;) {
    try {
      const real = await fsp.realpath(p);
      const rel = path.relative(realRoot, rest ? path.join(real, rest) : real);
      return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return false;
      rest = rest ? path.join(path.basename(p), rest) : path.basename(p);
      p = parent;
    }
  }
}

export interface LoadedWorkspace {
  root: string;
  analyzer: Analyzer;
  config: LoadedConfig;
  walk: WalkResult;
}

/** Loads a whole folder into a fresh analyzer: config, files, `.gitignore`s and the journal. */
export async function loadWorkspace(root: string, options: AnalyzerOptions & { base?: ProjectConfig } = {}): Promise<LoadedWorkspace> {
  const config = await loadProjectConfig(root, options.base);
  const analyzer = new Analyzer({ ...options, config: config.config });
  const walk = await walkWorkspace(root, config.config);
  for (const gi of walk.gitignores) {
    try {
      const dir = gi === '.gitignore' ? '' : gi.slice(0, -'/.gitignore'.length);
      analyzer.setGitignore(dir, await fsp.readFile(path.join(root, gi), 'utf8'));
    } catch {
      // An unreadable .gitignore counts as absent.
    }
  }
  if (walk.journal) {
    try {
      analyzer.setJournal(await fsp.readFile(path.join(root, walk.journal), 'utf8'));
    } catch {
      // No journal: no cadence findings.
    }
  }
  const posix = process.platform !== 'win32';
  // Read in small parallel batches: fast on SSDs without opening thousands of files at once.
  const BATCH = 64;
  const inputs: FileInput[] = [];
  for (let i = 0; i < walk.files.length; i += BATCH) {
    const batch = walk.files.slice(i, i + BATCH);
    const read = await Promise.all(batch.map((rel) => readWorkspaceFile(path.join(root, rel), config.config.maxFileBytes)));
    batch.forEach((rel, k) => {
      const r = read[k];
      inputs.push({ path: rel, text: r.text, unreadable: r.unreadable, meta: { mode: r.mode, posix } });
    });
  }
  analyzer.setFiles(inputs);
  return { root, analyzer, config, walk };
}
