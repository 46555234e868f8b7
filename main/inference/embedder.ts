import type { RgbImage } from '../../workers/image/rgb-image.ts';

/**
 * CLIP as the rest of the app sees it: L2-normalised embeddings, batched. Implemented by the
 * inference worker pool over a CLIP pack; consumers (brand DNA, pre-flight, tagging, similarity)
 * depend only on this interface so they can be tested on a tiny pack.
 */
export interface Embedder {
  /** Embedding width read from the pack manifest (768 for ViT-L/14). */
  readonly dim: number;
  /** Pack id, recorded with results so embeddings from different models are never mixed. */
  readonly modelId: string;
  embedImages(images: RgbImage[]): Promise<Float32Array[]>;
  embedTexts(texts: string[]): Promise<Float32Array[]>;
  /** CLIP's logit scale for zero-shot softmax (100 for OpenAI CLIP). */
  readonly logitScale: number;
}
