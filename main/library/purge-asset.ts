import { rm } from 'node:fs/promises';
import type { LibraryContext } from './asset-types.ts';
import { requireAssetRow } from './asset-row.ts';
import { dropFts } from './fts-index.ts';
import { markLibraryChanged } from './library-changes.ts';
import { emitLibraryEvent } from './library-events.ts';
import { absLibraryPath } from './library-paths.ts';

/**
 * Removes one asset version for good: row (tags and embeddings cascade), FTS entry, PNG and
 * thumbnail. The row goes first so a crash in between leaves only an orphan file, never a row
 * pointing at nothing.
 */
export async function purgeAssetVersion(ctx: LibraryContext, assetId: string): Promise<void> {
  const row = requireAssetRow(ctx.db, assetId);
  ctx.db.transaction(() => {
    dropFts(ctx.db, row.rowid);
    ctx.db.prepare('DELETE FROM assets WHERE id = ?').run(assetId);
    markLibraryChanged(ctx.db);
  })();
  const relPaths = [row.rel_path, ...(row.thumb_rel_path ? [row.thumb_rel_path] : [])];
  for (const rel of relPaths) await rm(absLibraryPath(ctx.dataDir.library, rel), { force: true });
  emitLibraryEvent({ type: 'purged', assetId, relPaths });
}
