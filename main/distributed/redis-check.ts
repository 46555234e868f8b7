import type { Redis } from 'ioredis';
import { AppError } from '../core/app-error.ts';

export interface RedisCheck {
  version: string;
  maxmemoryPolicy: string;
  aof: boolean;
}

const MIN_VERSION = [6, 2, 0];

/**
 * BullMQ needs Redis ≥ 6.2 and must never have its keys evicted: with any policy other than
 * noeviction, Redis under memory pressure silently deletes jobs and locks. Checked before the
 * coordinator enqueues or a worker takes anything, with a message that says what to change.
 */
export async function checkRedis(redis: Redis, timeoutMs = 5000): Promise<RedisCheck> {
  const info = await withTimeout(redis.info(), timeoutMs, 'Redis did not answer INFO');
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const version = field('redis_version') ?? '0';
  const policy = field('maxmemory_policy') ?? (await configGet(redis, 'maxmemory-policy')) ?? 'unknown';
  const aof = field('aof_enabled') === '1';
  const v = version.split('.').map((x) => Number(x) || 0);
  if (compare(v, MIN_VERSION) < 0) {
    throw new AppError('Unavailable', `Redis ${version} is too old: BullMQ needs Redis 6.2 or newer`);
  }
  if (policy !== 'noeviction') {
    throw new AppError(
      'BadInput',
      `Redis maxmemory-policy is "${policy}": set it to noeviction (redis-cli CONFIG SET maxmemory-policy noeviction, and "maxmemory-policy noeviction" in redis.conf), otherwise Redis may delete queued jobs under memory pressure`,
    );
  }
  return { version, maxmemoryPolicy: policy, aof };
}

async function configGet(redis: Redis, key: string): Promise<string | undefined> {
  try {
    const r = (await redis.config('GET', key)) as string[];
    return r[1];
  } catch {
    return undefined; // managed Redis often forbids CONFIG; INFO is then the only source
  }
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new AppError('Unavailable', `${what} within ${ms} ms: is it running and reachable (host, port, password, TLS)?`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(new AppError('Unavailable', `${what}: ${(e as Error).message}`));
      },
    );
  });
}
