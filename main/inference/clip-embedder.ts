import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { readPack } from '../../models/read-pack.ts';
import type { Embedder } from './embedder.ts';
import type { WorkerPool } from './worker-pool.ts';

/**
 * A CLIP pack as an Embedder, running in the worker pool. Loads the sessions up front (via
 * clip.info) so `dim` comes from the model's own output metadata and load errors surface here.
 */
export async function createClipEmbedder(pool: WorkerPool, packDir: string): Promise<Embedder & { readonly testPack: boolean }> {
  await readPack(packDir, 'clip');
  const info = await pool.run({ kind: 'clip.info', packDir });
  return {
    dim: info.dim,
    modelId: info.modelId,
    logitScale: info.logitScale,
    testPack: info.testPack,
    embedTexts: (texts: string[]) => (texts.length === 0 ? Promise.resolve([]) : pool.run({ kind: 'clip.embedTexts', packDir, texts })),
    embedImages: (images: RgbImage[]) => (images.length === 0 ? Promise.resolve([]) : pool.run({ kind: 'clip.embedImages', packDir, images })),
  };
}
