import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import type { LibraryContext } from '../../library/asset-types.ts';
import { storeAsset } from '../../library/store-asset.ts';
import { overrideCategory } from '../../library/tags-repo.ts';
import type { WeightsRecipe } from '../../style-weights/pack-provenance.ts';
import { purgeAssetVersion } from '../../library/purge-asset.ts';
import { writeThumbnail } from '../../library/thumbnails.ts';
import { absLibraryPath } from '../../library/library-paths.ts';
import type { PostStage, StoreStage } from '../stages.ts';

/**
 * The store stage over the library: storeAsset is idempotent by task key (UNIQUE task_key), so a
 * task replayed after a crash between "asset stored" and "ledger updated" gets its first asset
 * back and no second file. The thumbnail is left to a post stage so it runs alongside generation.
 */
export function createLibraryStore(ctx: LibraryContext, opts: { embeddingFor?: (image: RgbImage) => { modelId: string; vector: Float32Array } | undefined; weights?: WeightsRecipe } = {}): StoreStage {
  return {
    async store(input) {
      const { task } = input;
      const numeric: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(input.scores)) if (typeof v === 'number') numeric[k] = v;
      const embedding = opts.embeddingFor?.(input.image);
      const { asset } = await storeAsset(ctx, {
        ...(embedding ? { embedding } : {}),
        batchId: task.batchId,
        taskId: task.id,
        taskKey: task.taskKey,
        name: task.name,
        image: input.image,
        prompt: input.prompt,
        negativePrompt: input.negativePrompt,
        params: input.params,
        seed: input.params.seed,
        // An imported checkpoint is recorded by its name and hash, as A1111 does; LoRAs too.
        model: opts.weights?.model ?? input.modelId,
        ...(opts.weights?.modelHash ? { modelHash: opts.weights.modelHash } : {}),
        ...(opts.weights?.loras.length ? { loras: opts.weights.loras } : {}),
        scores: numeric,
        styleScore: input.scores.styleScore,
        sourceRow: task.sourceRow,
        rowIndex: task.rowIndex,
        skipThumbnail: true,
      });
      // The CSV's category (its `category` column or a mapped one) is the asset's category: set as
      // a user choice, so the automatic tagger never overwrites it. Searchable by the category filter.
      if (task.category && task.category.trim()) overrideCategory(ctx.db, asset.id, task.category);
      return { assetId: asset.id };
    },
    remove: (assetId) => purgeAssetVersion(ctx, assetId),
  };
}

export function createThumbnailStage(ctx: LibraryContext): PostStage {
  return {
    name: 'thumbnail',
    async run({ assetId }) {
      const row = ctx.db.prepare('SELECT rel_path FROM assets WHERE id = ?').get(assetId) as { rel_path: string } | undefined;
      if (!row) return;
      await writeThumbnail(ctx, assetId, absLibraryPath(ctx.dataDir.library, row.rel_path));
    },
  };
}
