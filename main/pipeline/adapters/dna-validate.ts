import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { scoreImage } from '../../dna/score.ts';
import type { StyleProfile } from '../../dna/style-profile.ts';
import type { Embedder } from '../../inference/embedder.ts';
import type { StyleScoresInput } from '../records/style-scores.ts';
import type { ValidateStage } from '../stages.ts';

export interface StyleMeasurement {
  scores: StyleScoresInput;
  /** The image's CLIP embedding when the profile has a centroid and an embedder was given. */
  embedding: Float32Array | null;
  /** Time the CLIP image encoder took (0 when it did not run). */
  embedMs: number;
}

/**
 * THE validate measurement: CLIP-embeds the image (once) and scores it against the profile with
 * brand DNA's scoreImage. The engine's validate stage and a distributed worker that holds the
 * CLIP pack both call this, so a score never depends on which machine computed it.
 */
export async function measureStyle(image: RgbImage, profile: StyleProfile, embedder: Embedder | null, requested: { width: number; height: number }): Promise<StyleMeasurement> {
  let embedding: Float32Array | undefined;
  let embedMs = 0;
  if (embedder && profile.clipCentroid) {
    const t0 = performance.now();
    embedding = (await embedder.embedImages([image]))[0];
    embedMs = performance.now() - t0;
  }
  const s = await scoreImage(image, profile, { embedder, requested, ...(embedding ? { embedding } : {}) });
  // Measurements only: decidePass flags each metric against the batch's own thresholds.
  return {
    scores: {
      styleScore: s.styleScore,
      clipSimilarity: s.clipSimilarity,
      colourDistance: s.colourDistance,
      edgeSimilarity: s.edgeSimilarity,
      paramsFit: s.paramsFit,
      dimensionsOk: s.pass.dimensions,
      artifactsOk: s.pass.artifacts,
      clipUnavailable: s.clipUnavailable,
    },
    embedding: embedding ?? null,
    embedMs,
  };
}

/**
 * The engine's validate stage over measureStyle. A measurement made elsewhere with the same CLIP
 * model (a distributed worker holding the same CLIP pack) is taken as is; its embedding is kept
 * for the library exactly like a local one, so the CLIP image encoder does not run here again.
 */
export function dnaValidate(profile: StyleProfile, embedder: Embedder | null, embeddings: WeakMap<RgbImage, Float32Array>): ValidateStage {
  return {
    async validate(image, { task, precomputed, timings }) {
      const usable = precomputed && precomputed.clipModelId === (embedder?.modelId ?? null) && (!precomputed.embedding || precomputed.embedding.length === embedder?.dim);
      if (precomputed && usable) {
        if (precomputed.embedding) embeddings.set(image, precomputed.embedding);
        return precomputed.scores;
      }
      const m = await measureStyle(image, profile, embedder, { width: task.params.width, height: task.params.height });
      if (m.embedding) embeddings.set(image, m.embedding);
      if (timings && m.embedMs > 0) timings['clipEmbed'] = m.embedMs;
      return m.scores;
    },
  };
}
