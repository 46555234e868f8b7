import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppError } from '../core/app-error.ts';
import { createSdxlClient, type SdxlClient } from '../inference/sdxl-client.ts';
import type { WorkerPool } from '../inference/worker-pool.ts';
import { subscribeControl } from './job-cancel.ts';
import { createProcessor } from './job-processor.ts';
import { BULL_PREFIX, QUEUES_KEY, type GenerateJobData, type QueueVariant } from './job-types.ts';
import { variantLoraKey, type ClipPackIdentity, type PackIdentity } from './pack-identity.ts';
import type { VariantProvider } from './worker-variants.ts';
import { createWorkerValidator } from './worker-validator.ts';
import { HEARTBEAT_MS, publishWorker, RateWindow, retractWorker, type WorkerAd } from './worker-registry.ts';
import type { WorkStore } from './work-store.ts';

export interface WorkerRuntimeOptions {
  redis: Redis;
  store: WorkStore;
  pool: WorkerPool;
  packs: PackIdentity[];
  /** CLIP packs held: jobs whose coordinator has the same one (id and content) are embedded and scored here. */
  clipPacks?: ClipPackIdentity[];
  /** Bakes or finds LoRA variants of held packs; without it, LoRA variant queues are not taken. */
  variants?: VariantProvider;
  provider: string;
  gpu: { name: string | null; memoryMb: number | null };
  version: string;
  /** Jobs at once; the default 1 keeps one image on the GPU at a time. */
  concurrency?: number;
  /** BullMQ lock: a killed worker's job is re-delivered this long after its last renewal. */
  lockMs?: number;
  simulateGpuMs?: number;
  /** The coordinator's own in-process worker. */
  local?: boolean;
  id?: string;
  /** How often the worker looks for new pack-variant queues. */
  discoverMs?: number;
  log?: (line: string) => void;
}

export interface WorkerRuntime {
  readonly id: string;
  ad(): WorkerAd;
  /** Queues this worker consumes (only variants of packs it holds). */
  queues(): string[];
  stop(): Promise<void>;
}

/** After a variant could not be made (LoRA missing everywhere, bake refused), try again this much later. */
const VARIANT_RETRY_MS = 60_000;

/**
 * A generation worker: finds the coordinator's pack-variant queues in Redis, consumes only
 * those whose base pack (id and content hash) it holds, and advertises itself with a heartbeat.
 * A LoRA variant (base pack + LoRA content hashes + scales) is taken once this worker has baked
 * it (or found it in its variant cache); until then its jobs wait for a worker that has.
 */
