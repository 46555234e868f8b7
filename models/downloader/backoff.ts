import { AppError } from '../../main/core/app-error.ts';

/** Exponential backoff with jitter: base·2^attempt, capped, ±25 % so clients don't stampede. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(raw * (0.75 + random() * 0.5));
}

/** Sleeps, but wakes with a Cancelled error as soon as the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AppError('Cancelled', 'download cancelled'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AppError('Cancelled', 'download cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
