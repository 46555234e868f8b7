import type { S3Client } from '@aws-sdk/client-s3';
import type { Database } from 'better-sqlite3';
import { AppError, toErrorData } from '../../core/app-error.ts';
import type { ExportItem } from '../export/export-item.ts';
import { digestFile, statFile } from './file-digest.ts';
import { rawObjectKey, thumbnailObjectKey } from './object-keys.ts';
import { createS3Client } from './s3-client.ts';
import { syncTarget, type S3SyncConfig } from './s3-config.ts';
import { SyncStateRepo, type SyncKind } from './sync-state-repo.ts';
import { uploadObject } from './upload-object.ts';

export interface SyncContext {
  db: Database;
  config: S3SyncConfig;
  /** Injected in tests; created from config otherwise. */
  client?: S3Client;
}

export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesUploaded: number;
  key?: string;
  action?: 'uploaded' | 'skipped' | 'failed';
}

export interface SyncOptions {
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
  onRetry?: (key: string, attempt: number, err: unknown) => void;
  /** Plan only: report what would be uploaded without sending anything. */
  dryRun?: boolean;
}

export interface SyncResult {
  uploaded: number;
  skipped: number;
  failed: number;
  bytesUploaded: number;
  cancelled: boolean;
  /** In dry-run mode: the keys that would be uploaded. */
  planned: string[];
  errors: { key: string; assetId: string; kind: string; message: string }[];
}

interface FileJob {
  assetId: string;
  kind: SyncKind;
  key: string;
  path: string;
  contentType: string;
}

export function syncJobs(config: S3SyncConfig, items: readonly ExportItem[]): FileJob[] {
  const jobs: FileJob[] = [];
  for (const it of items) {
    jobs.push({ assetId: it.assetId, kind: 'raw', key: rawObjectKey(config.prefix, it.batchId, it.assetId), path: it.filePath, contentType: 'image/png' });
    if (it.thumbPath) {
      jobs.push({ assetId: it.assetId, kind: 'thumbnail', key: thumbnailObjectKey(config.prefix, it.assetId), path: it.thumbPath, contentType: 'image/jpeg' });
    }
  }
  return jobs;
}

/**
 * Uploads every item's PNG and thumbnail that the destination does not already hold.
 * Resumable by construction: each object's state is committed to sync_state as it changes, a
 * 'done' object whose local file has the same size and mtime (or, when the mtime moved, the
 * same sha256) is skipped, and an open multipart upload continues from its last part.
 * One file failing does not stop the others; cancellation stops cleanly and returns counts.
 */
export async function syncAll(ctx: SyncContext, items: readonly ExportItem[], options: SyncOptions = {}): Promise<SyncResult> {
  const { config } = ctx;
  const client = ctx.client ?? createS3Client(config);
  const repo = new SyncStateRepo(ctx.db);
  const target = syncTarget(config);
  const jobs = syncJobs(config, items);
  const result: SyncResult = { uploaded: 0, skipped: 0, failed: 0, bytesUploaded: 0, cancelled: false, planned: [], errors: [] };
  let filesDone = 0;
  const report = (key: string, action: SyncProgress['action']): void => {
    filesDone++;
    options.onProgress?.({ filesDone, filesTotal: jobs.length, bytesUploaded: result.bytesUploaded, key, ...(action ? { action } : {}) });
  };

  const runOne = async (job: FileJob): Promise<void> => {
    try {
      const st = await statFile(job.path);
      const prev = repo.get(target, job.key);
      if (prev?.status === 'done' && prev.size === st.size && prev.mtime_ms === st.mtimeMs) {
        result.skipped++;
        return report(job.key, 'skipped');
      }
      const digest = await digestFile(job.path);
      if (prev?.status === 'done' && prev.size === st.size && prev.sha256 === digest.sha256) {
        if (!options.dryRun) repo.touch(target, job.key, st.mtimeMs, job.path);
        result.skipped++;
        return report(job.key, 'skipped');
      }
      if (options.dryRun) {
        result.planned.push(job.key);
        return report(job.key, undefined);
      }
      repo.begin({ target, object_key: job.key, asset_id: job.assetId, kind: job.kind, local_path: job.path, size: st.size, mtime_ms: st.mtimeMs, sha256: digest.sha256 });
      const etag = await uploadObject(
        { target, key: job.key, path: job.path, size: st.size, sha256: digest.sha256, md5: digest.md5, contentType: job.contentType },
        {
          client,
          config,
          repo,
          signal: options.signal,
          onBytes: (n) => {
            result.bytesUploaded += n;
          },
          onRetry: (attempt, err) => options.onRetry?.(job.key, attempt, err),
        },
      );
      repo.done(target, job.key, etag);
      result.uploaded++;
      report(job.key, 'uploaded');
    } catch (err) {
      if (options.signal?.aborted) {
        // Leave the row 'uploading' with its parts: the next run resumes it.
        result.cancelled = true;
        return;
      }
      const data = toErrorData(err);
      if (repo.get(target, job.key)) repo.failed(target, job.key, data.message);
      result.failed++;
      result.errors.push({ key: job.key, assetId: job.assetId, kind: data.kind, message: data.message });
      report(job.key, 'failed');
    }
  };

  // A small worker pool: uploads overlap network latency without flooding the server.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (options.signal?.aborted) {
        result.cancelled = true;
        return;
      }
      const job = jobs[next++];
      if (job) await runOne(job);
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, jobs.length) }, worker));
  if (ctx.client === undefined) client.destroy();
  return result;
}

/** Throws a Cancelled AppError for callers that prefer exceptions. */
export function assertNotCancelled(r: SyncResult): SyncResult {
  if (r.cancelled) throw new AppError('Cancelled', `sync cancelled after ${r.uploaded} uploads; run it again to resume`);
  return r;
}
