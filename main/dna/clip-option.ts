import type { Embedder } from '../inference/embedder.ts';
import { createClipEmbedder } from '../inference/clip-embedder.ts';
import { WorkerPool } from '../inference/worker-pool.ts';

/** Why CLIP scores are missing when no pack is given, shown by `dna` and `score`. */
export const NO_CLIP_REASON = 'no CLIP model pack given (--clip-pack <dir>); CLIP similarity is unavailable and the style score is re-weighted over colour, edges and parameters';

export interface ClipHandle {
  embedder: Embedder | null;
  close(): Promise<void>;
}

/**
 * Resolves `--clip-pack <dir>` to an Embedder running in a one-worker inference pool (CPU
 * here; the pool picks providers). Pack errors (missing files, bad manifest) surface as the
 * pool's AppErrors naming the pack. Always call close() so the worker thread exits.
 */
export async function embedderFromPack(packDir: string | undefined): Promise<ClipHandle> {
  if (!packDir) return { embedder: null, close: async () => {} };
  const pool = new WorkerPool({ providers: ['cpu'] });
  try {
    const embedder = await createClipEmbedder(pool, packDir);
    return { embedder, close: () => pool.close() };
  } catch (err) {
    await pool.close();
    throw err;
  }
}
