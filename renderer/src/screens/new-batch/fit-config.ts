import type { FieldBounds, PackLimitsDto } from '../../../../preload/api.ts';
import type { FormConfig } from '../../store/new-batch.ts';

/**
 * Moves a config into what the pack allows: a size it supports, steps/guidance in its range,
 * one of its samplers. Values already allowed are kept (the user's choice wins).
 */
export function fitConfig(c: FormConfig, packId: string, l: PackLimitsDto): FormConfig {
  const sizeOk = l.sizes.some((s) => s.width === c.width && s.height === c.height);
  return {
    ...c,
    packId,
    ...(sizeOk ? {} : { width: l.defaultSize.width, height: l.defaultSize.height }),
    steps: c.steps >= l.steps.min && c.steps <= l.steps.max ? c.steps : l.steps.default,
    guidance: c.guidance >= l.guidance.min && c.guidance <= l.guidance.max ? c.guidance : l.guidance.default,
    sampler: l.samplers.includes(c.sampler) ? c.sampler : (l.samplers[0] ?? c.sampler),
  };
}

/** The tighter of the contract's bounds and the pack's range. */
export function range(bounds: FieldBounds | undefined, pack?: { min: number; max: number }): { min: number | undefined; max: number | undefined } {
  const lo = [bounds?.min, pack?.min].filter((v): v is number => typeof v === 'number');
  const hi = [bounds?.max, pack?.max].filter((v): v is number => typeof v === 'number');
  return { min: lo.length ? Math.max(...lo) : undefined, max: hi.length ? Math.min(...hi) : undefined };
}

export function outside(v: number, r: { min: number | undefined; max: number | undefined }, int: boolean): boolean {
  return !Number.isFinite(v) || (r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max) || (int && !Number.isInteger(v));
}
