/**
 * Score calibration: raw measurements become scores on the product's fixed scales, so that
 * the same thresholds (CLIP ≥ 0.85, colour ≤ 15, edge ≥ 0.80) mean the same thing for a tight
 * brand and a loose one.
 *
 * Similarities (CLIP cosine, raw edge similarity) use three anchors, piecewise linear:
 *   raw = 1        → 1.0  (the image is the reference)
 *   raw = typical  → 0.9  (as similar as on-brand images typically are: passes with margin)
 *   raw = floor    → 0.0  (as similar as unrelated images typically are)
 * `typical` is the references' own leave-one-out consistency, but never stricter than the
 * prior: references that happen to be near-duplicates must not make every new image fail.
 */
export interface SimilarityPrior {
  /** Typical raw similarity of an on-brand image to the profile when we cannot measure it. */
  typical: number;
  /** Typical raw similarity of an unrelated image. */
  floor: number;
}

/** ViT-L/14 image–image cosine: same-style pairs ≈ 0.75–0.9, unrelated photos ≈ 0.4–0.5. */
export const CLIP_PRIOR: SimilarityPrior = { typical: 0.8, floor: 0.45 };
/** Raw edge similarity (compare.ts): a JPEG re-save ≈ 0.99, a σ=3 blur ≈ 0.7–0.85. */
export const EDGE_PRIOR: SimilarityPrior = { typical: 0.92, floor: 0.5 };
/** The calibrated score a typical on-brand image gets. */
export const TYPICAL_SCORE = 0.9;

export function calibrateSimilarity(raw: number, measuredTypical: number | null, prior: SimilarityPrior): number {
  const typical = Math.min(measuredTypical ?? prior.typical, prior.typical);
  const floor = Math.min(prior.floor, typical - 0.2);
  let s: number;
  if (raw >= typical) s = TYPICAL_SCORE + ((1 - TYPICAL_SCORE) * (raw - typical)) / Math.max(1e-9, 1 - typical);
  else s = (TYPICAL_SCORE * (raw - floor)) / Math.max(1e-9, typical - floor);
  return Math.max(0, Math.min(1, s));
}

/**
 * Colour distance (ΔE2000 scale, 0–100) is scaled, not shifted, so 0 stays 0: when the
 * references themselves sit further apart than COLOUR_TYPICAL, distances are shrunk so that
 * the references' typical distance maps to COLOUR_TYPICAL (passes the ≤ 15 target). Tight
 * references leave the raw ΔE unchanged (never stricter than ΔE itself).
 */
export const COLOUR_TYPICAL = 10;

export function calibrateColourDistance(raw: number, measuredTypical: number | null): number {
  const typical = measuredTypical ?? 0;
  const scale = typical > COLOUR_TYPICAL ? COLOUR_TYPICAL / typical : 1;
  return Math.max(0, Math.min(100, raw * scale));
}
