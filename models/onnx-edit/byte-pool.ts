/**
 * Recycles the large tensor buffers of one pack rewrite. Every fresh multi-megabyte buffer is
 * external memory to V8, and a stream of them makes it run a full mark-compact every few tens of
 * milliseconds ("external memory pressure"), which cost more than the I/O itself; reusing a few
 * buffers keeps the working set flat and the collector quiet. Only a buffer whose one owner
 * hands it back (after its bytes are written) is reused.
 */
export class BytePool {
  private free: ArrayBuffer[] = [];

  /** Buffers below `minBytes` are allocated normally (they are gathered and copied anyway). */
  constructor(
    private readonly minBytes = 1024 * 1024,
    private readonly keep = 4,
  ) {}

  /** A buffer of exactly `n` bytes at offset 0 of its ArrayBuffer (contents undefined). */
  take(n: number): Buffer {
    if (n < this.minBytes) return Buffer.allocUnsafeSlow(n);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.byteLength;
      if (len >= n && (best < 0 || len < this.free[best]!.byteLength)) best = i;
    }
    if (best < 0) return Buffer.from(new ArrayBuffer(n));
    const [ab] = this.free.splice(best, 1);
    return Buffer.from(ab!, 0, n);
  }

  /** Hands a buffer from take() back; the caller must hold no other reference to its memory. */
  give(bytes: Uint8Array): void {
    const ab = bytes.buffer;
    if (!(ab instanceof ArrayBuffer) || ab.byteLength < this.minBytes || this.free.includes(ab)) return;
    this.free.push(ab);
    if (this.free.length > this.keep) {
      // Drop the smallest: the large ones are the expensive ones to allocate again.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}
