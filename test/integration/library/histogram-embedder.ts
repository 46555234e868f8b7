import { createHash } from 'node:crypto';
import type { Embedder } from '../../../main/inference/embedder.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';

/**
 * A real, deterministic stand-in for CLIP used where no CLIP pack is available: images embed
 * as a 4×4×4 colour histogram (sqrt-damped, L2-normalised); texts embed colour words at the
 * histogram bin of that colour plus a small hashed vector for every other word. Image–text
 * cosine is therefore high exactly when the image is mostly the named colour.
 */
const LEVELS = 4;
const DIM = LEVELS ** 3;

const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 30, 30],
  orange: [240, 140, 20],
  yellow: [240, 230, 40],
  green: [40, 180, 50],
  blue: [30, 60, 220],
  purple: [130, 40, 180],
  pink: [250, 150, 200],
  brown: [120, 70, 30],
  black: [10, 10, 10],
  white: [250, 250, 250],
  grey: [128, 128, 128],
  gold: [210, 170, 40],
  teal: [20, 140, 140],
  beige: [225, 210, 170],
};

function bin(r: number, g: number, b: number): number {
  const q = (v: number): number => Math.min(LEVELS - 1, Math.floor((v * LEVELS) / 256));
  return q(r) * LEVELS * LEVELS + q(g) * LEVELS + q(b);
}

function l2(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return v.map((x) => x * inv);
}

export function histogramEmbedding(img: RgbImage): Float32Array {
  const v = new Float32Array(DIM);
  for (let i = 0; i < img.data.length; i += 3) v[bin(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!)]! += 1;
  return l2(v.map((x) => Math.sqrt(x)));
}

export function textEmbedding(text: string): Float32Array {
  const v = new Float32Array(DIM);
  for (const word of text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
    const c = COLOURS[word];
    if (c) v[bin(...c)]! += 1;
    else {
      const h = createHash('sha256').update(word).digest();
      for (let i = 0; i < DIM; i++) v[i]! += ((h[i % h.length]! / 255) - 0.5) * 0.05;
    }
  }
  return l2(v);
}

export function createHistogramEmbedder(modelId = 'test-histogram-64'): Embedder {
  return {
    dim: DIM,
    modelId,
    logitScale: 100,
    async embedImages(images) {
      return images.map(histogramEmbedding);
    },
    async embedTexts(texts) {
      return texts.map(textEmbedding);
    },
  };
}
