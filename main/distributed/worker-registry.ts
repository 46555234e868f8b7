import type { Redis } from 'ioredis';
import { WORKERS_KEY, workerKey } from './job-types.ts';

/** What a worker advertises; refreshed every heartbeat, gone HEARTBEAT_TTL_S after it stops. */
export interface WorkerAd {
  id: string;
  host: string;
  pid: number;
  version: string;
  provider: string;
  gpu: string | null;
  gpuMemoryMb: number | null;
  packs: { packId: string; hash: string; version: string }[];
  /** LoRA variants of those packs baked and taken (base pack + LoRA content hashes + scales). */
  variants?: { packId: string; hash: string; loraKey: string; loras: { name: string; sha256: string; scale: number }[] }[];
  /** CLIP packs: this worker embeds and scores for coordinators with the same one. */
  clipPacks?: { packId: string; hash: string }[];
  /** Job id being generated (null when idle) and its task's batch + row. */
  currentJob: { jobId: string; batchId: string; rowIndex: number; since: number } | null;
  /** Images finished in the last 60 s (a rolling window, so it is images/min). */
  imagesPerMin: number;
  completed: number;
  failed: number;
  startedAt: number;
  lastHeartbeat: number;
  /** The coordinator's own in-process worker, when it also generates. */
  local: boolean;
  /** Jobs it runs at once (absent from workers older than this field: 1). The coordinator sizes its in-flight attempts by the sum. */
  concurrency?: number;
}

export const HEARTBEAT_MS = 2000;
export const HEARTBEAT_TTL_S = 15;

export async function publishWorker(redis: Redis, ad: WorkerAd): Promise<void> {
  await redis
    .multi()
    .set(workerKey(ad.id), JSON.stringify(ad), 'EX', HEARTBEAT_TTL_S)
    .sadd(WORKERS_KEY, ad.id)
    .exec();
}

export async function retractWorker(redis: Redis, id: string): Promise<void> {
  await redis.multi().del(workerKey(id)).srem(WORKERS_KEY, id).exec();
}

/** Every live worker; ids whose heartbeat key expired are pruned from the set. */
export async function listWorkers(redis: Redis): Promise<WorkerAd[]> {
  const ids = await redis.smembers(WORKERS_KEY);
  if (ids.length === 0) return [];
  const raw = await redis.mget(ids.map(workerKey));
  const out: WorkerAd[] = [];
  const dead: string[] = [];
  ids.forEach((id, i) => {
    const r = raw[i];
    if (!r) {
      dead.push(id);
      return;
    }
    try {
      out.push(JSON.parse(r) as WorkerAd);
    } catch {
      dead.push(id);
    }
  });
  if (dead.length > 0) await redis.srem(WORKERS_KEY, ...dead);
  return out.sort((a, b) => a.host.localeCompare(b.host) || a.id.localeCompare(b.id));
}

/** Rolling 60-second completion window. */
export class RateWindow {
  private readonly stamps: number[] = [];
  add(at = Date.now()): void {
    this.stamps.push(at);
    this.trim(at);
  }
  perMinute(now = Date.now()): number {
    this.trim(now);
    return this.stamps.length;
  }
  private trim(now: number): void {
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) < now - 60_000) this.stamps.shift();
  }
}
