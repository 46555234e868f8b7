import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { AutoTagging } from './tags-repo.ts';

/** Anything that can tag an image: local CLIP zero-shot (default) or Claude vision (opt-in). */
export interface Tagger {
  readonly source: AutoTagging['source'];
  tagImage(input: TaggerInput): Promise<AutoTagging>;
}

export interface TaggerInput {
  image: RgbImage;
  /** A precomputed CLIP image embedding from the same model, when the pipeline has one. */
  embedding?: { modelId: string; vector: Float32Array };
  /** Encoded image (PNG/JPEG) for taggers that send bytes over the network. */
  encoded?: { data: Buffer; mediaType: 'image/png' | 'image/jpeg' };
}
