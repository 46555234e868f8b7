import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../core/app-error.ts';
import { createS3Client } from '../library/sync/s3-client.ts';
import { withRetry } from '../library/sync/retry.ts';
import type { S3SyncConfig } from '../library/sync/s3-config.ts';

/**
 * Work objects: the PNG a worker made for one attempt and its metadata, under a key derived
 * from the job id, so a re-delivered job overwrites the same object instead of leaving a
 * second one. 5xx, throttling and network failures are retried with exponential backoff
 * (sync's retry policy); each request also has its own timeout so a hung server is a retry,
 * not a stuck job.
 */
export interface WorkStore {
  readonly config: S3SyncConfig;
  /** timeoutMs: per-request limit for large bodies (default 15 s; LoRA files take longer). */
  put(key: string, body: Buffer, contentType: string, signal?: AbortSignal, timeoutMs?: number): Promise<void>;
  get(key: string, signal?: AbortSignal, timeoutMs?: number): Promise<Buffer>;
  /** Whether an object is there (content-addressed objects are uploaded once). */
  exists(key: string, signal?: AbortSignal): Promise<boolean>;
  remove(keys: string[]): Promise<void>;
  /** Throws a clear error when the bucket is unreachable or the credentials are refused. */
  check(): Promise<void>;
  /** Number of retries made so far (for tests and the worker's status line). */
  readonly retries: number;
  close(): void;
}

const REQUEST_TIMEOUT_MS = 15_000;

export function workObjectKey(config: S3SyncConfig, jobId: string, ext: 'png' | 'json'): string {
  const safe = jobId.replace(/[^A-Za-z0-9._-]/g, '_');
  const prefix = config.prefix.replace(/\/+$/, '');
  return `${prefix ? `${prefix}/` : ''}work/${safe}.${ext}`;
}

export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export function createWorkStore(config: S3SyncConfig, client: S3Client = createS3Client(config)): WorkStore {
  let retries = 0;
  const retry = <T>(what: string, fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> =>
    withRetry(
      async () => {
        const t = AbortSignal.timeout(timeoutMs);
        const s = signal ? AbortSignal.any([signal, t]) : t;
        try {
          return await fn(s);
        } catch (err) {
          // The SDK reports our per-request timeout as AbortError, which retry.ts treats as final.
          if (t.aborted && !signal?.aborted) throw new AppError('Timeout', `${what}: no answer within ${timeoutMs} ms`);
          throw err;
        }
      },
      { maxRetries: config.maxRetries, baseMs: config.retryBaseMs, signal, onRetry: () => void retries++ },
    ).catch((err: unknown) => {
      if (err instanceof AppError) throw err;
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      throw new AppError(status === 404 ? 'NotFound' : status && status < 500 ? 'BadInput' : 'Unavailable', `${what}: ${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`.trim(), status ? { status } : undefined);
    });

  return {
    config,
    get retries() {
      return retries;
    },
    put: (key, body, contentType, signal, timeoutMs) =>
      retry(
        `store PUT ${key}`,
        async (s) => {
          await client.send(
            new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body, ContentType: contentType, ContentMD5: createHash('md5').update(body).digest('base64') }),
            { abortSignal: s },
          );
        },
        signal,
        timeoutMs,
      ),
    get: (key, signal, timeoutMs) =>
      retry(
        `store GET ${key}`,
        async (s) => {
          const out = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: s });
          if (!out.Body) throw new AppError('Unavailable', `store GET ${key}: empty body`);
          return Buffer.from(await out.Body.transformToByteArray());
        },
        signal,
        timeoutMs,
      ),
    exists: (key, signal) =>
      retry(
        `store HEAD ${key}`,
        async (s) => {
          try {
            await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: s });
            return true;
          } catch (err) {
            const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            if (status === 404) return false;
            throw err;
          }
        },
        signal,
      ),
    remove: async (keys) => {
      if (keys.length === 0) return;
      // One DELETE per key: multi-object delete needs a checksum some S3-compatible servers reject.
      for (const key of keys) {
        await retry(`store DELETE ${key}`, async (s) => {
          await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }), { abortSignal: s });
        });
      }
    },
    check: async () => {
      await retry(`store bucket "${config.bucket}"`, async (s) => {
        await client.send(new HeadBucketCommand({ Bucket: config.bucket }), { abortSignal: s });
      });
    },
    close: () => client.destroy(),
  };
}
