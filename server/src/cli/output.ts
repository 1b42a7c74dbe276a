import { closeSync, openSync, writeSync } from 'node:fs';
import type { CliIO } from './io';

/** Pieces are gathered up to this many UTF-16 units before one write: ~64 KB writes, never the whole report. */
export const CHUNK_CHARS = 1 << 16;

/**
 * Writes a report piece by piece to `io.stdout`, in chunks of about CHUNK_CHARS, waiting for the
 * stream to drain when it says so (backpressure on a slow pipe). Stops early once the stream is
 * gone (`io.drain` resolves false, e.g. `| head` closed the pipe). Returns false when it stopped early.
 */
export async function writeChunksToStdout(chunks: Iterable<string>, io: CliIO): Promise<boolean> {
  let buf = '';
  for (const piece of chunks) {
    buf += piece;
    if (buf.length >= CHUNK_CHARS) {
      io.stdout(buf);
      buf = '';
      if (io.drain && !(await io.drain())) return false;
    }
  }
  if (buf.length > 0) {
    io.stdout(buf);
    if (io.drain && !(await io.drain())) return false;
  }
  return true;
}

/** Writes a report piece by piece to a file (created or truncated, like `writeFile`). */
export function writeChunksToFile(chunks: Iterable<string>, file: string): void {
  const fd = openSync(file, 'w');
  try {
    let buf = '';
    for (const piece of chunks) {
      buf += piece;
      if (buf.length >= CHUNK_CHARS) {
        writeAll(fd, buf);
        buf = '';
      }
    }
    if (buf.length > 0) writeAll(fd, buf);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}
