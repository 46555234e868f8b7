import type { Database } from 'better-sqlite3';

export type SyncKind = 'raw' | 'thumbnail';
export type SyncStatus = 'uploading' | 'done' | 'failed';

export interface SyncStateRow {
  target: string;
  object_key: string;
  asset_id: string;
  kind: SyncKind;
  local_path: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  status: SyncStatus;
  upload_id: string | null;
  part_size: number | null;
  etag: string | null;
  storage_class: string | null;
  attempts: number;
  last_error: string | null;
  updated_at: number;
  uploaded_at: number | null;
}

export interface PartRow {
  part_number: number;
  etag: string;
  size: number;
}

/** The sync_state / sync_parts tables (migration 005). Each write commits on its own, so a crash loses at most the file in flight. */
export class SyncStateRepo {
  constructor(private readonly db: Database) {}

  get(target: string, key: string): SyncStateRow | undefined {
    return this.db.prepare('SELECT * FROM sync_state WHERE target = ? AND object_key = ?').get(target, key) as SyncStateRow | undefined;
  }

  /** Starts (or restarts) tracking an object before any byte is sent. */
  begin(row: Pick<SyncStateRow, 'target' | 'object_key' | 'asset_id' | 'kind' | 'local_path' | 'size' | 'mtime_ms' | 'sha256'>): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (target, object_key, asset_id, kind, local_path, size, mtime_ms, sha256, status, attempts, updated_at)
         VALUES (@target, @object_key, @asset_id, @kind, @local_path, @size, @mtime_ms, @sha256, 'uploading', 0, @now)
         ON CONFLICT(target, object_key) DO UPDATE SET asset_id = excluded.asset_id, kind = excluded.kind,
           local_path = excluded.local_path, size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256,
           status = 'uploading', etag = NULL, last_error = NULL, updated_at = excluded.updated_at,
           -- a changed file cannot reuse the parts of its previous upload
           upload_id = CASE WHEN sync_state.sha256 = excluded.sha256 THEN sync_state.upload_id ELSE NULL END,
           part_size = CASE WHEN sync_state.sha256 = excluded.sha256 THEN sync_state.part_size ELSE NULL END`,
      )
      .run({ ...row, now: Date.now() });
  }

  /** Same bytes, new mtime (touched or copied): remember it so the next run skips hashing. */
  touch(target: string, key: string, mtimeMs: number, localPath: string): void {
    this.db.prepare('UPDATE sync_state SET mtime_ms = ?, local_path = ?, updated_at = ? WHERE target = ? AND object_key = ?').run(mtimeMs, localPath, Date.now(), target, key);
  }

  setUpload(target: string, key: string, uploadId: string | null, partSize: number | null): void {
    this.db.prepare('UPDATE sync_state SET upload_id = ?, part_size = ?, updated_at = ? WHERE target = ? AND object_key = ?').run(uploadId, partSize, Date.now(), target, key);
    if (uploadId === null) this.db.prepare('DELETE FROM sync_parts WHERE target = ? AND object_key = ?').run(target, key);
  }

  parts(target: string, key: string, uploadId: string): PartRow[] {
    return this.db
      .prepare('SELECT part_number, etag, size FROM sync_parts WHERE target = ? AND object_key = ? AND upload_id = ? ORDER BY part_number')
      .all(target, key, uploadId) as PartRow[];
  }

  addPart(target: string, key: string, uploadId: string, part: PartRow): void {
    this.db
      .prepare('INSERT OR REPLACE INTO sync_parts (target, object_key, upload_id, part_number, etag, size) VALUES (?, ?, ?, ?, ?, ?)')
      .run(target, key, uploadId, part.part_number, part.etag, part.size);
  }

  done(target: string, key: string, etag: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE sync_state SET status = 'done', etag = ?, upload_id = NULL, part_size = NULL, last_error = NULL,
           uploaded_at = ?, updated_at = ? WHERE target = ? AND object_key = ?`,
        )
        .run(etag, Date.now(), Date.now(), target, key);
      this.db.prepare('DELETE FROM sync_parts WHERE target = ? AND object_key = ?').run(target, key);
    })();
  }

  failed(target: string, key: string, message: string): void {
    this.db
      .prepare(`UPDATE sync_state SET status = 'failed', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE target = ? AND object_key = ?`)
      .run(message, Date.now(), target, key);
  }

  setStorageClass(target: string, key: string, storageClass: string): void {
    this.db.prepare('UPDATE sync_state SET storage_class = ?, updated_at = ? WHERE target = ? AND object_key = ?').run(storageClass, Date.now(), target, key);
  }

  forAssets(target: string, assetIds: readonly string[]): SyncStateRow[] {
    const out: SyncStateRow[] = [];
    const stmt = this.db.prepare('SELECT * FROM sync_state WHERE target = ? AND asset_id = ?');
    for (const id of assetIds) out.push(...(stmt.all(target, id) as SyncStateRow[]));
    return out;
  }

  counts(target: string): Record<SyncStatus, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM sync_state WHERE target = ? GROUP BY status').all(target) as { status: SyncStatus; n: number }[];
    const c: Record<SyncStatus, number> = { uploading: 0, done: 0, failed: 0 };
    for (const r of rows) c[r.status] = r.n;
    return c;
  }
}
