import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/**
 * The stdio transport's writer: the same bytes as vscode-jsonrpc's `StreamMessageWriter` with its
 * JSON encoder (`Content-Length` header, then `JSON.stringify(msg)` as UTF-8), built with less
 * fresh memory.
 *
 * Every keystroke in a large file republishes all its diagnostics: 1 MB of JSON for a 10k-line
 * file, 10 MB at 100k lines. vscode-jsonrpc builds one string of it and then one new buffer, and
 * memory that fresh is paid for in page faults (on the 2-core benchmark VM ~16 µs per 4 KiB page:
 * 2.6 ms for each new megabyte) as well as in copying. Here the message is written into one
 * buffer reused from message to message, and a diagnostic's JSON is kept on it: the server hands
 * out the same diagnostic object for as long as a finding holds (see `publishOne`), so only the
 * diagnostics a keystroke changed are stringified again.
 *
 * Objects given to the writer must not be changed afterwards (the server never does).
 */

/** Where a diagnostic keeps its JSON; a symbol, so JSON.stringify and Object.keys skip it. */
const JSON_TEXT = Symbol('secretHygiene.json');
/** `"diagnostics":[` ends the part before the list in the message's JSON (see `frame`). */
const MARK = '"diagnostics":[';
/** Room kept in front of the JSON for `Content-Length: <n>\r\n\r\n` (at most 16 + 16 + 4 bytes). */
const HEAD_ROOM = 40;
/** A buffer grown beyond this is given back once its message is written. */
const KEEP_AT_MOST = 32 * 1024 * 1024;
const FIRST_SIZE = 64 * 1024;

/** A plain object: no toJSON of its own, so its JSON inside a list is its JSON alone. */
function isPlainItem(v: unknown): v is Record<PropertyKey, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** The JSON of a diagnostic, kept on it the first time it is asked for. */
function itemJson(item: Record<PropertyKey, unknown>): string {
  const kept = item[JSON_TEXT];
  if (typeof kept === 'string') return kept;
  const json = JSON.stringify(item);
  if (Object.isExtensible(item)) Object.defineProperty(item, JSON_TEXT, { value: json });
  return json;
}

/** Frames messages into one reused buffer. */
export class MessageEncoder {
  private buf: Buffer;
  private at = 0;

  constructor(size = FIRST_SIZE) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(size, HEAD_ROOM + 16));
  }

  /** Bytes of the buffer now (for tests and the size policy). */
  get capacity(): number {
    return this.buf.length;
  }

  /**
   * The message with its header, as the bytes on the wire. The result is a view of the encoder's
   * buffer, valid until the next `frame`. Throws what JSON.stringify throws (nothing is written).
   */
  frame(msg: Message): Buffer {
    this.at = HEAD_ROOM;
    this.body(msg);
    const length = this.at - HEAD_ROOM;
    const head = `Content-Length: ${length}\r\n\r\n`;
    const start = HEAD_ROOM - head.length;
    this.buf.write(head, start, 'latin1');
    return this.buf.subarray(start, this.at);
  }

  /** Gives a grown buffer back once the message framed in it is no longer needed. */
  release(): void {
    if (this.buf.length > KEEP_AT_MOST) this.buf = Buffer.allocUnsafeSlow(FIRST_SIZE);
  }

  private body(msg: Message): void {
    const m = msg as { method?: unknown; params?: unknown };
    const params = m.params as { diagnostics?: unknown } | undefined;
    const list = m.method === 'textDocument/publishDiagnostics' && isPlainItem(msg) && isPlainItem(params) ? params.diagnostics : undefined;
    if (!Array.isArray(list) || !list.every(isPlainItem)) {
      this.text(JSON.stringify(msg));
      return;
    }
    // The message with an empty list, split where the list goes. Outside string values (where a
    // quote is always escaped) the mark appears once: `diagnostics` is the only key holding a list.
    const shell = JSON.stringify({ ...msg, params: { ...params, diagnostics: [] } });
    const at = shell.lastIndexOf(MARK + ']');
    if (at < 0) {
      this.text(JSON.stringify(msg));
      return;
    }
    this.text(shell.slice(0, at + MARK.length));
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.text(',');
      this.text(itemJson(list[i]));
    }
    this.text(shell.slice(at + MARK.length));
  }

  /** Appends a string's UTF-8 (well-formed: JSON.stringify escapes lone surrogates). */
  private text(s: string): void {
    const most = s.length * 3;
    if (this.at + most > this.buf.length) this.grow(this.at + most);
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(needed, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}

/**
 * A message writer for a byte stream (stdout): one message at a time, each framed into the
 * encoder's buffer and written in one piece; the next is framed once the stream is done with it.
 * Errors reach the connection as with vscode-jsonrpc's writer.
 */
export class StreamWriter extends AbstractMessageWriter implements MessageWriter {
  private readonly encoder = new MessageEncoder();
  private tail: Promise<void> = Promise.resolve();
  private errorCount = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const written = this.tail.then(() => this.send(msg));
    this.tail = written.then(
      () => undefined,
      () => undefined,
    );
    return written;
  }

  end(): void {
    this.out.end();
  }

  private send(msg: Message): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = this.encoder.frame(msg);
    } catch (e) {
      this.fireError(e, msg, ++this.errorCount);
      return Promise.reject(e);
    }
    return new Promise<void>((resolve, reject) => {
      this.out.write(bytes, (e?: Error | null) => {
        this.encoder.release();
        if (e) {
          this.fireError(e, msg, ++this.errorCount);
          reject(e);
        } else resolve();
      });
    });
  }
}

/** The writer for stdout. */
export function stdoutWriter(): MessageWriter {
  return new StreamWriter(process.stdout);
}
