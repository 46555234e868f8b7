import type { EdgeSignature } from '../../workers/analysis/compare.ts';
import type { PaletteColour } from '../../workers/analysis/types.ts';

/**
 * Scalar style parameters taken from each reference's analysis. Ranges over the references
 * become the profile's parameters; the user can edit and lock them.
 */
export const PARAM_KEYS = [
  'meanLuminance', 'contrast', 'temperature', 'saturation', 'flatness',
  'edgeDensity', 'uniformity', 'symmetryLR', 'symmetryTB', 'thirdsEnergy',
  'massX', 'massY', 'negativeSpace',
] as const;
export type ParamKey = (typeof PARAM_KEYS)[number];
/** What a user can lock: any parameter, or the whole palette. */
export type LockKey = ParamKey | 'palette';

export interface ParamRange {
  min: number;
  max: number;
  mean: number;
  /** Mean pairwise |Δ| among the references (0 with one reference): their own consistency. */
  spread: number;
}

/**
 * How consistent the references are with each other, measured leave-one-out (each reference
 * against the profile built from the others). Scores are calibrated against these so that a
 * new image varying as much as the references vary among themselves still passes.
 * null with a single reference (nothing to compare): scores then use documented priors.
 */
export interface Calibration {
  refCount: number;
  /** Mean cosine of each reference's CLIP embedding to the centroid of the others. */
  clipTypicalCosine: number | null;
  /** Mean palette distance (ΔE2000, 0–100) of each reference to the others' merged palette. */
  colourTypicalDistance: number | null;
  /** Mean raw edge similarity of each reference to the others' edge centre. */
  edgeTypicalSimilarity: number | null;
}

export interface ReferenceInfo {
  name: string;
  sha256: string | null;
  width: number;
  height: number;
}

/** The analysed content of a profile (stored as JSON in profiles.data). */
export interface StyleProfileData {
  k: number;
  palette: PaletteColour[];
  params: Record<ParamKey, ParamRange>;
  /** Texture centre: mean edge signature of the references. */
  edge: EdgeSignature;
  /** Largest clipped-pixel share among the references (black/white backgrounds are on-brand). */
  maxClippedShare: number;
  calibration: Calibration;
  /** CLIP model the centroid came from, null when the profile was built without CLIP. */
  clipModel: { modelId: string; dim: number } | null;
  references: ReferenceInfo[];
}

export interface StyleProfile extends StyleProfileData {
  /** null for an unsaved profile built on the fly (e.g. `assetql score --profile a.png b.png`). */
  id: string | null;
  version: number;
  name: string;
  createdAt: number;
  /** L2-normalised mean of the references' CLIP embeddings, null without CLIP. */
  clipCentroid: Float32Array | null;
  locks: LockKey[];
}
