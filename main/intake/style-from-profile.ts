import type { StyleProfile } from '../dna/style-profile.ts';
import { styleKeywords } from '../dna/style-keywords.ts';
import type { Embedder } from '../inference/embedder.ts';
import type { PreflightStyle } from './preflight/preflight-style.ts';

/**
 * Adapts a brand-DNA profile to what intake needs. The centroid is used only when it came
 * from the same CLIP model as the embedder doing pre-flight; otherwise pre-flight falls back
 * to comparing with the profile's keyword prompt (documented in calibration.ts).
 */
export function preflightStyleFromProfile(profile: StyleProfile, embedder: Embedder | null): PreflightStyle {
  const sameModel = Boolean(embedder && profile.clipModel && profile.clipModel.modelId === embedder.modelId && profile.clipModel.dim === embedder.dim);
  return { centroid: sameModel ? profile.clipCentroid : null, keywords: styleKeywords(profile) };
}
