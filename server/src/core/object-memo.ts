/**
 * A memo per object with a WeakMap's `get`/`set`, kept on the object itself under a private symbol
 * (non-enumerable: invisible to JSON, spreads, `Object.keys` and deep equality). It lives and dies
 * with its object, as a WeakMap entry would.
 *
 * Why not a WeakMap: the engine memoises per file version (a parse, a secrets list, a list of
 * occurrences), and those objects die on the next keystroke. A module-level WeakMap sits in V8's old
 * generation, and the young-generation collector keeps what its entries point to alive until the
 * next full collection: on the 1k-line keystroke benchmark the memos of every version were copied
 * and promoted (scavenges moved 130 MB over 600 edits, pauses of 20-45 ms each, the p99). Stored
 * on the object, a memo is reachable only through its object and goes with it.
 */
export class ObjectMemo<K extends object, V> {
  private readonly slot: symbol;

  constructor(name = 'memo') {
    this.slot = Symbol(name);
  }

  get(key: K): V | undefined {
    return (key as unknown as Record<symbol, V | undefined>)[this.slot];
  }

  set(key: K, value: V): this {
    Object.defineProperty(key, this.slot, { value, writable: true, configurable: true, enumerable: false });
    return this;
  }

  /** Lets the memo of `key` go (the slot stays, empty, so the object keeps its shape). */
  forget(key: K): void {
    if (Object.prototype.hasOwnProperty.call(key, this.slot)) (key as unknown as Record<symbol, V | undefined>)[this.slot] = undefined;
  }
}
