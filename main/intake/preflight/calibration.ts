import type { Embedder } from '../../inference/embedder.ts';
import { STYLE_ATTRIBUTES, type StyleKeywords } from '../template/style-terms.ts';

/**
 * Raw CLIP cosines are not confidences: text–image cosines sit around 0.15–0.35 and
 * text–text ones much higher, and both shift per model. So each profile is calibrated
 * against two reference prompts scored with the same embedder and target:
 *   low  = mean similarity of generic, style-free prompts ("a picture of an object", …)
 *   high = similarity of the profile's own keyword prompt ("teal, coral, soft lighting, …")
 * and a prompt's similarity s maps to t = (s − low)/(high − low), then through a logistic
 * confidence = 1 / (1 + e^(−k(t − ½))) with k = 2·ln 19, so a generic prompt scores 0.05,
 * the keyword prompt itself 0.95, and the default threshold 0.75 asks a prompt to get ~69%
 * of the way from generic to the pure style description.
 */
export const NEUTRAL_PROMPTS: readonly string[] = ['a picture of an object', 'a photo', 'an image of a thing', 'a simple picture'];
export const LOGISTIC_K = 2 * Math.log(19);
/**
 * Smallest anchor spread used, in cosine units. Real CLIP keeps high − low around 0.05–0.15;
 * a narrower gap (keywords that barely describe the references for this model, or a
 * random-weight test pack) would turn tiny cosine noise into 0-or-1 confidences, so the
 * high anchor is moved up to low + MIN_SPREAD and the calibration is flagged `narrow`.
 */
export const MIN_SPREAD = 0.02;

export interface PreflightCalibration {
  low: number;
  high: number;
  /** What the prompts are compared with. */
  target: 'image-centroid' | 'keyword-prompt';
  keywordPrompt: string;
  /** The measured similarity of the keyword prompt (before any widening). */
  measuredHigh: number;
  /** True when the anchors were closer than MIN_SPREAD and `high` was widened. */
  narrow: boolean;
}

export function keywordPrompt(keywords: StyleKeywords): string {
  return STYLE_ATTRIBUTES.flatMap((a) => keywords[a]).join(', ');
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export async function calibrate(embedder: Embedder, centroid: Float32Array | null, keywords: StyleKeywords): Promise<{ calibration: PreflightCalibration; target: Float32Array }> {
  const kp = keywordPrompt(keywords);
  const [kpEmbedding, ...neutral] = await embedder.embedTexts([kp, ...NEUTRAL_PROMPTS]);
  if (!kpEmbedding) throw new Error('embedder returned no embeddings');
  const target = centroid ?? kpEmbedding;
  const measuredHigh = cosine(kpEmbedding, target);
  const low = neutral.reduce((s, e) => s + cosine(e, target), 0) / neutral.length;
  const narrow = !(measuredHigh - low >= MIN_SPREAD);
  return {
    target,
    calibration: { low, high: narrow ? low + MIN_SPREAD : measuredHigh, measuredHigh, target: centroid ? 'image-centroid' : 'keyword-prompt', keywordPrompt: kp, narrow },
  };
}

export function toConfidence(similarity: number, c: PreflightCalibration): number {
  const t = (similarity - c.low) / (c.high - c.low);
  return 1 / (1 + Math.exp(-LOGISTIC_K * (t - 0.5)));
}
