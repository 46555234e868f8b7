import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../../core/app-error.ts';
import { withRetry } from './retry.ts';
import type { S3SyncConfig } from './s3-config.ts';
import type { SyncStateRepo } from './sync-state-repo.ts';

export interface UploadJob {
  target: string;
  key: string;
  path: string;
  size: number;
  sha256: string;
  md5: string;
  contentType: string;
}

export interface UploadDeps {
  client: S3Client;
  config: S3SyncConfig;
  repo: SyncStateRepo;
  signal?: AbortSignal | undefined;
  /** Bytes accepted by the server (after each PUT or part). */
  onBytes?: (n: number) => void;
  onRetry?: (attempt: number, err: unknown) => void;
}

/** Uploads one file (single PUT or resumable multipart) and verifies it; returns the ETag. */
export async function uploadObject(job: UploadJob, deps: UploadDeps): Promise<string> {
  const etag = job.size >= deps.config.multipartThreshold ? await multipart(job, deps) : await single(job, deps);
  await verify(job, etag, deps);
  return etag;
}

function retry<T>(deps: UploadDeps, fn: () => Promise<T>): Promise<T> {
  return withRetry(fn, {
    maxRetries: deps.config.maxRetries,
    baseMs: deps.config.retryBaseMs,
    signal: deps.signal,
    onRetry: (attempt, err) => deps.onRetry?.(attempt, err),
  });
}

const httpOpts = (deps: UploadDeps): { abortSignal?: AbortSignal } => (deps.signal ? { abortSignal: deps.signal } : {});

/** Content-MD5 makes S3 reject a body corrupted in transit (BadDigest) instead of storing it. */
async function single(job: UploadJob, deps: UploadDeps): Promise<string> {
  const body = await readFile(job.path);
  const out = await retry(deps, () =>
    deps.client.send(new PutObjectCommand({
        Bucket: deps.config.bucket,
        Key: job.key,
        Body: body,
        ContentLength: body.length,
        ContentType: job.contentType,
        ContentMD5: Buffer.from(job.md5, 'hex').toString('base64'),
        Metadata: { sha256: job.sha256 },
      }), httpOpts(deps),
    ),
  );
  deps.onBytes?.(body.length);
  return stripQuotes(out.ETag);
}

/**
 * Multipart with resume: the upload id and every accepted part's ETag are committed to
 * sync_state/sync_parts as they happen, so after an interruption only missing parts are sent.
 * (ListParts would also work on AWS, but s3rver does not implement it, so the local record is
 * the source of truth; a stale upload id surfaces as NoSuchUpload and restarts cleanly.)
 */
async function multipart(job: UploadJob, deps: UploadDeps, restarted = false): Promise<string> {
  const { repo, config } = deps;
  const row = repo.get(job.target, job.key);
  let uploadId = row?.upload_id ?? null;
  let partSize = row?.part_size ?? config.partSize;
  if (!uploadId) {
    partSize = config.partSize;
    const created = await retry(deps, () =>
      deps.client.send(new CreateMultipartUploadCommand({ Bucket: config.bucket, Key: job.key, ContentType: job.contentType, Metadata: { sha256: job.sha256 } }), httpOpts(deps),
      ),
    );
    if (!created.UploadId) throw new AppError('Unavailable', `server returned no UploadId for ${job.key}`);
    uploadId = created.UploadId;
    repo.setUpload(job.target, job.key, uploadId, partSize);
  }
  const id = uploadId;
  const partCount = Math.max(1, Math.ceil(job.size / partSize));
  const have = new Map(repo.parts(job.target, job.key, id).map((p) => [p.part_number, p]));
  const fh = await open(job.path, 'r');
  try {
    for (let n = 1; n <= partCount; n++) {
      if (deps.signal?.aborted) throw new AppError('Cancelled', 'sync cancelled');
      const start = (n - 1) * partSize;
      const len = Math.min(partSize, job.size - start);
      const done = have.get(n);
      if (done && done.size === len) continue;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, start);
      const md5 = createHash('md5').update(buf).digest();
      const out = await retry(deps, () =>
        deps.client.send(new UploadPartCommand({ Bucket: config.bucket, Key: job.key, UploadId: id, PartNumber: n, Body: buf, ContentLength: len, ContentMD5: md5.toString('base64') }), httpOpts(deps),
        ),
      );
      const etag = stripQuotes(out.ETag);
      if (etag && etag !== md5.toString('hex')) {
        throw new AppError('Unavailable', `part ${n} of ${job.key}: server ETag ${etag} does not match its MD5`, { key: job.key, part: n });
      }
      repo.addPart(job.target, job.key, id, { part_number: n, etag: etag || md5.toString('hex'), size: len });
      deps.onBytes?.(len);
    }
  } finally {
    await fh.close();
  }
  const parts = repo.parts(job.target, job.key, id);
  try {
    const out = await retry(deps, () =>
      deps.client.send(new CompleteMultipartUploadCommand({
          Bucket: config.bucket,
          Key: job.key,
          UploadId: id,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.part_number, ETag: `"${p.etag}"` })) },
        }), httpOpts(deps),
      ),
    );
    return stripQuotes(out.ETag);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (!restarted && (name === 'NoSuchUpload' || name === 'InvalidPart' || name === 'InvalidPartOrder')) {
      // The server forgot the upload (expired, aborted by a lifecycle rule): start over once.
      await deps.client.send(new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: job.key, UploadId: id })).catch(() => undefined);
      repo.setUpload(job.target, job.key, null, null);
      return multipart(job, deps, true);
    }
    throw err;
  }
}

/**
 * HeadObject after every upload: size must match, the stored sha256 metadata must be ours, and
 * the ETag must be the MD5 (single PUT) or the MD5-of-part-MD5s "-N" form AWS uses for
 * multipart (some S3-compatible servers, s3rver included, return the whole-object MD5 instead).
 */
async function verify(job: UploadJob, etag: string, deps: UploadDeps): Promise<void> {
  const head = await retry(deps, () =>
    deps.client.send(new HeadObjectCommand({ Bucket: deps.config.bucket, Key: job.key }), httpOpts(deps)),
  );
  const problems: string[] = [];
  if (head.ContentLength !== job.size) problems.push(`size ${head.ContentLength} ≠ ${job.size}`);
  const remoteSha = head.Metadata?.['sha256'];
  if (remoteSha && remoteSha !== job.sha256) problems.push('sha256 metadata differs');
  const remoteEtag = stripQuotes(head.ETag) || etag;
  if (!remoteEtag.includes('-') && remoteEtag !== job.md5) problems.push(`ETag ${remoteEtag} ≠ MD5 ${job.md5}`);
  if (problems.length) {
    throw new AppError('Unavailable', `integrity check failed for ${job.key}: ${problems.join(', ')}`, { key: job.key, file: job.path });
  }
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/"/g, '');
}
