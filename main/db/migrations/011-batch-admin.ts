import type { Migration } from '../migration.ts';

/**
 * Batch management (issue 12): a batch can be archived (hidden from the default list, kept
 * whole) or deleted. A deleted batch keeps a tombstone row because library assets reference
 * batches(id) and "delete the batch, keep its assets" must not orphan them; its tasks,
 * attempts and delta reports are removed. duplicated_from records "run again with changes".
 */
export const migration011: Migration = {
  id: 11,
  name: 'batch-admin',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN archived_at INTEGER;
      ALTER TABLE batches ADD COLUMN deleted_at INTEGER;
      ALTER TABLE batches ADD COLUMN duplicated_from TEXT;
    `);
  },
};
