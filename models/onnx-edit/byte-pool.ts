import { kernelBuffer } from '../../workers/wasm/kernel-buffer.ts';

/**
 * Recycles the large tensor buffers of one pack rewrite. Every fresh multi-megabyte buffer is
 * external memory to V8, and a stream of them makes it run a full mark-compact every few tens of
 * milliseconds ("external memory pressure"), which cost more than the I/O itself; reusing a few
 * buffers keeps the working set flat and the collector quiet. Only a buffer whose one owner
 * hands it back (after its bytes are written) is reused.
 *
 * Large buffers live in wasm memories (kernel-buffer.ts), so the LoRA bake's kernel updates the
 * bytes where they were read, and they are written from there, with no copy in between.
 */
export class BytePool {
  /** Whole free buffers (their full capacity): few enough to scan. */
  private free: Buffer[] = [];
  private trim: NodeJS.Timeout | null = null;
  /** The full-capacity buffer behind each ArrayBuffer handed out. */
  private readonly whole = new WeakMap<ArrayBufferLike, Buffer>();

  /** Buffers below `minBytes` are allocated normally (they are gathered and copied anyway). */
  constructor(
    private readonly minBytes = 1024 * 1024,
    private readonly keep = 8,
    /** Free buffers are dropped after this long unused: a worker that stops baking gives its memory back. */
    private readonly idleMs = 10_000,
  ) {}

  /** A buffer of exactly `n` bytes, 64-byte aligned in its ArrayBuffer (contents undefined). */
  take(n: number): Buffer {
    if (n < this.minBytes) return Buffer.allocUnsafeSlow(n);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.byteLength;
      if (len >= n && (best < 0 || len < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!.subarray(0, n);
    const fresh = kernelBuffer(n) ?? Buffer.from(new ArrayBuffer(n));
    this.whole.set(fresh.buffer, fresh);
    return fresh;
  }

  /** Hands a buffer from take() back; the caller must hold no other reference to its memory. */
  give(bytes: Uint8Array): void {
    const whole = this.whole.get(bytes.buffer);
    if (!whole || this.free.includes(whole)) return;
    this.free.push(whole);
    if (this.trim) this.trim.refresh();
    else {
      this.trim = setTimeout(() => {
        this.free = [];
        this.trim = null;
      }, this.idleMs);
      this.trim.unref();
    }
    if (this.free.length > this.keep) {
      // Drop the smallest: the large ones are the expensive ones to allocate again.
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i]!.byteLength < this.free[smallest]!.byteLength) smallest = i;
      this.free.splice(smallest, 1);
    }
  }
}
