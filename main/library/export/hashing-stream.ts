import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Pass-through that hashes (sha256) and counts what flows through it. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  private digest: string | undefined;

  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.digest = this.hash.digest('hex');
    cb();
  }

  static of(data: Buffer | string): string {
    return createHash('sha256').update(data).digest('hex');
  }

  /** Hex sha256; only valid once the stream has ended. */
  sha256(): string {
    if (this.digest === undefined) throw new Error('HashingStream not finished');
    return this.digest;
  }
}
