import { deltaE2000 } from './delta-e.ts';
import type { PaletteColour, TextureMetrics } from './types.ts';

/**
 * Palette distance, 0–100: symmetric weighted nearest-colour CIEDE2000 ("weighted chamfer").
 * Each colour of A is matched to its nearest colour in B, the ΔE2000 of that match is weighted
 * by the colour's share of A; the same from B to A; the two are averaged.
 * - identical palettes → 0; every colour ≈ 1 JND off → ≈ 1–2; a hue-rotated palette → 20–50;
 * - palettes are order-free and k may differ; a small accent colour counts by its weight, so
 *   an off-brand accent costs in proportion to how much of the image it covers.
 * ΔE2000 rarely exceeds 100, and the result is clamped to 100.
 */
export function paletteDistance(a: readonly PaletteColour[], b: readonly PaletteColour[]): number {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : 100;
  const one = (from: readonly PaletteColour[], to: readonly PaletteColour[]): number => {
    let sum = 0, wsum = 0;
    for (const c of from) {
      let best = Infinity;
      for (const d of to) best = Math.min(best, deltaE2000(c.lab, d.lab));
      sum += c.weight * best;
      wsum += c.weight;
    }
    return wsum > 0 ? sum / wsum : 0;
  };
  return Math.min(100, (one(a, b) + one(b, a)) / 2);
}

/** The texture part of an analysis that edge similarity compares (also a profile's centre). */
export type EdgeSignature = Pick<TextureMetrics, 'edgeDensity' | 'orientationHist' | 'magnitudeHist' | 'uniformity'>;

/** Relative weights of the edge-signature parts (sum 1). */
export const EDGE_PARTS = { magnitude: 0.35, density: 0.25, orientation: 0.25, uniformity: 0.15 } as const;

/**
 * Raw edge/texture similarity, 0–1 (1 = identical signatures):
 * - magnitude: histogram intersection of the gradient-magnitude bands (blur shifts mass to the
 *   low bands, sharpening or noise to the high ones);
 * - density: min/max ratio of edge densities (how much of the image is edge);
 * - orientation: histogram intersection of the magnitude-weighted orientation histograms
 *   (the direction structure: architecture vs foliage);
 * - uniformity: 1 − |Δ| of the spatial uniformity of edge energy (texture vs subject on ground).
 * Luma only, so a hue change barely moves it.
 */
export function edgeSimilarityRaw(a: EdgeSignature, b: EdgeSignature): number {
  const density = ratio(a.edgeDensity, b.edgeDensity);
  return (
    EDGE_PARTS.magnitude * intersection(a.magnitudeHist, b.magnitudeHist) +
    EDGE_PARTS.density * density +
    EDGE_PARTS.orientation * intersection(a.orientationHist, b.orientationHist) +
    EDGE_PARTS.uniformity * (1 - Math.min(1, Math.abs(a.uniformity - b.uniformity)))
  );
}

/**
 * Texture distance, 0–1: half stationarity, half edge statistics. A texture (brick, grass,
 * gravel) is first of all a stationary field: its edge energy is spread evenly over the frame,
 * whatever its scale or direction, while a photo has a subject and calm areas. Edge statistics
 * alone would call a brick wall "close to a portrait" (similar edge density), so the
 * stationarity gap (|Δ uniformity| / 0.3, capped at 1) carries half the weight.
 */
export function textureDistance(a: EdgeSignature, b: EdgeSignature): number {
  const stationarity = Math.min(1, Math.abs(a.uniformity - b.uniformity) / 0.3);
  return 0.5 * stationarity + 0.5 * (1 - edgeSimilarityRaw(a, b));
}

/** Mean of several signatures (a profile's texture centre). */
export function meanEdgeSignature(signatures: readonly EdgeSignature[]): EdgeSignature {
  const n = Math.max(1, signatures.length);
  const avg = (pick: (s: EdgeSignature) => number[]): number[] => {
    const first = signatures[0] ? pick(signatures[0]) : [];
    return first.map((_, i) => signatures.reduce((s, sig) => s + (pick(sig)[i] ?? 0), 0) / n);
  };
  return {
    edgeDensity: signatures.reduce((s, sig) => s + sig.edgeDensity, 0) / n,
    uniformity: signatures.reduce((s, sig) => s + sig.uniformity, 0) / n,
    orientationHist: avg((s) => s.orientationHist),
    magnitudeHist: avg((s) => s.magnitudeHist),
  };
}

function intersection(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) s += Math.min(a[i] ?? 0, b[i] ?? 0);
  return s;
}

function ratio(a: number, b: number): number {
  const hi = Math.max(a, b);
  // Two edge-free images are equally edge-free.
  return hi < 1e-4 ? 1 : Math.min(a, b) / hi;
}
