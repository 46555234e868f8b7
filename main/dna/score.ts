import type { Embedder } from '../inference/embedder.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { analyseInWorker } from '../inference/cpu-jobs.ts';
import { edgeSimilarityRaw, paletteDistance } from '../../workers/analysis/compare.ts';
import type { ImageAnalysis } from '../../workers/analysis/types.ts';
import { calibrateColourDistance, calibrateSimilarity, CLIP_PRIOR, EDGE_PRIOR } from './calibrate.ts';
import { PARAM_TOLERANCE, paramValues } from './param-values.ts';
import { PARAM_KEYS, type ParamKey, type StyleProfile } from './style-profile.ts';
import { cosine } from './vector-math.ts';

/**
 * Style scores of one image against a profile. Full definitions: docs/scores.md.
 *
 * - clipSimilarity 0–1 (target ≥ 0.85): cosine of the image's CLIP embedding to the profile's
 *   centroid, calibrated (calibrate.ts: 1 → 1, the references' typical cosine → 0.9,
 *   unrelated ≈ 0.45 → 0). null when no CLIP embedder/pack is available or the profile has
 *   no centroid; the composite is then re-weighted over the remaining parts.
 * - colourDistance 0–100 (target ≤ 15): symmetric weighted nearest-colour CIEDE2000 between
 *   the image palette and the profile palette, scaled down when the references themselves
 *   differ more than ΔE 10.
 * - edgeSimilarity 0–1 (target ≥ 0.80): gradient-magnitude histogram, edge density,
 *   orientation histogram and edge-energy uniformity against the references' edge centre,
 *   calibrated like CLIP.
 * - paramsFit 0–1: share of lighting/composition/texture parameters inside the profile's
 *   ranges (widened by the references' spread or a per-parameter tolerance), soft outside.
 * - styleScore 0–1 (pass ≥ 0.85): weighted mean of clip, 1 − colour/100, edge and paramsFit.
 */
export interface ScoreWeights {
  clip: number;
  colour: number;
  edge: number;
  params: number;
}

export const DEFAULT_WEIGHTS: ScoreWeights = { clip: 0.4, colour: 0.25, edge: 0.2, params: 0.15 };
export const TARGETS = { clipSimilarity: 0.85, colourDistance: 15, edgeSimilarity: 0.8, styleScore: 0.85 } as const;
/** Clipping counts as an artifact above this share, or 10 points above the references' own. */
export const CLIPPED_LIMIT = 0.25;

export interface StyleScores {
  clipSimilarity: number | null;
  /** Raw cosine to the centroid, for diagnostics. */
  clipRaw: number | null;
  /** Why clipSimilarity is null (no embedder, profile without centroid, model mismatch). */
  clipUnavailable: string | null;
  colourDistance: number;
  colourDistanceRaw: number;
  edgeSimilarity: number;
  edgeSimilarityRaw: number;
  paramsFit: number;
  /** Parameters outside the profile's (widened) ranges. */
  paramsOutOfRange: ParamKey[];
  styleScore: number;
  /** Weights actually used (re-normalised when CLIP is unavailable). */
  weights: ScoreWeights;
  dimensions: { requested: { width: number; height: number } | null; actual: { width: number; height: number }; ok: boolean };
  artifacts: { blank: boolean; nearUniform: boolean; clipped: boolean; clippedShare: number };
  pass: {
    clipSimilarity: boolean | null;
    colourDistance: boolean;
    edgeSimilarity: boolean;
    styleScore: boolean;
    dimensions: boolean;
    artifacts: boolean;
    /** style, dimensions and artifacts all pass. */
    overall: boolean;
  };
  profile: { id: string | null; version: number };
}

export interface ScoreOptions {
  embedder?: Embedder | null;
  weights?: Partial<ScoreWeights>;
  /** Requested output size; omitted → the dimension check passes. */
  requested?: { width: number; height: number };
  /** Precomputed analysis of the image (saves a pass when the caller already has it). */
  analysis?: ImageAnalysis;
  /** Precomputed CLIP embedding of the image. */
  embedding?: Float32Array;
}

export async function scoreImage(image: RgbImage & { source?: { width: number; height: number } }, profile: StyleProfile, options: ScoreOptions = {}): Promise<StyleScores> {
  const analysis = options.analysis ?? (await analyseInWorker(image, profile.k));
  let embedding = options.embedding ?? null;
  let clipUnavailable: string | null = null;
  if (!profile.clipCentroid) clipUnavailable = 'the profile was built without CLIP (no CLIP model pack)';
  else if (!embedding && !options.embedder) clipUnavailable = 'no CLIP embedder available (no CLIP model pack located)';
  else if (!embedding && options.embedder && profile.clipModel && options.embedder.modelId !== profile.clipModel.modelId) {
    clipUnavailable = `the profile was embedded with ${profile.clipModel.modelId}, not ${options.embedder.modelId}`;
  } else if (!embedding && options.embedder) {
    embedding = (await options.embedder.embedImages([image]))[0] ?? null;
  }
  const actual = image.source ? { width: image.source.width, height: image.source.height } : { width: image.width, height: image.height };
  return scoreAnalysis(analysis, clipUnavailable ? null : embedding, profile, { ...options, actual, clipUnavailable });
}

