import type { SdxlManifest } from '../../../models/manifest.ts';

export interface ImageSize {
  width: number;
  height: number;
}

/** What a model pack allows; the batch config is validated against it. */
export interface PackLimits {
  sizes: readonly ImageSize[];
  defaultSize: ImageSize;
  steps: { min: number; max: number; default: number };
  guidance: { min: number; max: number; default: number };
}

/** SDXL was trained on ~1 MP aspect buckets; other sizes degrade composition. */
export const SDXL_BUCKETS: readonly ImageSize[] = [
  { width: 1024, height: 1024 },
  { width: 1152, height: 896 },
  { width: 896, height: 1152 },
  { width: 1216, height: 832 },
  { width: 832, height: 1216 },
  { width: 1344, height: 768 },
  { width: 768, height: 1344 },
  { width: 1536, height: 640 },
  { width: 640, height: 1536 },
];

export const SDXL_LIMITS: PackLimits = {
  sizes: SDXL_BUCKETS,
  defaultSize: { width: 1024, height: 1024 },
  steps: { min: 30, max: 50, default: 30 },
  guidance: { min: 7, max: 9, default: 7.5 },
};

/**
 * Limits for a given pack. Real SDXL packs use the product ranges; a test pack (random
 * weights, tiny sizes) only allows its own manifest default size, and test or distilled
 * (Turbo-style) packs may run few steps and low guidance, so the ranges widen down to the
 * manifest defaults.
 */
export function packLimits(manifest: SdxlManifest | null | undefined): PackLimits {
  if (!manifest) return SDXL_LIMITS;
  const d = manifest.defaults;
  const small = manifest.testPack || manifest.distilled;
  const defaultSize = { width: d.width, height: d.height };
  const sizes = manifest.testPack
    ? [defaultSize]
    : SDXL_BUCKETS.some((s) => s.width === d.width && s.height === d.height)
      ? SDXL_BUCKETS
      : [defaultSize, ...SDXL_BUCKETS];
  return {
    sizes,
    defaultSize,
    steps: small ? { min: 1, max: Math.max(50, d.steps), default: d.steps } : { min: Math.min(30, d.steps), max: Math.max(50, d.steps), default: d.steps },
    guidance: small
      ? { min: 0, max: Math.max(9, d.guidance), default: d.guidance }
      : { min: Math.min(7, d.guidance), max: Math.max(9, d.guidance), default: d.guidance },
  };
}

export function formatSize(s: ImageSize): string {
  return `${s.width}x${s.height}`;
}

export function isAllowedSize(limits: PackLimits, s: ImageSize): boolean {
  return limits.sizes.some((a) => a.width === s.width && a.height === s.height);
}
