import { readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyArchiveStorageClass } from '../../../main/library/sync/archive-storage-class.ts';
import { createS3Client } from '../../../main/library/sync/s3-client.ts';
import { syncTarget } from '../../../main/library/sync/s3-config.ts';
import { syncAll } from '../../../main/library/sync/sync-all.ts';
import { SyncStateRepo } from '../../../main/library/sync/sync-state-repo.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';
import { s3Config, syncDb, syncItems } from './sync-fixtures.ts';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3.close();
});
beforeEach(() => {
  s3.requests.length = 0;
  s3.inject = () => undefined;
});

async function getBytes(config: ReturnType<typeof s3Config>, key: string): Promise<Buffer> {
  const client = createS3Client(config);
  const out = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
  const bytes = Buffer.from(await out.Body!.transformToByteArray());
  client.destroy();
  return bytes;
}

describe('S3 sync against s3rver', () => {
  it('uploads raw files and thumbnails under the documented keys, verified, and skips them next time', async () => {
    const db = await syncDb();
    const config = s3Config(s3, { prefix: 'up1' });
    const items = await syncItems(3, 4096, true);
    const progress: number[] = [];
    const r = await syncAll({ db, config }, items, { onProgress: (p) => progress.push(p.filesDone) });
    expect(r).toMatchObject({ uploaded: 6, skipped: 0, failed: 0, cancelled: false, bytesUploaded: 3 * 4096 + 3 * 256 });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await getBytes(config, 'up1/raw/batch-1/asset-2.png')).equals(await readFile(items[1]!.filePath))).toBe(true);
    expect((await getBytes(config, 'up1/thumbnails/asset-2.jpg')).equals(await readFile(items[1]!.thumbPath!))).toBe(true);
    const put = s3.puts().find((p) => p.path.endsWith('asset-1.png'))!;
    expect(put.headers['content-md5']).toBeTruthy();
    expect(put.headers['x-amz-meta-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(put.headers['content-type']).toBe('image/png');

    s3.requests.length = 0;
    const again = await syncAll({ db, config }, items);
    expect(again).toMatchObject({ uploaded: 0, skipped: 6 });
    expect(s3.requests).toHaveLength(0);

    // A changed file is uploaded again; a merely touched one is not.
    await writeFile(items[0]!.filePath, randomBytes(4096));
    await writeFile(items[1]!.filePath, await readFile(items[1]!.filePath));
    const third = await syncAll({ db, config }, items);
    expect(third).toMatchObject({ uploaded: 1, skipped: 5 });
    expect(s3.puts().map((p) => p.path)).toEqual([`/${s3.bucket}/up1/raw/batch-1/asset-1.png`]);
    db.close();
  });

  it('resumes an interrupted sync without re-uploading finished files', async () => {
    const db = await syncDb();
    const config = s3Config(s3, { prefix: 'interrupt' });
    const items = await syncItems(6);
    const ac = new AbortController();
    const first = await syncAll({ db, config }, items, { signal: ac.signal, onProgress: (p) => p.filesDone === 2 && ac.abort() });
    expect(first.cancelled).toBe(true);
    expect(first.uploaded).toBe(2);
    const firstPuts = s3.puts().map((p) => p.path);
    expect(firstPuts).toHaveLength(2);
    expect(new SyncStateRepo(db).counts(syncTarget(config)).done).toBe(2);

    s3.requests.length = 0;
    const second = await syncAll({ db, config }, items);
    expect(second).toMatchObject({ uploaded: 4, skipped: 2, cancelled: false });
    const secondPuts = s3.puts().map((p) => p.path);
    expect(secondPuts).toHaveLength(4);
    expect(secondPuts.some((p) => firstPuts.includes(p))).toBe(false);
    db.close();
  });

  it('uploads large files in parts and resumes a multipart upload from the missing parts', async () => {
    const db = await syncDb();
    const MiB = 1024 * 1024;
    const config = s3Config(s3, { prefix: 'mp', multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    const items = await syncItems(1, 12 * MiB);
    const ac = new AbortController();
    s3.inject = (r) => {
      if (r.method === 'PUT' && r.query.get('partNumber') === '2') {
        ac.abort(); // the "crash" happens while part 2 is in flight
        return { status: 503, code: 'ServiceUnavailable' };
      }
      return undefined;
    };
    const first = await syncAll({ db, config }, items, { signal: ac.signal });
    expect(first).toMatchObject({ cancelled: true, uploaded: 0 });
    expect(s3.requests.filter((r) => r.query.has('uploads'))).toHaveLength(1);
    expect(s3.puts().map((r) => r.query.get('partNumber'))).toEqual(['1']);
    const row = new SyncStateRepo(db).get(syncTarget(config), 'mp/raw/batch-1/asset-1.png')!;
    expect(row.status).toBe('uploading');
    expect(row.upload_id).toBeTruthy();

    s3.inject = () => undefined;
    s3.requests.length = 0;
    const second = await syncAll({ db, config }, items);
    expect(second).toMatchObject({ uploaded: 1, failed: 0 });
    expect(s3.requests.filter((r) => r.query.has('uploads'))).toHaveLength(0); // same upload reused
    expect(s3.puts().map((r) => r.query.get('partNumber'))).toEqual(['2', '3']);
    expect(second.bytesUploaded).toBe(7 * MiB);
    expect((await getBytes(config, 'mp/raw/batch-1/asset-1.png')).equals(await readFile(items[0]!.filePath))).toBe(true);
    db.close();
  });

  it('retries transient failures (503, dropped connection) with backoff and reports permanent ones', async () => {
    const db = await syncDb();
    const config = s3Config(s3, { prefix: 'retry', maxRetries: 3 });
    const items = await syncItems(3);
    const hits = new Map<string, number>();
    s3.inject = (r) => {
      if (r.method !== 'PUT') return undefined;
      const n = (hits.get(r.path) ?? 0) + 1;
      hits.set(r.path, n);
      if (r.path.endsWith('asset-1.png') && n === 1) return { status: 503, code: 'SlowDown' };
      if (r.path.endsWith('asset-2.png') && n <= 2) return 'reset';
      if (r.path.endsWith('asset-3.png')) return { status: 403, code: 'AccessDenied' };
      return undefined;
    };
    const retries: string[] = [];
    const r = await syncAll({ db, config }, items, { onRetry: (key, attempt) => retries.push(`${key.split('/').pop()}#${attempt}`) });
    expect(r).toMatchObject({ uploaded: 2, failed: 1 });
    expect(retries.sort()).toEqual(['asset-1.png#1', 'asset-2.png#1', 'asset-2.png#2']);
    expect(hits.get(`/${s3.bucket}/retry/raw/batch-1/asset-3.png`)).toBe(1); // 4xx is not retried
    expect(r.errors[0]).toMatchObject({ key: 'retry/raw/batch-1/asset-3.png', assetId: 'asset-3' });
    const failed = new SyncStateRepo(db).get(syncTarget(config), 'retry/raw/batch-1/asset-3.png')!;
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toBeTruthy();
    db.close();
  });

  it('moves archived assets to the archive storage class with CopyObject', async () => {
    const db = await syncDb();
    const config = s3Config(s3, { prefix: 'arch', storageClassForArchive: 'GLACIER' });
    const items = await syncItems(2);
    await syncAll({ db, config }, items);
    s3.requests.length = 0;
    const res = await applyArchiveStorageClass({ db, config }, ['asset-1', 'never-synced']);
    expect(res).toMatchObject({ changed: 1, unchanged: 0, notSynced: ['never-synced'], errors: [] });
    const copy = s3.puts()[0]!;
    expect(copy.headers['x-amz-copy-source']).toBe(`${s3.bucket}/arch/raw/batch-1/asset-1.png`);
    expect(copy.headers['x-amz-storage-class']).toBe('GLACIER');
    const client = createS3Client(config);
    const head = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: 'arch/raw/batch-1/asset-1.png' }));
    client.destroy();
    expect(head.StorageClass).toBe('GLACIER');
    expect(new SyncStateRepo(db).get(syncTarget(config), 'arch/raw/batch-1/asset-1.png')!.storage_class).toBe('GLACIER');
    expect((await applyArchiveStorageClass({ db, config }, ['asset-1'])).unchanged).toBe(1);
    db.close();
  });
});
