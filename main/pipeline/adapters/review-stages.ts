import { AppError } from '../../core/app-error.ts';
import type { DataDir } from '../../core/data-dir.ts';
import type { LibraryContext } from '../../library/asset-types.ts';
import type { BatchStages, StageResolver } from '../stages.ts';
import { createFileArchive } from './file-archive.ts';
import { createLibraryStore, createThumbnailStage } from './library-store.ts';

/**
 * The stages review needs without a model loaded (`assetql batch approve/undo`): the attempt
 * archive, the library store (idempotent by task key; remove for un-approve) and thumbnails.
 * Generation and scoring are never called here; the model id is the batch's pack.
 */
export function reviewStages(ctx: LibraryContext & { dataDir: DataDir }): StageResolver {
  const archive = createFileArchive(ctx.dataDir);
  const store = createLibraryStore(ctx);
  const post = [createThumbnailStage(ctx)];
  const notHere = () => Promise.reject(new AppError('Internal', 'review stages do not generate or score'));
  return async (batch): Promise<BatchStages> => ({
    generate: { modelId: batch.config.packId, capabilities: { ipAdapter: false, img2img: false }, generate: notHere },
    validate: { validate: notHere },
    archive,
    store,
    post,
    styleKeywords: [],
  });
}
