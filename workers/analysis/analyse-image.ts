import type { RgbImage } from '../image/rgb-image.ts';
import { DEFAULT_ANALYSIS_SIDE, toAnalysisSize } from './analysis-size.ts';
import { gradientPass } from './gradients.ts';
import { binsToLab, DEFAULT_PALETTE_SIZE, paletteFromSamples } from './palette.ts';
import { pixelStats, type PixelStats } from './pixel-stats.ts';
import { symmetry } from './symmetry.ts';
import type { ArtifactMetrics, ImageAnalysis, LightingMetrics } from './types.ts';

export interface AnalyseOptions {
  /** Palette size (k-means k), default 6. */
  k?: number;
  /** Longest side metrics are computed at (default 512, never enlarged). */
  analysisSide?: number;
}

/** Every non-CLIP metric of one image. Pure: RgbImage in, plain data out. */
export function analyseImage(image: RgbImage, options: AnalyseOptions = {}): ImageAnalysis {
  const small = toAnalysisSize(image, options.analysisSide ?? DEFAULT_ANALYSIS_SIDE);
  const stats = pixelStats(small);
  const samples = binsToLab(stats);
  const palette = paletteFromSamples(samples, options.k ?? DEFAULT_PALETTE_SIZE);
  const grad = gradientPass(stats.luma, small.width, small.height);
  const sym = symmetry(stats.luma, small.width, small.height);
  return {
    width: image.width,
    height: image.height,
    analysisWidth: small.width,
    analysisHeight: small.height,
    palette,
    colour: { flatness: stats.flatness, meanLab: meanLab(samples.lab, samples.weight) },
    lighting: lighting(stats),
    composition: { ...sym, ...grad.composition },
    texture: grad.texture,
    artifacts: artifacts(stats, grad.texture.edgeDensity),
  };
}

function lighting(s: PixelStats): LightingMetrics {
  const key = s.meanLuma < 0.35 ? 'low' : s.meanLuma > 0.65 ? 'high' : 'mid';
  // ±0.04 of (R−B)/255 is within the white-balance noise of an ordinary neutral photo.
  const temperatureLabel = s.warmth > 0.04 ? 'warm' : s.warmth < -0.04 ? 'cool' : 'neutral';
  return {
    meanLuminance: s.meanLuma,
    contrast: s.lumaStd,
    key,
    temperature: s.warmth,
    temperatureLabel,
    saturation: s.meanSaturation,
  };
}

function artifacts(s: PixelStats, edgeDensity: number): ArtifactMetrics {
  return {
    // ≤ 1.5 levels of spread per channel: a solid fill, maybe with dither or JPEG noise.
    blank: s.maxChannelStd <= 1.5,
    // A wash: next to no tonal variation and no edges (2 % luma RMS, < 0.5 % edge pixels).
    nearUniform: s.lumaStd < 0.02 && edgeDensity < 0.005,
    clippedShadows: s.clippedShadows,
    clippedHighlights: s.clippedHighlights,
    clippedShare: s.clippedShadows + s.clippedHighlights,
  };
}

function meanLab(lab: Float64Array, weight: Float64Array): [number, number, number] {
  let L = 0, A = 0, B = 0;
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i] ?? 0;
    L += (lab[i * 3] ?? 0) * w; A += (lab[i * 3 + 1] ?? 0) * w; B += (lab[i * 3 + 2] ?? 0) * w;
  }
  return [L, A, B];
}
