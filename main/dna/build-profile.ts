import { AppError } from '../core/app-error.ts';
import type { Embedder } from '../inference/embedder.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { analyseInWorker } from '../inference/cpu-jobs.ts';
import { edgeSimilarityRaw, meanEdgeSignature, paletteDistance } from '../../workers/analysis/compare.ts';
import { DEFAULT_PALETTE_SIZE, mergePalettes } from '../../workers/analysis/palette.ts';
import type { ImageAnalysis } from '../../workers/analysis/types.ts';
import { paramValues } from './param-values.ts';
import { PARAM_KEYS, type Calibration, type ParamKey, type ParamRange, type ReferenceInfo, type StyleProfile, type StyleProfileData } from './style-profile.ts';
import { centroid, cosine } from './vector-math.ts';

export const MAX_REFERENCES = 5;

export interface NamedImage {
  name: string;
  image: RgbImage;
  /** sha256 of the stored reference copy, when there is one. */
  sha256?: string;
}

export interface BuildOptions {
  k?: number;
  embedder?: Embedder | null;
  name?: string;
}

/** Analyses 1–5 references (and embeds them with CLIP when an embedder is given) into an unsaved profile. */
export async function buildProfile(refs: readonly NamedImage[], options: BuildOptions = {}): Promise<StyleProfile> {
  if (refs.length < 1 || refs.length > MAX_REFERENCES) {
    throw new AppError('BadInput', `a style profile needs 1–${MAX_REFERENCES} reference images, got ${refs.length}`, { count: refs.length });
  }
  const k = options.k ?? DEFAULT_PALETTE_SIZE;
  // Pixel loops run in the CPU worker, never on the main (UI) thread.
  const analyses = await Promise.all(refs.map((r) => analyseInWorker(r.image, k)));
  const embeddings = options.embedder ? await options.embedder.embedImages(refs.map((r) => r.image)) : null;
  const data = profileFromAnalyses(analyses, refs.map((r) => ({ name: r.name, sha256: r.sha256 ?? null, width: r.image.width, height: r.image.height })), embeddings, k);
  return {
    ...data,
    clipModel: options.embedder ? { modelId: options.embedder.modelId, dim: options.embedder.dim } : null,
    id: null,
    version: 0,
    name: options.name ?? 'unsaved profile',
    createdAt: Date.now(),
    clipCentroid: embeddings ? centroid(embeddings) : null,
    locks: [],
  };
}

/** Pure part: combines per-reference analyses (and optional embeddings) into profile data. */
export function profileFromAnalyses(
  analyses: readonly ImageAnalysis[],
  references: ReferenceInfo[],
  embeddings: readonly Float32Array[] | null,
  k: number,
): StyleProfileData {
  const values = analyses.map(paramValues);
  const params = Object.fromEntries(PARAM_KEYS.map((key) => [key, range(values.map((v) => v[key]))])) as Record<ParamKey, ParamRange>;
  return {
    k,
    palette: mergePalettes(analyses.map((a) => a.palette), k),
    params,
    edge: meanEdgeSignature(analyses.map((a) => a.texture)),
    maxClippedShare: Math.max(...analyses.map((a) => a.artifacts.clippedShare)),
    calibration: calibration(analyses, embeddings, k),
    clipModel: null,
    references,
  };
}

function range(xs: number[]): ParamRange {
  let spread = 0, pairs = 0;
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) { spread += Math.abs((xs[i] ?? 0) - (xs[j] ?? 0)); pairs++; }
  return {
    min: Math.min(...xs),
    max: Math.max(...xs),
    mean: xs.reduce((s, v) => s + v, 0) / xs.length,
    spread: pairs > 0 ? spread / pairs : 0,
  };
}

/** Leave-one-out consistency of the references (see Calibration). */
function calibration(analyses: readonly ImageAnalysis[], embeddings: readonly Float32Array[] | null, k: number): Calibration {
  const n = analyses.length;
  if (n < 2) return { refCount: n, clipTypicalCosine: null, colourTypicalDistance: null, edgeTypicalSimilarity: null };
  let colour = 0, edge = 0, clip = 0;
  for (let i = 0; i < n; i++) {
    const self = analyses[i];
    if (!self) continue;
    const others = analyses.filter((_, j) => j !== i);
    colour += paletteDistance(self.palette, mergePalettes(others.map((a) => a.palette), k));
    edge += edgeSimilarityRaw(self.texture, meanEdgeSignature(others.map((a) => a.texture)));
    const e = embeddings?.[i];
    const c = embeddings ? centroid(embeddings.filter((_, j) => j !== i)) : null;
    if (e && c) clip += cosine(e, c);
  }
  return {
    refCount: n,
    clipTypicalCosine: embeddings ? clip / n : null,
    colourTypicalDistance: colour / n,
    edgeTypicalSimilarity: edge / n,
  };
}
