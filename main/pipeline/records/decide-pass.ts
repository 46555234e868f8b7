import type { ScoreMetric } from '../../../preload/api.ts';
import type { BatchConfig } from './batch-config.ts';
import type { StyleScores } from './style-scores.ts';

export interface MetricDecision {
  value: number | null;
  threshold: number;
  /** Met its target; null when not measured. */
  flag: boolean | null;
  lowerIsBetter: boolean;
}

export interface PassDecision {
  pass: boolean;
  /** The composite the decision is made on. */
  composite: number;
  metrics: Record<ScoreMetric, MetricDecision>;
  /** Every check by name, for the contract's `checks`. */
  checks: Record<string, boolean>;
  /** Plain-language reasons for each failed check, with the measured value and its target. */
  reasons: string[];
}

/**
 * THE pass decision. The engine decides with it, and the DTOs (review, task detail, asset
 * detail), the dashboard and the exports read the verdict it produced, so they cannot disagree.
 * A row passes when the composite style score reaches the batch's style threshold and the image
 * has the requested size and no blank/clipped artifacts. CLIP, colour and edge are flagged
 * against the batch's own targets (they explain a failure; the composite already weighs them).
 */
export function decidePass(scores: StyleScores, config: Pick<BatchConfig, 'thresholds'>): PassDecision {
  const t = config.thresholds;
  const hi = (value: number | null, threshold: number): MetricDecision => ({ value, threshold, flag: value === null ? null : value >= threshold, lowerIsBetter: false });
  const metrics: Record<ScoreMetric, MetricDecision> = {
    style: hi(scores.styleScore, t.style),
    clip: hi(scores.clipSimilarity, t.clip),
    colour: { value: scores.colourDistance, threshold: t.colour, flag: scores.colourDistance === null ? null : scores.colourDistance <= t.colour, lowerIsBetter: true },
    edge: hi(scores.edgeSimilarity, t.edge),
  };
  const pass = metrics.style.flag === true && scores.dimensionsOk && scores.artifactsOk;
  const checks: Record<string, boolean> = { styleScore: metrics.style.flag === true, dimensions: scores.dimensionsOk, artifacts: scores.artifactsOk };
  if (metrics.clip.flag !== null) checks['clipSimilarity'] = metrics.clip.flag;
  if (metrics.colour.flag !== null) checks['colourDistance'] = metrics.colour.flag;
  if (metrics.edge.flag !== null) checks['edgeSimilarity'] = metrics.edge.flag;
  checks['overall'] = pass;
  const f = (v: number | null, d = 2) => (v === null ? '?' : v.toFixed(d));
  const reasons: string[] = [];
  if (!checks['styleScore']) reasons.push(`style score ${f(scores.styleScore, 3)} < threshold ${t.style}`);
  if (!scores.dimensionsOk) reasons.push('the image is not the requested size');
  if (!scores.artifactsOk) reasons.push('the image looks blank, near-uniform or clipped');
  if (metrics.clip.flag === false) reasons.push(`CLIP similarity ${f(scores.clipSimilarity)} < ${t.clip.toFixed(2)}: the content or rendering style differs from the references`);
  if (metrics.colour.flag === false) reasons.push(`colour distance ${f(scores.colourDistance, 1)} > ${t.colour}: the palette drifts from the references`);
  if (metrics.edge.flag === false) reasons.push(`edge similarity ${f(scores.edgeSimilarity)} < ${t.edge.toFixed(2)}: texture or level of detail differs`);
  return { pass, composite: scores.styleScore, metrics, checks, reasons };
}

/** The one-line reason a failed image went to retry or review. */
export function failureReason(d: PassDecision): string {
  return d.reasons.slice(0, d.pass ? 0 : 3).join('; ') || 'did not pass';
}
