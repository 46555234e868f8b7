import { CopyObjectCommand, HeadObjectCommand, type StorageClass } from '@aws-sdk/client-s3';
import { AppError, toErrorData } from '../../core/app-error.ts';
import { withRetry } from './retry.ts';
import { createS3Client } from './s3-client.ts';
import { syncTarget } from './s3-config.ts';
import type { SyncContext } from './sync-all.ts';
import { SyncStateRepo } from './sync-state-repo.ts';

export interface ArchiveResult {
  changed: number;
  unchanged: number;
  notSynced: string[];
  errors: { key: string; message: string }[];
}

/**
 * Lifecycle hook: when assets are archived and S3 sync is on, their raw objects move to a cold
 * storage class. S3 changes an object's class only by copying it onto itself with the new
 * StorageClass (metadata kept with MetadataDirective COPY). Thumbnails stay hot: the UI still
 * shows archived assets.
 */
export async function applyArchiveStorageClass(
  ctx: SyncContext,
  assetIds: readonly string[],
  options: { storageClass?: string; signal?: AbortSignal } = {},
): Promise<ArchiveResult> {
  const storageClass = options.storageClass ?? ctx.config.storageClassForArchive;
  if (!storageClass) {
    throw new AppError('BadInput', 'no archive storage class configured: set "storageClassForArchive" (e.g. GLACIER_IR) in the "s3" setting');
  }
  const client = ctx.client ?? createS3Client(ctx.config);
  const repo = new SyncStateRepo(ctx.db);
  const target = syncTarget(ctx.config);
  const rows = repo.forAssets(target, assetIds).filter((r) => r.kind === 'raw');
  const synced = new Set(rows.filter((r) => r.status === 'done').map((r) => r.asset_id));
  const result: ArchiveResult = { changed: 0, unchanged: 0, notSynced: assetIds.filter((id) => !synced.has(id)), errors: [] };
  for (const row of rows) {
    if (row.status !== 'done') continue;
    if (row.storage_class === storageClass) {
      result.unchanged++;
      continue;
    }
    const http = options.signal ? { abortSignal: options.signal } : {};
    const retry = { maxRetries: ctx.config.maxRetries, baseMs: ctx.config.retryBaseMs, signal: options.signal };
    try {
      const head = await withRetry(() => client.send(new HeadObjectCommand({ Bucket: ctx.config.bucket, Key: row.object_key }), http), retry);
      await withRetry(
        () =>
          client.send(
            new CopyObjectCommand({
              Bucket: ctx.config.bucket,
              Key: row.object_key,
              CopySource: `${ctx.config.bucket}/${row.object_key.split('/').map(encodeURIComponent).join('/')}`,
              StorageClass: storageClass as StorageClass,
              MetadataDirective: 'REPLACE',
              ...(head.ContentType ? { ContentType: head.ContentType } : {}),
              Metadata: head.Metadata ?? {},
            }),
            http,
          ),
        retry,
      );
      repo.setStorageClass(target, row.object_key, storageClass);
      result.changed++;
    } catch (err) {
      if (options.signal?.aborted) throw new AppError('Cancelled', 'archiving cancelled');
      result.errors.push({ key: row.object_key, message: toErrorData(err).message });
    }
  }
  if (ctx.client === undefined) client.destroy();
  return result;
}
