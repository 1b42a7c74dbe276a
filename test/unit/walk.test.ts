// walkWorkspace reads the next folders while it lists the current one; what it returns, and in which
// order, must be what the one-folder-at-a-time walk returned (kept verbatim below), whatever order
// the reads complete in.
import * as assert from 'node:assert/strict';
import type { Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { DEFAULT_CONFIG, type ProjectConfig } from '../../server/src/core/config';
import { createFileSelector, type FileSelector } from '../../server/src/core/files';
import { walkWorkspace, type WalkFs, type WalkResult } from '../../server/src/node/workspace';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 100);
const SEED = Number(process.env.FUZZ_SEED) || 0x3a1c;

/** The walk before it read ahead (server/src/node/workspace.ts at 52382df), verbatim. */
async function sequentialWalk(root: string, config: ProjectConfig, selector: FileSelector, fs: WalkFs): Promise<WalkResult> {
  const out: WalkResult = { files: [], gitignores: [], skipped: [] };
  const journalRel = config.journal;
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(root, rel));
    } catch (e) {
      out.skipped.push({ path: rel || '.', reason: `cannot read folder (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
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
  }
  out.files.sort();
  return out;
}

type Node = { kind: 'dir'; children: Record<string, Node>; unreadable?: boolean } | { kind: 'file' } | { kind: 'link'; to: 'file' | 'dir' | 'broken' };

const ROOT = '/ws';

/** An in-memory tree behind the WalkFs interface; each call completes after `delays()` turns of the event loop. */
function memoryFs(tree: Node, delays: () => number, sync: boolean): WalkFs & { maxInFlight: number } {
  let inFlight = 0;
  const lookup = (abs: string): Node | undefined => {
    let n: Node | undefined = tree;
    for (const part of path.relative(ROOT, abs).split('/').filter(Boolean)) n = n?.kind === 'dir' ? n.children[part] : undefined;
    return n;
  };
  const later = <T>(fn: () => T): Promise<T> => {
    inFlight++;
    fsys.maxInFlight = Math.max(fsys.maxInFlight, inFlight);
    return new Promise<T>((resolve, reject) => {
      let turns = delays();
      const step = (): void => {
        if (turns-- > 0) return void setImmediate(step);
        inFlight--;
        try {
          resolve(fn());
        } catch (e) {
          reject(e);
        }
      };
      step();
    });
  };
  const fail = (code: string): never => {
    throw Object.assign(new Error(code), { code });
  };
  const dirent = (name: string, n: Node): Dirent =>
    ({ name, isDirectory: () => n.kind === 'dir', isFile: () => n.kind === 'file', isSymbolicLink: () => n.kind === 'link' }) as Dirent;
  const readdir = (abs: string): Dirent[] => {
    const n = lookup(abs);
    if (n?.kind !== 'dir') return fail('ENOTDIR');
    if (n.unreadable) return fail('EACCES');
    return Object.entries(n.children).map(([name, c]) => dirent(name, c));
  };
  const stat = (abs: string): Stats => {
    const n = lookup(abs);
    if (n?.kind !== 'link' || n.to === 'broken') return fail('ENOENT');
    return { isFile: () => n.to === 'file', isDirectory: () => n.to === 'dir' } as Stats;
  };
  const fsys = {
    maxInFlight: 0,
    readdir: (abs: string) => (sync ? readdir(abs) : later(() => readdir(abs))),
    stat: (abs: string) => (sync ? stat(abs) : later(() => stat(abs))),
  };
  return fsys;
}

const names = fc.constantFrom('.env', '.env.production', '.env.example', '.gitignore', 'a', 'b', 'apps', 'node_modules', 'config', 'compose.yml', 'app.json', 'README.md', 'z', 'settings.yaml');
const tree: fc.Arbitrary<Node> = fc.letrec<{ node: Node; dir: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Node>({ kind: 'file' }),
    fc.constantFrom<Node>({ kind: 'link', to: 'file' }, { kind: 'link', to: 'dir' }, { kind: 'link', to: 'broken' }),
    tie('dir'),
  ),
  dir: fc.record({ kind: fc.constant('dir' as const), children: fc.dictionary(names, tie('node'), { maxKeys: 6 }), unreadable: fc.integer({ min: 0, max: 9 }).map((n) => n < 2) }) as fc.Arbitrary<Node>,
})).dir.map((d) => ({ ...(d as Extract<Node, { kind: 'dir' }>), unreadable: false }));

describe('walkWorkspace: reading ahead returns what the one-folder-at-a-time walk returned', function () {
  this.timeout(60_000);
  const config: ProjectConfig = { ...DEFAULT_CONFIG, journal: 'a/.env' };
  const selector = createFileSelector(config);

  it('the same files, .gitignore files, journal and skipped paths in the same order, however the reads complete', async () => {
    await fc.assert(
      fc.asyncProperty(tree, fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 16 }), async (t, turns) => {
        let k = 0;
        const delays = () => turns[k++ % turns.length];
        const expected = await sequentialWalk(ROOT, config, selector, memoryFs(t, delays, true));
        assert.deepEqual(await walkWorkspace(ROOT, config, selector, memoryFs(t, delays, false)), expected);
        assert.deepEqual(await walkWorkspace(ROOT, config, selector, memoryFs(t, delays, true)), expected);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reads several folders at once with an asynchronous file system, one at a time with a synchronous one', async () => {
    const wide: Node = { kind: 'dir', children: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`svc${i}`, { kind: 'dir', children: { '.env': { kind: 'file' } } } as Node])) };
    const fsAsync = memoryFs(wide, () => 1, false);
    const walked = await walkWorkspace(ROOT, config, selector, fsAsync);
    assert.equal(walked.files.length, 40);
    assert.ok(fsAsync.maxInFlight > 1, `reads in flight at once: ${fsAsync.maxInFlight}`);
    assert.ok(fsAsync.maxInFlight <= 33, `reads in flight at once: ${fsAsync.maxInFlight}`);
    const fsSync = memoryFs(wide, () => 1, true);
    assert.deepEqual(await walkWorkspace(ROOT, config, selector, fsSync), walked);
    assert.equal(fsSync.maxInFlight, 0);
  });
});
