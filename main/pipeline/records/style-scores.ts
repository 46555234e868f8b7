import { z } from 'zod';

/**
 * What the ledger stores for one scored image (attempts.scores): the raw measurements, typed.
 * The verdict is never stored next to them: decidePass(scores, config) derives it from these
 * values and the batch's thresholds, so every reader reaches the same answer.
 */
export const StyleScoresSchema = z.object({
  /** Composite style score 0–1; the pass decision is made on it. */
  styleScore: z.number(),
  /** Calibrated CLIP similarity 0–1; null when no CLIP pack/centroid was available. */
  clipSimilarity: z.number().nullable().default(null),
  /** Palette distance 0–100 (lower is better); null when the stage does not measure it. */
  colourDistance: z.number().nullable().default(null),
  edgeSimilarity: z.number().nullable().default(null),
  paramsFit: z.number().nullable().default(null),
  /** The image has the requested size. */
  dimensionsOk: z.boolean().default(true),
  /** Not blank, near-uniform or clipped. */
  artifactsOk: z.boolean().default(true),
  /** Why CLIP similarity is missing, for the review screen. */
  clipUnavailable: z.string().nullable().default(null),
});
export type StyleScores = z.output<typeof StyleScoresSchema>;
/** What a validate stage returns: only the composite is required. */
export type StyleScoresInput = z.input<typeof StyleScoresSchema>;

export function toStyleScores(input: StyleScoresInput): StyleScores {
  return StyleScoresSchema.parse(input);
}

/**
 * Reads a stored scores object, including rows written before 007 (brand DNA's full report with
 * a `pass` block and `thresholds`): those map onto the typed record; anything else is null.
 */
export function readStyleScores(raw: unknown): StyleScores | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  if (typeof r['styleScore'] !== 'number' || !Number.isFinite(r['styleScore'])) return null;
  const num = (k: string): number | null => (typeof r[k] === 'number' && Number.isFinite(r[k]) ? (r[k] as number) : null);
  const pass = r['pass'] && typeof r['pass'] === 'object' ? (r['pass'] as Record<string, unknown>) : {};
  const bool = (k: string, legacy: string): boolean => (typeof r[k] === 'boolean' ? (r[k] as boolean) : pass[legacy] !== false);
  return {
    styleScore: r['styleScore'] as number,
    clipSimilarity: num('clipSimilarity'),
    colourDistance: num('colourDistance'),
    edgeSimilarity: num('edgeSimilarity'),
    paramsFit: num('paramsFit'),
    dimensionsOk: bool('dimensionsOk', 'dimensions'),
    artifactsOk: bool('artifactsOk', 'artifacts'),
    clipUnavailable: typeof r['clipUnavailable'] === 'string' ? r['clipUnavailable'] : null,
  };
}
