import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../core/app-error.ts';

/**
 * One Redis URL format for coordinator and workers: redis://[user:password@]host[:port][/db],
 * rediss:// for TLS. ioredis parses it; we only validate and redact here. BullMQ needs
 * maxRetriesPerRequest: null so a command issued while Redis restarts waits for the reconnect
 * instead of failing the job loop.
 */
export function parseRedisUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('BadInput', `Redis URL "${redactUrl(url)}" is not a URL: use redis://[:password@]host:6379 or rediss:// for TLS`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new AppError('BadInput', `Redis URL must start with redis:// or rediss:// (got "${u.protocol}")`);
  }
  if (!u.hostname) throw new AppError('BadInput', 'Redis URL has no host');
  return u;
}

export function redisOptions(extra: Partial<RedisOptions> = {}): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Reconnect forever with a capped backoff: a worker that lost Redis resumes when it returns.
    retryStrategy: (times) => Math.min(200 * times, 2000),
    ...extra,
  };
}

export function createRedis(url: string, extra: Partial<RedisOptions> = {}): Redis {
  parseRedisUrl(url);
  const r = new Redis(url, redisOptions(extra));
  // Connection errors are reported by the retry loop and the checks; an unhandled 'error' event would crash.
  r.on('error', () => undefined);
  return r;
}

/** The URL with its password replaced, for logs, errors and the UI. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
