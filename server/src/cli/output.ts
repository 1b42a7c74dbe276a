import { closeSync, openSync, writeSync } from 'node:fs';
import type { CliIO } from './io';

/**
 * Report bytes are gathered in a buffer of this size and written when it is full: ~128 KB writes,
 * never the whole report in memory. Pieces are encoded straight into the buffer (no string
 * concatenation, no Buffer per chunk: both cost more than rendering itself on a 143 MB report).
 */
export const CHUNK_BYTES = 1 << 17;

/** Where report bytes go. */
export interface ByteSink {
  /** Takes `bytes`; returns true when done with them (the buffer may be reused), false when it keeps them. */
  write(bytes: Buffer): boolean;
  /** Resolves true to go on writing, false when the sink is gone (a closed pipe). */
  drain?(): Promise<boolean>;
}

/**
 * Encodes `chunks` as UTF-8 into `sink`, CHUNK_BYTES at a time, waiting for `sink.drain` after each
 * write (backpressure). Chunk boundaries fall between pieces, never inside a character. Returns false
 * when it stopped early because the sink is gone.
 */
export async function writeChunks(chunks: Iterable<string>, sink: ByteSink): Promise<boolean> {
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let used = 0;
  const put = async (bytes: Buffer, reusable: boolean): Promise<boolean> => {
    if (!sink.write(bytes) && reusable) buf = Buffer.allocUnsafe(CHUNK_BYTES);
    return sink.drain ? sink.drain() : true;
  };
  for (const piece of chunks) {
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a surrogate pair: 4 bytes for 2 units).
    if (used + piece.length * 3 > CHUNK_BYTES) {
      if (used > 0) {
        const more = await put(buf.subarray(0, used), true);
        used = 0;
        if (!more) return false;
      }
      if (piece.length * 3 > CHUNK_BYTES) {
        if (!(await put(Buffer.from(piece, 'utf8'), false))) return false;
        continue;
      }
    }
    used += buf.write(piece, used, 'utf8');
  }
  if (used > 0) return put(buf.subarray(0, used), true);
  return true;
}

/** The CLI's stdout as a sink: bytes when it takes bytes, else decoded text (test doubles). */
export function stdoutSink(io: CliIO): ByteSink {
  return {
    write: (bytes) => {
      if (io.stdoutBytes) return io.stdoutBytes(bytes);
      io.stdout(bytes.toString('utf8'));
      return true;
    },
    drain: io.drain ? () => io.drain!() : undefined,
  };
}

/** Writes a report to a file (created or truncated, like `writeFile`), chunk by chunk. */
export async function writeChunksToFile(chunks: Iterable<string>, file: string): Promise<void> {
  const fd = openSync(file, 'w');
  try {
    await writeChunks(chunks, {
      write: (bytes) => {
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
        return true;
      },
    });
  } finally {
    closeSync(fd);
  }
}
