import { BatchConfigSchema, type BatchConfig } from '../../../preload/api.ts';

export { BatchConfigSchema, BatchConfigInputSchema, BATCH_LIMITS, type BatchConfig, type BatchConfigInput } from '../../../preload/api.ts';

/**
 * Maps a config saved before 007 onto BatchConfig: a bare `threshold` (tests, early CLI runs)
 * becomes thresholds.style, `model` becomes packId when none was saved, out-of-range numbers
 * are clamped into the shared limits, and unknown keys are dropped.
 */
export function upgradeLegacyConfig(raw: unknown): BatchConfig {
  const r = raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  const thresholds = r['thresholds'] && typeof r['thresholds'] === 'object' ? { ...(r['thresholds'] as Record<string, unknown>) } : {};
  if (typeof r['threshold'] === 'number' && thresholds['style'] === undefined) thresholds['style'] = r['threshold'];
  if (typeof r['packId'] !== 'string' && typeof r['model'] === 'string' && r['model']) r['packId'] = r['model'];
  r['thresholds'] = thresholds;
  const shape = BatchConfigSchema.shape;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    if (r[key] === undefined) continue;
    const one = shape[key].safeParse(clampInto(key, r[key]));
    if (one.success) out[key] = one.data;
  }
  return BatchConfigSchema.parse(out);
}

function clampInto(key: string, v: unknown): unknown {
  const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
  if (key === 'thresholds' && v && typeof v === 'object') {
    const t = { ...(v as Record<string, unknown>) };
    for (const k of ['style', 'clip', 'edge', 'preflight']) if (typeof t[k] === 'number') t[k] = clamp(t[k] as number, 0, 1);
    if (typeof t['colour'] === 'number') t['colour'] = clamp(t['colour'], 0, 100);
    return Object.fromEntries(Object.entries(t).filter(([k]) => ['style', 'clip', 'colour', 'edge', 'preflight'].includes(k)));
  }
  if (key === 'retries' && typeof v === 'number') return clamp(Math.round(v), 0, 10);
  if (key === 'concurrency' && typeof v === 'number') return clamp(Math.round(v), 1, 8);
  return v;
}

/** A stored batches.config: the typed record (legacy rows are upgraded on read as 007 does on disk). */
export function readBatchConfig(json: string): BatchConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = {};
  }
  const strict = BatchConfigSchema.safeParse(raw);
  return strict.success ? strict.data : upgradeLegacyConfig(raw);
}
