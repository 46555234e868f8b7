import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { LibraryContext } from './asset-types.ts';
import { requireAssetRow } from './asset-row.ts';
import { getEmbedding } from './embeddings-repo.ts';
import { emitLibraryEvent } from './library-events.ts';
import { absLibraryPath } from './library-paths.ts';
import type { Tagger } from './tagger.ts';
import { applyAutoTags, type AutoTagging } from './tags-repo.ts';

/** Decodes a library file to the RgbImage the embedder expects (alpha flattened on white). */
export async function loadRgbImage(file: string | Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(file).flatten({ background: '#ffffff' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/**
 * Runs a tagger on a stored asset and saves the result, keeping user overrides. The pipeline's
 * `tagging` state calls this; re-tagging the whole library calls it per asset.
 */
export async function tagAsset(ctx: LibraryContext, assetId: string, tagger: Tagger): Promise<AutoTagging> {
  const row = requireAssetRow(ctx.db, assetId);
  const file = await readFile(absLibraryPath(ctx.dataDir.library, row.rel_path));
  const embedding = getEmbedding(ctx.db, assetId) ?? undefined;
  const result = await tagger.tagImage({
    image: await loadRgbImage(file),
    ...(embedding ? { embedding } : {}),
    encoded: { data: file, mediaType: 'image/png' },
  });
  applyAutoTags(ctx.db, assetId, result);
  emitLibraryEvent({ type: 'tagged', assetId });
  return result;
}
