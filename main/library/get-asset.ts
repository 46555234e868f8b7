import type { Database } from 'better-sqlite3';
import { getAssetRow, rowToAsset } from './asset-row.ts';
import type { Asset } from './asset-types.ts';

/** One asset version by id, or null. */
export function getAsset(db: Database, id: string): Asset | null {
  const row = getAssetRow(db, id);
  return row ? rowToAsset(row) : null;
}
