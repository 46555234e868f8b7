import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../../main/core/app-error.ts';

/** Streams a file (or its first `end` bytes) into `hash`; never loads a 10 GB file into memory. */
export async function hashInto(hash: Hash, path: string, opts: { end?: number; signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<number> {
  if (opts.end === 0) return 0;
  const stream = createReadStream(path, {
    highWaterMark: 1 << 20,
    ...(opts.end !== undefined ? { start: 0, end: opts.end - 1 } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      n += chunk.length;
      opts.onBytes?.(chunk.length);
    }
  } catch (err) {
    if (opts.signal?.aborted) throw new AppError('Cancelled', `hashing ${path} cancelled`);
    throw err;
  }
  return n;
}

export async function sha256File(path: string, opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const size = await hashInto(hash, path, opts);
  return { sha256: hash.digest('hex'), size };
}

/** Git's blob id: sha1("blob <size>\0" + content); what the Hub sends as ETag for non-LFS files. */
export async function gitBlobSha1File(path: string, size: number, opts: { signal?: AbortSignal } = {}): Promise<string> {
  const hash = createHash('sha1');
  hash.update(`blob ${size}\0`);
  await hashInto(hash, path, opts);
  return hash.digest('hex');
}
