import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../core/app-error.ts';
import { writeFileAtomic } from './atomic-write.ts';
import type { LibraryContext } from './asset-types.ts';
import { absLibraryPath, thumbRelPath } from './library-paths.ts';
import { pathExists } from '../core/path-exists.ts';

/** REFERENCE.md → Image metrics: 256×256, JPEG quality 80. */
export const THUMB_SIZE = 256;
export const THUMB_QUALITY = 80;

/**
 * Cover-crop to a full 256×256 square (centre gravity) rather than letterboxing: the library
 * grid shows square tiles, and padding bars would waste a third of a 16:9 tile.
 */
export async function makeThumbnail(input: Buffer | string): Promise<Buffer> {
  try {
    return await sharp(input, { failOn: 'error' })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover', position: 'centre' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: THUMB_QUALITY, chromaSubsampling: '4:2:0' })
      .toBuffer();
  } catch (err) {
    throw new AppError('BadInput', `cannot make a thumbnail: ${(err as Error).message}`, typeof input === 'string' ? { file: input } : undefined);
  }
}

/** Writes <library>/thumbnails/<assetId>.jpg atomically and records it on the asset row. */
export async function writeThumbnail(ctx: LibraryContext, assetId: string, source: Buffer | string): Promise<string> {
  const rel = thumbRelPath(assetId);
  await writeFileAtomic(ctx.dataDir.tmp, absLibraryPath(ctx.dataDir.library, rel), await makeThumbnail(source));
  ctx.db.prepare('UPDATE assets SET thumb_rel_path = ? WHERE id = ?').run(rel, assetId);
  return rel;
}

export interface RebuildThumbnailsOptions {
  /** 'missing': only assets whose thumbnail file is absent; 'all': regenerate every one. */
  mode: 'all' | 'missing';
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RebuildThumbnailsResult {
  generated: number;
  skipped: number;
  failed: { assetId: string; message: string }[];
}

export async function rebuildThumbnails(ctx: LibraryContext, opts: RebuildThumbnailsOptions): Promise<RebuildThumbnailsResult> {
  const rows = ctx.db.prepare('SELECT id, rel_path, thumb_rel_path FROM assets ORDER BY rowid').all() as {
    id: string;
    rel_path: string;
    thumb_rel_path: string | null;
  }[];
  const result: RebuildThumbnailsResult = { generated: 0, skipped: 0, failed: [] };
  let done = 0;
  for (const r of rows) {
    if (opts.signal?.aborted) throw new AppError('Cancelled', 'thumbnail rebuild cancelled');
    if (opts.mode === 'missing' && r.thumb_rel_path && (await pathExists(absLibraryPath(ctx.dataDir.library, r.thumb_rel_path)))) {
      result.skipped++;
    } else {
      try {
        await writeThumbnail(ctx, r.id, absLibraryPath(ctx.dataDir.library, r.rel_path));
        result.generated++;
      } catch (err) {
        result.failed.push({ assetId: r.id, message: (err as Error).message });
      }
    }
    opts.onProgress?.(++done, rows.length);
  }
  return result;
}

export async function removeThumbnail(ctx: LibraryContext, rel: string | null): Promise<void> {
  if (rel) await rm(absLibraryPath(ctx.dataDir.library, rel), { force: true });
}

