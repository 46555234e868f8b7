import { AppError } from '../../core/app-error.ts';

export interface RetryOptions {
  maxRetries: number;
  baseMs: number;
  signal?: AbortSignal | undefined;
  onRetry?: (attempt: number, err: unknown, delayMs: number) => void;
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);
const RETRYABLE_S3 = new Set(['SlowDown', 'InternalError', 'RequestTimeout', 'ServiceUnavailable', 'RequestTimeTooSkewed', 'ThrottlingException']);

/** Network failures, 5xx, 429 and S3's throttling codes are transient; 4xx are not. */
export function isTransient(err: unknown): boolean {
  if (err instanceof AppError) return err.kind === 'Network' || err.kind === 'Unavailable' || err.kind === 'Timeout';
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; cause?: unknown };
  if (!e || typeof e !== 'object') return false;
  if (e.name === 'AbortError') return false;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.name && RETRYABLE_S3.has(e.name)) return true;
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError' || /socket hang up|ECONNRESET|network/i.test(String((e as Error).message))) return true;
  return e.cause ? isTransient(e.cause) : false;
}

/** Runs fn, retrying transient failures with exponential backoff (base, 2×base, 4×base…). */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (opts.signal?.aborted) throw new AppError('Cancelled', 'sync cancelled');
    try {
      return await fn();
    } catch (err) {
      if (opts.signal?.aborted) throw new AppError('Cancelled', 'sync cancelled');
      if (attempt >= opts.maxRetries || !isTransient(err)) throw err;
      const delay = opts.baseMs * 2 ** attempt;
      opts.onRetry?.(attempt + 1, err, delay);
      await sleep(delay, opts.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new AppError('Cancelled', 'sync cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
