import type { Database } from 'better-sqlite3';
import { createBatch } from './ledger/batches.ts';

/**
 * `library rebuild` finds images under raw/<batch>/ whose batch row is gone with the old
 * database. Assets must point at a batch, so each such folder gets a finished, empty batch with
 * the folder's id (the ledger writes it, like every batch). Its settings are not recoverable
 * from the images, so the config is empty and the name says where it came from.
 */
export function ensureRecoveredBatch(db: Database, batchId: string, now = Date.now()): boolean {
  if (db.prepare('SELECT 1 FROM batches WHERE id = ?').get(batchId)) return false;
  createBatch(db, { id: batchId, name: `Recovered ${batchId.slice(0, 8)}`, config: {}, model: '', source: 'cli', state: 'done', tasks: [] }, now);
  return true;
}
