import type { Migration } from '../migration.ts';

/**
 * The batch and the durable task ledger (ARCHITECTURE.md → Pipeline states). One row per task;
 * every attempt is its own row so nothing about a failed try is ever lost.
 */
export const migration003: Migration = {
  id: 3,
  name: 'batches',
  up(db) {
    db.exec(`
      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'draft',   -- draft | running | paused | cancelled | done
        priority INTEGER NOT NULL DEFAULT 0,   -- higher runs first
        config TEXT NOT NULL,                  -- JSON BatchConfig, saved so a batch can be reproduced
        template TEXT,                         -- prompt template, null when a prompt column is used
        profile_id TEXT,
        profile_version INTEGER,
        csv_name TEXT,
        csv_sha256 TEXT,
        source TEXT NOT NULL DEFAULT 'ui',     -- ui | cli | hot-folder
        gpu_ms INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        finished_at INTEGER
      ) STRICT;

      CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        row_index INTEGER NOT NULL,            -- 1-based data row in the source CSV
        task_key TEXT NOT NULL UNIQUE,         -- sha256(batch, row, prompt, profile version, seed, model)
        name TEXT NOT NULL,
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL,                  -- JSON GenerationParams (width, height, steps, guidance, sampler, seed, ...)
        category TEXT,
        source_row TEXT NOT NULL,              -- JSON of the original CSV cells
        state TEXT NOT NULL DEFAULT 'pending',
        priority INTEGER NOT NULL DEFAULT 0,
        style_retries INTEGER NOT NULL DEFAULT 0,
        transient_retries INTEGER NOT NULL DEFAULT 0,
        preflight_confidence REAL,
        held INTEGER NOT NULL DEFAULT 0,       -- 1 when held for the user after a low pre-flight score
        asset_id TEXT,
        last_error TEXT,
        not_before INTEGER NOT NULL DEFAULT 0, -- backoff: do not start before this epoch ms
        lease_until INTEGER,                   -- in-flight marker; stale leases are re-queued on start
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (batch_id, row_index)
      ) STRICT;
      CREATE INDEX tasks_by_state ON tasks(state, priority DESC, row_index);
      CREATE INDEX tasks_by_batch ON tasks(batch_id, row_index);

      CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,                    -- 1, 2, 3 ... in order
        kind TEXT NOT NULL,                    -- initial | style-retry | transient-retry | manual
        prompt TEXT NOT NULL,
        negative_prompt TEXT NOT NULL,
        params TEXT NOT NULL,                  -- JSON, with the escalation applied
        outcome TEXT,                          -- passed | failed | error | cancelled (null while running)
        scores TEXT,                           -- JSON StyleScores
        error_kind TEXT,
        error TEXT,
        image_path TEXT,                       -- library-relative path of the attempt's image, kept for review
        gpu_ms INTEGER,
        timings TEXT,                          -- JSON { generate, validate, ... } in ms
        started_at INTEGER NOT NULL,
        ended_at INTEGER
      ) STRICT;
      CREATE INDEX attempts_by_task ON attempts(task_id, n);

      CREATE TABLE delta_reports (
        id INTEGER PRIMARY KEY,
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        task_id TEXT REFERENCES tasks(id) ON DELETE CASCADE,
        row_index INTEGER NOT NULL,
        prompt TEXT NOT NULL,
        confidence REAL NOT NULL,
        missing TEXT NOT NULL,                 -- JSON [{ attribute, expected, why }]
        suggestion TEXT NOT NULL,
        suggested_confidence REAL,
        expected_gain REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',   -- open | accepted | edited | dismissed
        created_at INTEGER NOT NULL,
        resolved_at INTEGER
      ) STRICT;
      CREATE INDEX delta_by_batch ON delta_reports(batch_id, status);

      CREATE TABLE llm_usage (
        id INTEGER PRIMARY KEY,
        batch_id TEXT REFERENCES batches(id) ON DELETE SET NULL,
        purpose TEXT NOT NULL,                 -- polish | tagging
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
