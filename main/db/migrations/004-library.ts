import type { Migration } from '../migration.ts';

/**
 * The asset library (issue 7). One row per asset *version*: a regenerated or edited image is a
 * new row with the same lineage_id and version + 1, and exactly one row per lineage has
 * is_current = 1 (the one search shows). Files live at rel_path, relative to the library folder,
 * so archive/restore only rewrites that column.
 */
export const migration004: Migration = {
  id: 4,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        lineage_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        is_current INTEGER NOT NULL DEFAULT 1,
        batch_id TEXT NOT NULL REFERENCES batches(id),
        task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
        task_key TEXT UNIQUE,                  -- idempotency: a re-run of a task finds its asset
        name TEXT NOT NULL COLLATE NOCASE,
        rel_path TEXT NOT NULL,                -- raw/<batch>/<id>.png or archive/raw/<batch>/<id>.png
        thumb_rel_path TEXT,                   -- thumbnails/<id>.jpg once generated
        file_size INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL,                  -- JSON GenerationParams
        seed INTEGER,
        model TEXT NOT NULL DEFAULT '',
        scores TEXT NOT NULL DEFAULT '{}',     -- JSON StyleScores
        style_score REAL,
        -- NULL scores sort below every real score; a generated column so keyset pages can index it.
        score_sort REAL GENERATED ALWAYS AS (IFNULL(style_score, -1.0)) VIRTUAL,
        category TEXT,                         -- effective: user override, else auto
        auto_category TEXT,
        category_user INTEGER NOT NULL DEFAULT 0,
        subcategories TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL DEFAULT 'active',  -- active | archived | deleted
        source_row TEXT,                       -- JSON of the original CSV cells
        row_index INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        archived_at INTEGER,
        deleted_at INTEGER,
        tagged_at INTEGER,
        UNIQUE (lineage_id, version)
      ) STRICT;
      CREATE INDEX assets_lineage ON assets(lineage_id, version);
      -- One index per sort order over current versions. State and category are deliberately not
      -- leading columns: search walks a sort index and filters, stopping after one page
      -- (search-plan.ts decides when a rare filter should drive instead).
      CREATE INDEX assets_cur_date ON assets(created_at, id) WHERE is_current = 1;
      CREATE INDEX assets_cur_score ON assets(score_sort, id) WHERE is_current = 1;
      CREATE INDEX assets_cur_name ON assets(name, id) WHERE is_current = 1;
      CREATE INDEX assets_cur_batch ON assets(batch_id, created_at, id) WHERE is_current = 1;
      CREATE INDEX assets_cur_category ON assets(category, created_at, id) WHERE is_current = 1;
      CREATE INDEX assets_by_state ON assets(state, deleted_at);

      -- source: clip | claude | user. A user row with removed = 1 is a tombstone: the user took
      -- the tag away and re-tagging must not bring it back.
      CREATE TABLE asset_tags (
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        tag_group TEXT NOT NULL,
        confidence REAL,
        source TEXT NOT NULL,
        removed INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (asset_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX asset_tags_by_tag ON asset_tags(tag, asset_id) WHERE removed = 0;

      CREATE TABLE asset_embeddings (
        asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL,                  -- little-endian Float32, L2-normalised
        PRIMARY KEY (asset_id, model_id)
      ) STRICT, WITHOUT ROWID;

      -- Bumped by every library write that changes what similarity search sees, so a cached
      -- embedding matrix knows when to reload, across connections, without reloading on
      -- unrelated writes (the task ledger commits constantly while the user browses).
      CREATE TABLE library_generation (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL) STRICT;
      INSERT INTO library_generation (id, n) VALUES (1, 0);

      -- rowid = assets.rowid; maintained by library code (tags live in another table, so
      -- triggers on assets alone could not keep the tags column right).
      CREATE VIRTUAL TABLE assets_fts USING fts5(
        name, prompt, tags,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );
    `);
  },
};
