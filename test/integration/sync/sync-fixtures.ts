import { mkdtemp, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../main/db/database.ts';
import { migration001 } from '../../../main/db/migrations/001-core.ts';
import { migration005 } from '../../../main/db/migrations/005-sync.ts';
import type { ExportItem } from '../../../main/library/export/export-item.ts';
import { parseS3Config, type S3SyncConfig, type S3SyncConfigInput } from '../../../main/library/sync/s3-config.ts';
import type { LocalS3 } from './local-s3.ts';

/** Only the migrations the sync needs, so these tests do not depend on other tables. */
export async function syncDb(): Promise<Database> {
  const dir = await mkdtemp(join(tmpdir(), 'assetql-sync-db-'));
  return openDatabase(join(dir, 'test.db'), { migrations: [migration001, migration005] });
}

export function s3Config(s3: LocalS3, extra: Partial<S3SyncConfigInput> = {}): S3SyncConfig {
  return parseS3Config({
    bucket: s3.bucket,
    prefix: 'lib/',
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    retryBaseMs: 5,
    concurrency: 1,
    ...extra,
  });
}

/** Random-content files (sync does not care that they are not real PNGs). */
export async function syncItems(n: number, size = 2048, withThumbs = false): Promise<ExportItem[]> {
  const dir = await mkdtemp(join(tmpdir(), 'assetql-sync-src-'));
  const items: ExportItem[] = [];
  for (let i = 0; i < n; i++) {
    const assetId = `asset-${i + 1}`;
    const filePath = join(dir, `${assetId}.png`);
    await writeFile(filePath, randomBytes(size));
    let thumbPath: string | undefined;
    if (withThumbs) {
      thumbPath = join(dir, `${assetId}.jpg`);
      await writeFile(thumbPath, randomBytes(256));
    }
    items.push({
      assetId, name: assetId, filePath, ...(thumbPath ? { thumbPath } : {}), width: 8, height: 8, fileSize: size, prompt: 'p',
      negativePrompt: '', seed: i, model: 'm', params: {}, scores: {}, styleScore: null, tags: [], category: null,
      subcategories: [], batchId: 'batch-1', createdAt: new Date(0).toISOString(),
    });
  }
  return items;
}
