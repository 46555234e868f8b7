import type { Database } from 'better-sqlite3';
import type { Asset, LibraryContext } from './asset-types.ts';
import { ASSET_COLUMNS, requireAssetRow, rowToAsset, type AssetRow } from './asset-row.ts';
import { keepVersions } from './library-settings.ts';
import { purgeAssetVersion } from './purge-asset.ts';

/** Every retained version of the asset's lineage, newest first. Accepts any version's id. */
export function listAssetVersions(db: Database, assetId: string): Asset[] {
  const row = requireAssetRow(db, assetId);
  const rows = db
    .prepare(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.lineage_id = ? ORDER BY a.version DESC`)
    .all(row.lineage_id) as AssetRow[];
  return rows.map(rowToAsset);
}

/** Purges the oldest superseded versions beyond the retention setting (default 5). Returns purged ids. */
export async function pruneVersions(ctx: LibraryContext, lineageId: string, keep = keepVersions(ctx.db)): Promise<string[]> {
  const rows = ctx.db
    .prepare('SELECT id FROM assets WHERE lineage_id = ? AND is_current = 0 ORDER BY version DESC')
    .all(lineageId) as { id: string }[];
  // The current version counts towards `keep`.
  const excess = rows.slice(Math.max(0, keep - 1));
  for (const r of excess) await purgeAssetVersion(ctx, r.id);
  return excess.map((r) => r.id);
}
