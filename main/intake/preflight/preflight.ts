import type { Embedder } from '../../inference/embedder.ts';
import { mentions, STYLE_ATTRIBUTES, type StyleAttribute } from '../template/style-terms.ts';
import { calibrate, cosine, toConfidence, type PreflightCalibration } from './calibration.ts';
import { SPELLING_VARIANTS, type PreflightStyle } from './preflight-style.ts';

export interface MissingAttribute {
  attribute: StyleAttribute;
  /** Profile keywords of this attribute the prompt lacks, most effective first. */
  expected: string[];
  why: string;
}

export interface DeltaReport {
  row: number;
  prompt: string;
  confidence: number;
  missing: MissingAttribute[];
  /** The prompt plus the most effective missing keywords. */
  suggestion: string;
  suggestedConfidence: number;
  /** suggestedConfidence − confidence, measured by re-scoring the suggestion. */
  expectedGain: number;
}

export interface PreflightRow {
  row: number;
  prompt: string;
  similarity: number;
  confidence: number;
  low: boolean;
  /** Held for the user (low confidence and the batch says 'hold'). */
  held: boolean;
  delta: DeltaReport | null;
}

export interface PreflightResult {
  available: boolean;
  /** Why pre-flight could not run (no CLIP pack, empty profile …). */
  reason: string | null;
  threshold: number;
  calibration: PreflightCalibration | null;
  rows: PreflightRow[];
}

export interface PreflightOptions {
  threshold?: number;
  lowConfidence?: 'continue' | 'hold';
  /** Most keywords added to a suggestion. */
  maxAdditions?: number;
  /** Texts per embedTexts call. */
  batchSize?: number;
}

/**
 * Scores each prompt against the style before any GPU time is spent, and for prompts below
 * the threshold explains what is missing and proposes a measured fix.
 */
export async function preflight(prompts: ReadonlyArray<{ row: number; prompt: string }>, style: PreflightStyle, embedder: Embedder | null, options: PreflightOptions = {}): Promise<PreflightResult> {
  const threshold = options.threshold ?? 0.75;
  const unavailable = (reason: string): PreflightResult => ({ available: false, reason, threshold, calibration: null, rows: [] });
  if (!embedder) return unavailable('no CLIP pack available: pre-flight skipped');
  const hasKeywords = STYLE_ATTRIBUTES.some((a) => style.keywords[a].length > 0);
  if (!hasKeywords) return unavailable('the style profile has no keywords to compare prompts with: pre-flight skipped');
  if (style.centroid && style.centroid.length !== embedder.dim) {
    return unavailable(`the profile's CLIP centroid has ${style.centroid.length} dimensions but ${embedder.modelId} gives ${embedder.dim}; rebuild the profile with this pack`);
  }

  const batchSize = options.batchSize ?? 64;
  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) out.push(...(await embedder.embedTexts(texts.slice(i, i + batchSize))));
    return out;
  };
  const { calibration, target } = await calibrate(embedder, style.centroid, style.keywords);
  const score = (e: Float32Array) => {
    const similarity = cosine(e, target);
    return { similarity, confidence: toConfidence(similarity, calibration) };
  };

  const embeddings = await embed(prompts.map((p) => p.prompt));
  const rows: PreflightRow[] = [];
  for (let i = 0; i < prompts.length; i++) {
    const p = prompts[i]!;
    const { similarity, confidence } = score(embeddings[i]!);
    const low = confidence < threshold;
    rows.push({
      row: p.row,
      prompt: p.prompt,
      similarity,
      confidence,
      low,
      held: low && options.lowConfidence === 'hold',
      delta: low ? await deltaReport(p, confidence, style, embed, score, options.maxAdditions ?? 4) : null,
    });
  }
  return { available: true, reason: null, threshold, calibration, rows };
}

async function deltaReport(
  p: { row: number; prompt: string },
  confidence: number,
  style: PreflightStyle,
  embed: (t: string[]) => Promise<Float32Array[]>,
  score: (e: Float32Array) => { confidence: number },
  maxAdditions: number,
): Promise<DeltaReport> {
  const candidates: Array<{ attribute: StyleAttribute; keyword: string }> = [];
  for (const attribute of STYLE_ATTRIBUTES) {
    for (const keyword of style.keywords[attribute]) {
      const variant = SPELLING_VARIANTS[keyword.toLowerCase()];
      if (mentions(p.prompt, keyword) || (variant && mentions(p.prompt, variant))) continue;
      candidates.push({ attribute, keyword });
    }
  }
  // Measure each missing keyword's effect by scoring the prompt with it appended.
  const withGain = (await embed(candidates.map((c) => `${p.prompt}, ${c.keyword}`))).map((e, i) => ({ ...candidates[i]!, gain: score(e).confidence - confidence }));
  const missing: MissingAttribute[] = [];
  for (const attribute of STYLE_ATTRIBUTES) {
    const mine = withGain.filter((c) => c.attribute === attribute).sort((a, b) => b.gain - a.gain);
    const all = style.keywords[attribute];
    // An attribute is missing only when the prompt names none of its keywords.
    if (mine.length === 0 || mine.length < all.length) continue;
    const best = mine[0]!;
    missing.push({
      attribute,
      expected: mine.map((c) => c.keyword),
      why: `names none of the profile's ${attribute} (${all.join(', ')}); adding '${best.keyword}' changes confidence by ${formatSigned(best.gain)}`,
    });
  }
  // Suggestion: the best keyword of each missing attribute, then other helpful ones, by gain.
  const firsts = missing.map((m) => withGain.find((c) => c.attribute === m.attribute && c.keyword === m.expected[0])!);
  const others = withGain.filter((c) => !firsts.includes(c));
  const ranked = [...firsts.sort((a, b) => b.gain - a.gain), ...others.sort((a, b) => b.gain - a.gain)];
  let additions = ranked.filter((c) => c.gain > 0).slice(0, maxAdditions);
  if (additions.length === 0) additions = ranked.slice(0, 1);
  const suggestion = additions.length ? `${p.prompt}, ${additions.map((a) => a.keyword).join(', ')}` : p.prompt;
  const [suggestionEmbedding] = await embed([suggestion]);
  const suggestedConfidence = suggestionEmbedding ? score(suggestionEmbedding).confidence : confidence;
  return { row: p.row, prompt: p.prompt, confidence, missing, suggestion, suggestedConfidence, expectedGain: suggestedConfidence - confidence };
}

function formatSigned(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;
}
