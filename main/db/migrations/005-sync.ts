import type { Migration } from '../migration.ts';

/**
 * S3 sync state and export history. Asset ids are plain TEXT without a foreign key: the sync
 * and export records describe files that left the app and must outlive (or predate) a library
 * row, and 004-library is owned separately.
 */
export const migration005: Migration = {
  id: 5,
  name: 'sync',
  up(db) {
    db.exec(`
      -- One row per object per destination. An interrupted sync resumes from here: 'done' rows
      -- whose local file is unchanged are never uploaded again.
      CREATE TABLE sync_state (
        target TEXT NOT NULL,                  -- endpoint|bucket, so a new bucket starts fresh
        object_key TEXT NOT NULL,
        asset_id TEXT NOT NULL,
        kind TEXT NOT NULL,                    -- raw | thumbnail
        local_path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        status TEXT NOT NULL,                  -- uploading | done | failed
        upload_id TEXT,                        -- open multipart upload, for resume
        part_size INTEGER,
        etag TEXT,
        storage_class TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        updated_at INTEGER NOT NULL,
        uploaded_at INTEGER,
        PRIMARY KEY (target, object_key)
      ) STRICT;
      CREATE INDEX sync_state_by_asset ON sync_state(asset_id);
      CREATE INDEX sync_state_by_status ON sync_state(target, status);

      -- Parts of open multipart uploads already accepted by the server (S3 keeps them until the
      -- upload is completed or aborted), so a resumed upload sends only the missing parts.
      CREATE TABLE sync_parts (
        target TEXT NOT NULL,
        object_key TEXT NOT NULL,
        upload_id TEXT NOT NULL,
        part_number INTEGER NOT NULL,
        etag TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (target, object_key, upload_id, part_number)
      ) STRICT;

      CREATE TABLE export_history (
        id INTEGER PRIMARY KEY,
        format TEXT NOT NULL,                  -- file | zip | unity | shopify
        out_dir TEXT NOT NULL,
        manifest_path TEXT NOT NULL,           -- relative to out_dir
        item_count INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        asset_ids TEXT NOT NULL,               -- JSON array
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX export_history_by_time ON export_history(created_at);
    `);
  },
};
