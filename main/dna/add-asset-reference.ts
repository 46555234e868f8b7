import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import type { Embedder } from '../inference/embedder.ts';
import { getAsset } from '../library/get-asset.ts';
import { libraryFile } from '../library/library-paths.ts';
import { decodeInWorker as decodeImage } from '../inference/cpu-jobs.ts';
import { addProfileReference } from './profile-repo.ts';
import type { StyleProfile } from './style-profile.ts';

/**
 * "Add to references": an approved library asset joins a style profile's references (its
 * batch's profile unless one is named), which becomes a new profile version. Shared by the
 * UI (library.addToRefs) and `assetql library add-to-refs`.
 */
export async function addAssetToReferences(
  ctx: { db: Database; dataDir: DataDir },
  assetId: string,
  options: { profileId?: string; embedder?: Embedder | null } = {},
): Promise<StyleProfile> {
  const asset = getAsset(ctx.db, assetId);
  if (!asset) throw new AppError('NotFound', `asset ${assetId} not found`);
  if (asset.state === 'deleted') throw new AppError('Conflict', `asset ${asset.name} is deleted; undelete it before using it as a reference`);
  const target = options.profileId ?? (ctx.db.prepare('SELECT profile_id AS p FROM batches WHERE id = ?').get(asset.batchId) as { p: string | null } | undefined)?.p;
  if (!target) throw new AppError('BadInput', `the batch of ${asset.name} has no style profile; name the profile to add it to`);
  const image = await decodeImage(libraryFile(ctx.dataDir, asset.relPath));
  return addProfileReference(ctx.db, ctx.dataDir, target, { name: `${asset.name}.png`, image }, { embedder: options.embedder ?? null });
}
