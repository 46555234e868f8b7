import type { ErrorData } from '../core/app-error.ts';
import type { GenerationParams } from './types.ts';

export type ErrorClass = 'transient' | 'fatal' | 'cancelled';

/**
 * What to do with a stage error. Worker crashes, OOM, timeouts, network and 429/5xx are worth
 * another try (with backoff, not counted as style retries); bad input, missing models and
 * missing files would fail the same way every time, so they go straight to the DLQ.
 */
export function classifyError(e: ErrorData): ErrorClass {
  switch (e.kind) {
    case 'Cancelled':
      return 'cancelled';
    case 'OutOfMemory':
    case 'Timeout':
    case 'Network':
    case 'Unavailable':
    case 'Inference':
    case 'Internal':
      return 'transient';
    case 'BadInput':
    case 'ModelMissing':
    case 'NotFound':
    case 'Conflict':
      return httpStatus(e) !== null && isRetryableStatus(httpStatus(e) ?? 0) ? 'transient' : 'fatal';
  }
}

function httpStatus(e: ErrorData): number | null {
  const s = e.detail?.['status'];
  return typeof s === 'number' ? s : null;
}

function isRetryableStatus(s: number): boolean {
  return s === 429 || (s >= 500 && s < 600);
}

/** Backoff before transient retry n (1-based): base, 2·base, 4·base… (1 s, 2 s, 4 s by default). */
export function backoffMs(n: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, n - 1);
}

/**
 * The next smaller size bucket after an out-of-memory error: each side × 0.75, kept a multiple
 * of 8 (the VAE factor) and the aspect ratio roughly kept; null when already at the floor.
 */
export function smallerBucket(p: Pick<GenerationParams, 'width' | 'height'>, minSide = 64): { width: number; height: number } | null {
  const shrink = (v: number) => Math.max(minSide, Math.floor((v * 0.75) / 8) * 8);
  const width = shrink(p.width);
  const height = shrink(p.height);
  if (width >= p.width && height >= p.height) return null;
  return { width, height };
}