export async function startWorkerRuntime(o: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const id = o.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const clients = new Map<string, SdxlClient>();
  const clientKey = (hash: string, loraKey: string): string => `${hash}|${loraKey}`;
  for (const p of o.packs) clients.set(clientKey(p.hash, ''), await createSdxlClient(o.pool, p.dir));
  let variantsHeld: NonNullable<WorkerAd['variants']> = [];
  /** Variant folder and queue per client key, to notice a variant evicted from the cache. */
  const variantDirs = new Map<string, { dir: string; queue: string }>();
  const variantTries = new Map<string, { at: number; busy: boolean }>();
  const workers = new Map<string, Worker<GenerateJobData>>();
  const rate = new RateWindow();
  let completed = 0;
  let failed = 0;
  const current = new Map<string, WorkerAd['currentJob']>();
  const startedAt = Date.now();
  let stopped = false;
  const log = o.log ?? (() => undefined);
  const lockMs = o.lockMs ?? 30_000;

  const ad = (): WorkerAd => ({
    id,
    host: hostname(),
    pid: process.pid,
    version: o.version,
    provider: o.provider,
    gpu: o.gpu.name,
    gpuMemoryMb: o.gpu.memoryMb,
    packs: o.packs.map((p) => ({ packId: p.packId, hash: p.hash, version: p.version })),
    variants: [...variantsHeld],
    clipPacks: (o.clipPacks ?? []).map((p) => ({ packId: p.packId, hash: p.hash })),
    currentJob: [...current.values()][0] ?? null,
    imagesPerMin: rate.perMinute(),
    completed,
    failed,
    startedAt,
    lastHeartbeat: Date.now(),
    local: o.local === true,
    concurrency: o.concurrency ?? 1,
  });

  const processor = createProcessor({
    workerId: id,
    provider: o.provider,
    gpu: o.gpu.name,
    redis: o.redis,
    store: o.store,
    clientFor: (hash, loraKey) => {
      const k = clientKey(hash, loraKey);
      const v = variantDirs.get(k);
      if (v && !existsSync(join(v.dir, 'manifest.json'))) {
        // Evicted from the variant cache (size limit) while we served it: stop taking its jobs and
        // bake it again at the next discovery. This job goes back as transient, to any worker.
        dropVariant(k, v.queue);
        throw new AppError('Unavailable', `variant ${loraKey} of ${hash} was evicted from this worker's LoRA variant cache; baking it again`);
      }
      return clients.get(k);
    },
    ...(o.clipPacks?.length ? { validator: createWorkerValidator({ store: o.store, pool: o.pool, packs: o.clipPacks }) } : {}),
    simulateGpuMs: o.simulateGpuMs ?? 0,
    onStart: (job: Job<GenerateJobData>) => {
      current.set(job.id ?? '', { jobId: job.id ?? '', batchId: job.data.batchId, rowIndex: job.data.rowIndex, since: Date.now() });
      void beat();
    },
    onEnd: (job, ok) => {
      current.delete(job.id ?? '');
      if (ok) {
        completed++;
        rate.add();
      } else failed++;
    },
  });

  const held = new Set(o.packs.map((p) => `${p.packId}|${p.hash}`));
  const discover = async (): Promise<void> => {
    const all = await o.redis.hgetall(QUEUES_KEY);
    for (const raw of Object.values(all)) {
      let v: QueueVariant;
      try {
        v = JSON.parse(raw) as QueueVariant;
      } catch {
        continue;
      }
      if (workers.has(v.name) || !held.has(`${v.packId}|${v.packHash}`)) continue;
      if (stopped) return;
      if (v.loraKey !== '') {
        // Baked in the background (minutes for a real SDXL pack); the queue is consumed once ready.
        void prepareVariant(v);
        continue;
      }
      consume(v);
    }
  };

  const prepareVariant = async (v: QueueVariant): Promise<void> => {
    const base = o.packs.find((p) => p.packId === v.packId && p.hash === v.packHash);
    const loras = v.loras ?? [];
    const t = variantTries.get(v.name);
    if (!base || !o.variants || loras.length === 0 || t?.busy || (t && Date.now() - t.at < VARIANT_RETRY_MS)) return;
    if (variantLoraKey(loras) !== v.loraKey) return log(`queue ${v.name}: its LoRA list does not match its key; not taken`);
    variantTries.set(v.name, { at: Date.now(), busy: true });
    try {
      log(`preparing ${v.packId} + ${loras.map((l) => `${l.name} ×${l.scale}`).join(', ')} for ${v.name}`);
      const dir = await o.variants(base, loras);
      if (stopped) return;
      clients.set(clientKey(v.packHash, v.loraKey), await createSdxlClient(o.pool, dir));
      variantDirs.set(clientKey(v.packHash, v.loraKey), { dir, queue: v.name });
      variantsHeld.push({ packId: v.packId, hash: v.packHash, loraKey: v.loraKey, loras: loras.map((l) => ({ name: l.name, sha256: l.sha256, scale: l.scale })) });
      consume(v);
      void beat();
    } catch (err) {
      log(`queue ${v.name}: cannot make the variant: ${(err as Error).message} (retrying in ${VARIANT_RETRY_MS / 1000} s)`);
    } finally {
      const tt = variantTries.get(v.name);
      if (tt) tt.busy = false;
    }
  };

  const dropVariant = (k: string, queue: string): void => {
    const c = clients.get(k);
    clients.delete(k);
    variantDirs.delete(k);
    variantTries.delete(queue);
    variantsHeld = variantsHeld.filter((x) => clientKey(x.hash, x.loraKey) !== k);
    const w = workers.get(queue);
    workers.delete(queue);
    // Not awaited: close() waits for the job in hand, which is the one noticing the eviction.
    void w?.close().catch(() => undefined);
    void c?.unload().catch(() => undefined);
    log(`queue ${queue}: variant gone from the cache; no longer taking its jobs until it is baked again`);
  };

  const consume = (v: QueueVariant): void => {
    if (workers.has(v.name) || stopped) return;
    const w = new Worker<GenerateJobData>(v.name, processor, {
      connection: o.redis,
      prefix: BULL_PREFIX,
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      maxStalledCount: 5,
      // Finished jobs stay until the coordinator has read and verified them, then it removes them.
      removeOnComplete: { count: 100_000 },
      removeOnFail: { count: 100_000 },
    });
    w.on('error', (err) => log(`queue ${v.name}: ${err.message}`));
    workers.set(v.name, w);
    log(`taking jobs from ${v.name}`);
  };

  const beat = async (): Promise<void> => {
    if (!stopped) await publishWorker(o.redis, ad()).catch(() => undefined);
  };
  await beat();
  await discover().catch((e: unknown) => log(`queue discovery: ${(e as Error).message}`));
  const discoverTimer = setInterval(() => void discover().catch(() => undefined), o.discoverMs ?? 1000);
  // Event-driven: a new queue is looked at when announced, a pause/cancel stops the job at once.
  const unsubscribe = subscribeControl(o.redis, {
    cancel: (queue, jobId) => void workers.get(queue)?.cancelJob(jobId, 'cancelled by the coordinator'),
    queues: () => void discover().catch(() => undefined),
  });
  const beatTimer = setInterval(() => void beat(), HEARTBEAT_MS);

  return {
    id,
    ad,
    queues: () => [...workers.keys()],
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(discoverTimer);
      clearInterval(beatTimer);
      await Promise.all([...workers.values()].map((w) => w.close()));
      await retractWorker(o.redis, id).catch(() => undefined);
      for (const c of clients.values()) await c.unload().catch(() => undefined);
    },
  };
}
