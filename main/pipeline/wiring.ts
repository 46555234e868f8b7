import type { Database } from 'better-sqlite3';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { DataDir } from '../core/data-dir.ts';
import { getProfile } from '../dna/profile-repo.ts';
import { styleKeywords } from '../dna/style-keywords.ts';
import type { StyleProfile } from '../dna/style-profile.ts';
import { createClipEmbedder } from '../inference/clip-embedder.ts';
import type { Embedder } from '../inference/embedder.ts';
import { createSdxlClient, type SdxlClient } from '../inference/sdxl-client.ts';
import { packIpAdapter } from '../../models/ip-adapter/pack-ip-adapter.ts';
import type { WorkerPool } from '../inference/worker-pool.ts';
import { createClipZeroShotTagger } from '../library/clip-zero-shot-tagger.ts';
import { tagAsset } from '../library/tag-asset.ts';
import { getEmbedding, putEmbedding } from '../library/embeddings-repo.ts';
import { AppError } from '../core/app-error.ts';
import { createFileArchive } from './adapters/file-archive.ts';
import { dnaValidate } from './adapters/dna-validate.ts';
import { readProvenance, recipeFromProvenance } from '../style-weights/pack-provenance.ts';
import { createLibraryStore, createThumbnailStage } from './adapters/library-store.ts';
import { toGenerateRequest } from './generate-request.ts';
import type { BatchStages, GenerateStage, PostStage, StageResolver } from './stages.ts';
import type { BatchRecord } from './types.ts';

export interface RealStagesOptions {
  db: Database;
  dataDir: DataDir;
  pool: WorkerPool;
  /** SDXL pack folder (real or made by `assetql models create-test-pack`). */
  packDir: string;
  /** CLIP pack folder: CLIP similarity in the score, embeddings for search, zero-shot tags. */
  clipPackDir?: string | null;
  /** Ask the worker for a latent preview with every step (the UI shows it; the CLI does not). */
  previews?: boolean;
}

export interface RealStages {
  resolve: StageResolver;
  sdxl: SdxlClient;
  embedder: Embedder | null;
  /** Unloads the packs' sessions (the pool itself belongs to the caller). */
  dispose(): Promise<void>;
}

/**
 * Builds the engine's stages from the other capabilities: SDXL over the worker pool (generate),
 * brand DNA's scoreImage against the batch's profile version (validate), the library's
 * idempotent storeAsset (store), thumbnails, CLIP embeddings and zero-shot tags (post).
 */
export async function createRealStages(o: RealStagesOptions): Promise<RealStages> {
  const sdxl = await createSdxlClient(o.pool, o.packDir);
  const embedder = o.clipPackDir ? await createClipEmbedder(o.pool, o.clipPackDir) : null;
  const ctx = { db: o.db, dataDir: o.dataDir };
  // Validation embeds each image once; store and tagging reuse that vector instead of re-running CLIP.
  const embeddings = new WeakMap<RgbImage, Float32Array>();
  const tagger = embedder ? createClipZeroShotTagger(embedder) : null;
  const archive = createFileArchive(o.dataDir);
  const store = createLibraryStore(ctx, {
    weights: recipeFromProvenance(readProvenance(o.packDir)),
    embeddingFor: (image) => {
      const v = embeddings.get(image);
      return v && embedder ? { modelId: embedder.modelId, vector: v } : undefined;
    },
  });
  const post: PostStage[] = [createThumbnailStage(ctx)];
  if (embedder) {
    // Assets stored without a validation embedding (approved from review, or validated before a
    // restart) still need one for visual search: embed them here, once.
    post.push({
      name: 'embed',
      run: async ({ assetId, image }) => {
        if (getEmbedding(o.db, assetId, embedder.modelId)) return;
        const [v] = await embedder.embedImages([image]);
        if (v) putEmbedding(o.db, assetId, embedder.modelId, v);
      },
    });
  }
  if (tagger) post.push({ name: 'tag', run: async ({ assetId }) => void (await tagAsset(ctx, assetId, tagger)) });

  const resolve: StageResolver = async (batch: BatchRecord): Promise<BatchStages> => {
    if (!batch.profileId) throw new AppError('BadInput', `batch ${batch.id} has no style profile`);
    const profile = getProfile(o.db, batch.profileId, batch.profileVersion ?? undefined);
    const kw = styleKeywords(profile);
    return {
      generate: sdxlGenerate(sdxl, profile, embedder, o.previews ?? false),
      validate: dnaValidate(profile, embedder, embeddings),
      archive,
      store,
      post,
      styleKeywords: [...kw.lighting, ...kw.medium, ...kw.colours.slice(0, 2)].filter((k) => k.length > 0),
    };
  };
  return {
    resolve,
    sdxl,
    embedder,
    dispose: async () => {
      await sdxl.unload().catch(() => undefined);
    },
  };
}

function sdxlGenerate(sdxl: SdxlClient, profile: StyleProfile, embedder: Embedder | null, previews: boolean): GenerateStage {
  const c = sdxl.manifest.components;
  // IP-Adapter takes the references' image embedding; only usable when the pack carries one
  // (image_proj + the decoupled cross-attention inputs) whose projection expects exactly the
  // width of the profile's CLIP centroid.
  const centroid = profile.clipCentroid ?? null;
  const ipAdapter = Boolean(embedder && centroid && packIpAdapter(sdxl.manifest)?.embedDim === centroid.length);
  return {
    modelId: sdxl.manifest.id,
    capabilities: { ipAdapter, img2img: Boolean(c.vae_encoder) },
    async generate(req, { signal, onProgress }) {
      const p = req.params;
      const res = await sdxl.generate(
        {
          ...toGenerateRequest(req.prompt, req.negativePrompt, p, req.initImage),
          ...(ipAdapter && centroid && p.ipAdapterScale != null ? { ipAdapter: { imageEmbeds: centroid, scale: p.ipAdapterScale } } : {}),
          preview: previews,
        },
        {
          signal,
          ...(onProgress ? { onProgress: (x) => onProgress({ step: x.step, steps: x.totalSteps, ...(x.preview ? { preview: x.preview } : {}) }) } : {}),
        },
      );
      return { image: res.image, gpuMs: res.gpuMs };
    },
  };
}
