import { dedupe } from './style-terms.ts';

/** Standard SDXL quality negatives; users can switch them off with qualityNegatives: false. */
export const QUALITY_NEGATIVES: readonly string[] = [
  'lowres',
  'blurry',
  'jpeg artifacts',
  'watermark',
  'signature',
  'text',
  'deformed',
  'bad anatomy',
  'cropped',
  'worst quality',
  'low quality',
];

/** Joins negative parts (comma lists), removing case-insensitive duplicates while keeping first-seen order. */
export function assembleNegativePrompt(parts: ReadonlyArray<string | readonly string[] | null | undefined>): string {
  const terms = parts.flatMap((p) => (p == null ? [] : typeof p === 'string' ? p.split(',') : [...p]));
  return dedupe(terms).join(', ');
}
