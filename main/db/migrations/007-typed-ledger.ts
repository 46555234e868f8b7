import { readBatchConfig } from '../../pipeline/records/batch-config.ts';
import { readStyleScores } from '../../pipeline/records/style-scores.ts';
import type { Migration } from '../migration.ts';

/**
 * The ledger becomes typed and keeps the user's decisions:
 * - batches.config and attempts.scores are rewritten into BatchConfig / StyleScores (one spelling
 *   per field; a legacy `threshold` becomes thresholds.style, brand DNA's `pass` block becomes
 *   dimensionsOk/artifactsOk), so every reader parses one shape;
 * - batches.pause_reason: why the engine paused a batch (a stage could not be built, a model
 *   file is missing), shown in the UI and the CLI until `resume`;
 * - tasks.decision: what the ledger decided for the row (passed | approved | failed), so the
 *   dashboard counts decisions instead of re-deriving them from states;
 * - review_decisions: every review/delta decision with who and when, and what undo needs.
 */
export const migration007: Migration = {
  id: 7,
  name: 'typed-ledger',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN pause_reason TEXT;
      ALTER TABLE tasks ADD COLUMN decision TEXT;   -- passed | approved | failed | NULL (not decided)
      CREATE TABLE review_decisions (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        action TEXT NOT NULL,                  -- approve | reject | rerun | delta-accept | delta-edit | delta-dismiss
        attempt_n INTEGER,                     -- the attempt the decision was about (approve: the image filed)
        asset_id TEXT,                         -- approve: the asset it created
        prompt TEXT,                           -- rerun / delta edit: the prompt it set
        by_whom TEXT NOT NULL,
        at INTEGER NOT NULL,
        undo TEXT NOT NULL,                    -- JSON: the task fields to restore on undo
        undone_at INTEGER
      ) STRICT;
      CREATE INDEX review_decisions_by_task ON review_decisions(task_id, at);
      CREATE INDEX review_decisions_by_batch ON review_decisions(batch_id, at);
    `);
    const upd = db.prepare('UPDATE batches SET config = ? WHERE id = ?');
    for (const b of db.prepare('SELECT id, config FROM batches').all() as { id: string; config: string }[]) {
      upd.run(JSON.stringify(readBatchConfig(b.config)), b.id);
    }
    const updA = db.prepare('UPDATE attempts SET scores = ? WHERE id = ?');
    for (const a of db.prepare('SELECT id, scores FROM attempts WHERE scores IS NOT NULL').all() as { id: number; scores: string }[]) {
      let raw: unknown = null;
      try {
        raw = JSON.parse(a.scores);
      } catch {
        raw = null;
      }
      const s = readStyleScores(raw);
      updA.run(s ? JSON.stringify(s) : null, a.id);
    }
    db.exec(`
      UPDATE tasks SET decision = CASE
        WHEN state = 'ready' AND EXISTS (SELECT 1 FROM attempts a WHERE a.task_id = tasks.id AND a.kind = 'manual' AND a.outcome = 'passed') THEN 'approved'
        WHEN state IN ('ready', 'passed', 'tagging') THEN 'passed'
        WHEN state IN ('dlq', 'rejected') THEN 'failed'
        ELSE NULL END;
    `);
  },
};