/** Pure scoring from an analysis (and embedding): what the pipeline's worker calls. */
export function scoreAnalysis(
  analysis: ImageAnalysis,
  embedding: Float32Array | null,
  profile: StyleProfile,
  options: Omit<ScoreOptions, 'analysis' | 'embedding' | 'embedder'> & { actual?: { width: number; height: number }; clipUnavailable?: string | null } = {},
): StyleScores {
  const cal = profile.calibration;
  const clipRaw = embedding && profile.clipCentroid ? cosine(embedding, profile.clipCentroid) : null;
  const clipSimilarity = clipRaw === null ? null : calibrateSimilarity(clipRaw, cal.clipTypicalCosine, CLIP_PRIOR);
  const colourDistanceRaw = paletteDistance(analysis.palette, profile.palette);
  const colourDistance = calibrateColourDistance(colourDistanceRaw, cal.colourTypicalDistance);
  const edgeRaw = edgeSimilarityRaw(analysis.texture, profile.edge);
  const edgeSimilarity = calibrateSimilarity(edgeRaw, cal.edgeTypicalSimilarity, EDGE_PRIOR);
  const { fit: paramsFit, out: paramsOutOfRange } = paramsFitOf(analysis, profile);

  const w = { ...DEFAULT_WEIGHTS, ...options.weights };
  if (clipSimilarity === null) w.clip = 0;
  const total = w.clip + w.colour + w.edge + w.params;
  const weights: ScoreWeights = total > 0
    ? { clip: w.clip / total, colour: w.colour / total, edge: w.edge / total, params: w.params / total }
    : { clip: 0, colour: 0, edge: 0, params: 0 };
  const styleScore =
    weights.clip * (clipSimilarity ?? 0) +
    weights.colour * (1 - colourDistance / 100) +
    weights.edge * edgeSimilarity +
    weights.params * paramsFit;

  const actual = options.actual ?? { width: analysis.width, height: analysis.height };
  const requested = options.requested ?? null;
  const dimensionsOk = !requested || (requested.width === actual.width && requested.height === actual.height);
  const clippedShare = analysis.artifacts.clippedShare;
  const clipped = clippedShare > Math.max(CLIPPED_LIMIT, profile.maxClippedShare + 0.1);
  const artifacts = { blank: analysis.artifacts.blank, nearUniform: analysis.artifacts.nearUniform, clipped, clippedShare };
  const artifactsOk = !artifacts.blank && !artifacts.nearUniform && !artifacts.clipped;
  const pass = {
    clipSimilarity: clipSimilarity === null ? null : clipSimilarity >= TARGETS.clipSimilarity,
    colourDistance: colourDistance <= TARGETS.colourDistance,
    edgeSimilarity: edgeSimilarity >= TARGETS.edgeSimilarity,
    styleScore: styleScore >= TARGETS.styleScore,
    dimensions: dimensionsOk,
    artifacts: artifactsOk,
    overall: false,
  };
  pass.overall = pass.styleScore && pass.dimensions && pass.artifacts;
  return {
    clipSimilarity,
    clipRaw,
    clipUnavailable: clipSimilarity === null ? (options.clipUnavailable ?? 'no CLIP embedding for this image') : null,
    colourDistance,
    colourDistanceRaw,
    edgeSimilarity,
    edgeSimilarityRaw: edgeRaw,
    paramsFit,
    paramsOutOfRange,
    styleScore,
    weights,
    dimensions: { requested, actual, ok: dimensionsOk },
    artifacts,
    pass,
    profile: { id: profile.id, version: profile.version },
  };
}

/** 1 inside [min − tol, max + tol]; falls linearly to 0 one more tolerance outside. */
function paramsFitOf(analysis: ImageAnalysis, profile: StyleProfile): { fit: number; out: ParamKey[] } {
  const values = paramValues(analysis);
  let sum = 0;
  const out: ParamKey[] = [];
  for (const key of PARAM_KEYS) {
    const r = profile.params[key];
    const tol = Math.max(r.spread, PARAM_TOLERANCE[key]);
    const v = values[key];
    const excess = Math.max(0, r.min - tol - v, v - (r.max + tol));
    const s = Math.max(0, 1 - excess / tol);
    if (s < 1) out.push(key);
    sum += s;
  }
  return { fit: sum / PARAM_KEYS.length, out };
}
