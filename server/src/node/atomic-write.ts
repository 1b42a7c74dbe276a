import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/**
 * Crash-safe writes: the new bytes go to a temporary file in the same folder, are flushed to disk,
 * and replace the file with one rename, so a reader (or a crash) sees either the old file or the
 * new one, never half of each. The file's mode (and, where permitted, owner) is kept, and the write
 * is refused when the file changed since it was read.
 */

/** What a file looked like when it was read; `writeFileAtomic` refuses if it no longer does. */
export interface FileSnapshot {
  /** The real path (symlinks resolved): the link stays a link, its target gets the new bytes. */
  path: string;
  exists: true;
  bytes: Buffer;
  mtimeMs: number;
  size: number;
  /** Permission bits (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
}

/** A file that did not exist when it was looked at; the write refuses if it appeared since. */
export interface AbsentSnapshot {
  path: string;
  exists: false;
}

export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}

/** Reads a file with what is needed to detect a concurrent change later. */
export async function readSnapshot(file: string): Promise<FileSnapshot> {
  const real = await fsp.realpath(file);
  const st = await fsp.stat(real);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const bytes = await fsp.readFile(real);
  return { path: real, exists: true, bytes, mtimeMs: st.mtimeMs, size: st.size, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

/** Like `readSnapshot`, but a missing file is a snapshot too (for files the write creates). */
export async function readSnapshotOrAbsent(file: string): Promise<FileSnapshot | AbsentSnapshot> {
  try {
    return await readSnapshot(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      // A dangling symlink counts as absent; the write then replaces the link itself.
      return { path: path.resolve(file), exists: false };
    }
    throw e;
  }
}

export interface AtomicWriteOptions {
  /** Mode of a file the write creates (default 0o644; a kept file keeps its own mode). */
  createMode?: number;
  /** Test hook, run after the temporary file is on disk and before the final check and rename. */
  beforeCommit?: (file: string) => void | Promise<void>;
}

/**
 * Replaces `expected.path` with `data` atomically. Throws `ConcurrentChangeError` (and leaves the
 * file untouched) when the file's size, modification time or bytes differ from the snapshot, or
 * when a file expected absent exists.
 */
export async function writeFileAtomic(expected: FileSnapshot | AbsentSnapshot, data: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const target = expected.path;
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = expected.exists ? expected.mode : (options.createMode ?? 0o644);
  let fh: fsp.FileHandle | undefined;
  let committed = false;
  try {
    // O_EXCL: never write through a file (or symlink) someone planted at the temporary name.
    fh = await fsp.open(tmp, 'wx', 0o600);
    await fh.writeFile(data);
    // The umask applies at creation; set the mode explicitly so 0600 stays 0600 and 0640 stays 0640.
    await fh.chmod(mode);
    if (expected.exists && process.platform !== 'win32') {
      try {
        await fh.chown(expected.uid, expected.gid);
      } catch {
        // Only root may give a file away; a non-root user keeps owning what they write.
      }
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    if (options.beforeCommit) await options.beforeCommit(target);
    await assertUnchanged(expected);
    await fsp.rename(tmp, target);
    committed = true;
    await syncDir(dir);
  } finally {
    if (fh) await fh.close().catch(() => undefined);
    if (!committed) await fsp.unlink(tmp).catch(() => undefined);
  }
}

async function assertUnchanged(expected: FileSnapshot | AbsentSnapshot): Promise<void> {
  const name = path.basename(expected.path);
  let st: import('node:fs').Stats;
  try {
    st = await fsp.stat(expected.path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!expected.exists) return;
      throw new ConcurrentChangeError(`${name} was deleted or moved since it was read; nothing was written`);
    }
    throw e;
  }
  if (!expected.exists) throw new ConcurrentChangeError(`${name} was created by someone else since it was checked; nothing was written`);
  const changed = () => new ConcurrentChangeError(`${name} changed since it was read (another editor or process wrote to it); nothing was written, run the command again`);
  if (st.size !== expected.size || st.mtimeMs !== expected.mtimeMs) throw changed();
  const now = await fsp.readFile(expected.path);
  if (!now.equals(expected.bytes)) throw changed();
}

/** Makes the rename itself durable; folders cannot be opened for sync on Windows, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let dh: fsp.FileHandle | undefined;
  try {
    dh = await fsp.open(dir, 'r');
    await dh.sync();
  } catch {
    // Best effort.
  } finally {
    await dh?.close().catch(() => undefined);
  }
}
