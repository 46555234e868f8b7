import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../core/app-error.ts';
import type { AssetState, LibraryContext } from './asset-types.ts';
import { requireAssetRow, type AssetRow } from './asset-row.ts';
import { fsyncDir } from './atomic-write.ts';
import { markLibraryChanged } from './library-changes.ts';
import { emitLibraryEvent } from './library-events.ts';
import { absLibraryPath, archiveRelPath, unarchiveRelPath } from './library-paths.ts';
import { archiveAfterDays } from './library-settings.ts';
import { purgeAssetVersion } from './purge-asset.ts';
import { pathExists } from '../core/path-exists.ts';

const DAY_MS = 86_400_000;

/**
 * Lifecycle acts on a whole lineage (every retained version moves together), addressed by any
 * of its version ids. Files move first, then the row; if the row update fails the file is
 * moved back, so the DB never points at a missing file. Thumbnails stay in thumbnails/: they
 * are small and the archive view still needs them.
 */
function lineageRows(ctx: LibraryContext, assetId: string): AssetRow[] {
  const row = requireAssetRow(ctx.db, assetId);
  return ctx.db.prepare('SELECT rowid, * FROM assets WHERE lineage_id = ? ORDER BY version').all(row.lineage_id) as AssetRow[];
}

async function moveFile(ctx: LibraryContext, fromRel: string, toRel: string): Promise<void> {
  const from = absLibraryPath(ctx.dataDir.library, fromRel);
  const to = absLibraryPath(ctx.dataDir.library, toRel);
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (err) {
    // Already moved by an interrupted earlier run: accept it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await pathExists(to))) return;
    throw new AppError('NotFound', `cannot move ${fromRel} to ${toRel}: ${(err as Error).message}`, { file: from });
  }
  await fsyncDir(dirname(to));
}

async function relocate(ctx: LibraryContext, assetId: string, target: 'archive' | 'raw', now: number): Promise<number> {
  const rows = lineageRows(ctx, assetId);
  const state: AssetState = target === 'archive' ? 'archived' : 'active';
  const moved: { id: string; from: string; to: string }[] = [];
  try {
    for (const r of rows) {
      const to = target === 'archive' ? archiveRelPath(r.rel_path) : unarchiveRelPath(r.rel_path);
      if (to !== r.rel_path) {
        await moveFile(ctx, r.rel_path, to);
        moved.push({ id: r.id, from: r.rel_path, to });
      }
    }
    ctx.db.transaction(() => {
      const upd = ctx.db.prepare(
        `UPDATE assets SET rel_path = ?, updated_at = ? WHERE id = ?`,
      );
      for (const m of moved) upd.run(m.to, now, m.id);
      ctx.db
        .prepare(
          `UPDATE assets SET state = CASE WHEN state = 'deleted' THEN state ELSE ? END,
             archived_at = ?, updated_at = ? WHERE lineage_id = ?`,
        )
        .run(state, target === 'archive' ? now : null, now, rows[0]!.lineage_id);
      markLibraryChanged(ctx.db);
    })();
  } catch (err) {
    for (const m of moved.reverse()) await moveFile(ctx, m.to, m.from).catch(() => undefined);
    throw err;
  }
  for (const m of moved) emitLibraryEvent({ type: target === 'archive' ? 'archived' : 'restored', assetId: m.id, from: m.from, to: m.to });
  return moved.length;
}

/** active → archived: PNGs move to <library>/archive/raw/<batch>/. */
export async function archiveAsset(ctx: LibraryContext, assetId: string, now = Date.now()): Promise<void> {
  const row = requireAssetRow(ctx.db, assetId);
  if (row.state === 'deleted') throw new AppError('Conflict', `asset ${assetId} is deleted; restore it first`);
  await relocate(ctx, assetId, 'archive', now);
}

/** archived → active: PNGs move back to <library>/raw/<batch>/. */
export async function restoreAsset(ctx: LibraryContext, assetId: string, now = Date.now()): Promise<void> {
  const row = requireAssetRow(ctx.db, assetId);
  if (row.state === 'deleted') throw new AppError('Conflict', `asset ${assetId} is deleted; undelete it first`);
  await relocate(ctx, assetId, 'raw', now);
}

/** Archives every active lineage whose current version is older than N days (setting library.archiveAfterDays, default 90). */
export async function archiveStaleAssets(ctx: LibraryContext, opts: { days?: number; now?: number } = {}): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const days = opts.days ?? archiveAfterDays(ctx.db);
  const ids = (
    ctx.db
      .prepare(`SELECT id FROM assets WHERE is_current = 1 AND state = 'active' AND created_at < ? ORDER BY created_at`)
      .all(now - days * DAY_MS) as { id: string }[]
  ).map((r) => r.id);
  for (const id of ids) await archiveAsset(ctx, id, now);
  return ids;
}

/** Soft delete: the lineage leaves search and similarity; files stay until purgeDeletedAssets. */
export function deleteAsset(ctx: LibraryContext, assetId: string, now = Date.now()): void {
  const rows = lineageRows(ctx, assetId);
  const current = rows.find((r) => r.is_current === 1) ?? rows[rows.length - 1]!;
  if (current.state === 'deleted') return;
  ctx.db.transaction(() => {
    ctx.db
      .prepare(`UPDATE assets SET state = 'deleted', deleted_at = ?, updated_at = ? WHERE lineage_id = ?`)
      .run(now, now, current.lineage_id);
    markLibraryChanged(ctx.db);
  })();
  emitLibraryEvent({ type: 'deleted', assetId: current.id, previousState: current.state as AssetState });
}

/** Undo a soft delete: back to archived when the files are in the archive, else active. */
export function undeleteAsset(ctx: LibraryContext, assetId: string, now = Date.now()): AssetState {
  const rows = lineageRows(ctx, assetId);
  const current = rows.find((r) => r.is_current === 1) ?? rows[rows.length - 1]!;
  if (current.state !== 'deleted') return current.state as AssetState;
  const state: AssetState = current.archived_at !== null ? 'archived' : 'active';
  ctx.db.transaction(() => {
    ctx.db
      .prepare(`UPDATE assets SET state = ?, deleted_at = NULL, updated_at = ? WHERE lineage_id = ?`)
      .run(state, now, current.lineage_id);
    markLibraryChanged(ctx.db);
  })();
  emitLibraryEvent({ type: 'undeleted', assetId: current.id, state });
  return state;
}

/** Permanently removes soft-deleted lineages deleted more than `olderThanDays` ago (default 0: all). */
export async function purgeDeletedAssets(ctx: LibraryContext, opts: { olderThanDays?: number; now?: number } = {}): Promise<string[]> {
  const cutoff = (opts.now ?? Date.now()) - (opts.olderThanDays ?? 0) * DAY_MS;
  const ids = (
    ctx.db.prepare(`SELECT id FROM assets WHERE state = 'deleted' AND deleted_at <= ? ORDER BY lineage_id, version`).all(cutoff) as {
      id: string;
    }[]
  ).map((r) => r.id);
  for (const id of ids) await purgeAssetVersion(ctx, id);
  return ids;
}

