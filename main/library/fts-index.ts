import type { Database } from 'better-sqlite3';

/**
 * Keeps assets_fts in step with an asset row and its live tags. Only current versions are
 * indexed: search never shows superseded versions, and a smaller index is a faster one.
 */
export function refreshFts(db: Database, assetId: string): void {
  const row = db.prepare('SELECT rowid, name, prompt, is_current FROM assets WHERE id = ?').get(assetId) as
    | { rowid: number; name: string; prompt: string; is_current: number }
    | undefined;
  if (!row) return;
  db.prepare('DELETE FROM assets_fts WHERE rowid = ?').run(row.rowid);
  if (row.is_current !== 1) return;
  const tags = (
    db.prepare('SELECT tag FROM asset_tags WHERE asset_id = ? AND removed = 0 ORDER BY tag').all(assetId) as { tag: string }[]
  ).map((t) => t.tag);
  db.prepare('INSERT INTO assets_fts (rowid, name, prompt, tags) VALUES (?, ?, ?, ?)').run(row.rowid, row.name, row.prompt, tags.join(' '));
}

/** Removes a row from the index before the row itself is deleted (rowids are reused). */
export function dropFts(db: Database, rowid: number): void {
  db.prepare('DELETE FROM assets_fts WHERE rowid = ?').run(rowid);
}
