import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { FolderState } from './folder';

const CODE_FILE = /\.(js|jsx|ts|tsx|mjs|cjs|mts|cts|vue|svelte|astro)$/i;
const MAX_FILES = 20_000;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_HITS = 5;
/** A search result is reused while nothing was created or deleted on disk, for at most this long. */
const CACHE_MS = 30_000;

/**
 * Which code files of a folder mention a variable name (`process.env.NEXT_PUBLIC_X`,
 * `import.meta.env.VITE_X`...): a plain text search of JS/TS-family files, bounded in files and
 * size, skipping dependency and build folders. Returns undefined when skipped (untrusted workspace).
 */
export async function findCodeUsages(folder: FolderState, name: string, trusted: boolean): Promise<string[] | undefined> {
  if (!trusted) return undefined;
  const cached = folder.codeSearchCache.get(name);
  if (cached && cached.gen === folder.diskGeneration && Date.now() - cached.at < CACHE_MS) return cached.hits;
  const word = new RegExp(`(^|[^A-Za-z0-9_$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_$])`);
  const hits: string[] = [];
  let seen = 0;
  const stack = [''];
  while (stack.length > 0 && hits.length < MAX_HITS && seen < MAX_FILES) {
    const rel = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(folder.abs(rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const ent of entries) {
      const childRel = rel === '' ? ent.name : `${rel}/${ent.name}`;
      if (ent.isDirectory()) {
        if (!folder.selector.excludesDir(childRel) && !ent.name.startsWith('.')) stack.push(childRel);
        continue;
      }
      if (!ent.isFile() || !CODE_FILE.test(ent.name)) continue;
      if (++seen > MAX_FILES) break;
      const abs = path.join(folder.root, ...childRel.split('/'));
      try {
        const st = await fsp.stat(abs);
        if (st.size > MAX_FILE_BYTES) continue;
        const text = await fsp.readFile(abs, 'utf8');
        if (text.includes(name) && word.test(text)) {
          hits.push(childRel);
          if (hits.length >= MAX_HITS) break;
        }
      } catch {
        // Unreadable files do not count as usages.
      }
    }
  }
  hits.sort();
  folder.codeSearchCache.set(name, { gen: folder.diskGeneration, at: Date.now(), hits });
  return hits;
}
