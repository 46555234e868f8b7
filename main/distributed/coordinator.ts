import type { Database } from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type { WorkerPool } from '../inference/worker-pool.ts';
import type { PipelineConfig } from '../pipeline/config.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import { getTask } from '../pipeline/ledger-api.ts';
import { FINAL_STATES } from '../pipeline/state-machine.ts';
import type { StageResolver } from '../pipeline/stages.ts';
import type { BatchRecord } from '../pipeline/types.ts';
import { CoordinatorHub } from './coordinator-hub.ts';
import { InFlightCap } from './in-flight-cap.ts';
import { distributedStages, type DistributedStageOptions } from './distributed-stages.ts';
import { jobIdFor } from './job-types.ts';
import { clipPackIdentity, packIdentity } from './pack-identity.ts';
import { dataFolderVariants } from './worker-variants.ts';
import type { DataDir } from '../core/data-dir.ts';
import { checkRedis, type RedisCheck } from './redis-check.ts';
import { createRedis } from './redis-connection.ts';
import { parseStoreUrl } from './store-url.ts';
import { startWorkerRuntime, type WorkerRuntime } from './worker-runtime.ts';
import { listWorkers, type WorkerAd } from './worker-registry.ts';
import { createWorkStore } from './work-store.ts';

export interface CoordinatorOptions {
  redisUrl: string;
  storeUrl: string;
  db: Database;
  /** Generate here as well: an in-process worker over the app's own pool and packs. */
  local?: {
    pool: WorkerPool;
    /** BASE pack folders: LoRA variants are baked from them into dataDir's variant cache. */
    packDirs: string[];
    provider: string;
    /** The coordinator's CLIP pack: the local worker then embeds and scores like a remote one. */
    clipPackDirs?: string[];
    /** Data folder (LoRA registry + variant cache): without it the local worker takes no LoRA variants. */
    dataDir?: DataDir;
  } | null;
  /** Claimed attempts in flight at once (jobs queued for workers). */
  maxInFlight?: number;
  pollMs?: number;
  version?: string;
  log?: (line: string) => void;
}

export interface Coordinator {
  readonly hub: CoordinatorHub;
  readonly redis: Redis;
  readonly check: RedisCheck;
  readonly local: WorkerRuntime | null;
  /** Claimed attempts kept in flight: follows the live workers' job slots. */
  readonly cap: InFlightCap;
  /** Engine settings for a coordinator: enough generation loops to keep every worker busy, capped live by `cap`. */
  readonly engineConfig: Partial<PipelineConfig>;
  /** packDirFor (or options.packDirFor) gives the batch's BASE pack: LoRA variants are baked by the workers. */
  wrap(inner: StageResolver, packDirFor: DistributedStageOptions | ((batch: BatchRecord) => string)): StageResolver;
  /** Cleans up a task's jobs and work objects once it is final. Returns the unsubscribe. */
  attach(engine: PipelineEngine): () => void;
  workers(): Promise<WorkerAd[]>;
  stop(): Promise<void>;
}

/**
 * The coordinator role: today's engine plus Redis and the object store. Checks Redis (version,
 * noeviction) and the store before anything is queued, reconciles leftover jobs with the ledger,
 * and optionally runs a local worker so this machine's GPU takes jobs too.
 */
export async function startCoordinator(o: CoordinatorOptions): Promise<Coordinator> {
  const store = createWorkStore(parseStoreUrl(o.storeUrl));
  const redis = createRedis(o.redisUrl, { lazyConnect: false });
  try {
    const check = await checkRedis(redis);
    await store.check();
    const hub = new CoordinatorHub(redis, store, o.db, o.pollMs ? { pollMs: o.pollMs } : {});
    const r = await hub.reconcile();
    if (r.removed + r.kept > 0) o.log?.(`reconciled ${r.removed + r.kept} jobs left in Redis: ${r.removed} removed (task finished), ${r.kept} kept for adoption`);
    let local: WorkerRuntime | null = null;
    const cleanups = new Set<Promise<unknown>>();
    if (o.local && o.local.packDirs.length > 0) {
      const packs = await Promise.all(o.local.packDirs.map((d) => packIdentity(d)));
      const clipPacks = await Promise.all((o.local.clipPackDirs ?? []).map((d) => clipPackIdentity(d)));
      local = await startWorkerRuntime({
        redis,
        store,
        pool: o.local.pool,
        packs,
        clipPacks,
        ...(o.local.dataDir ? { variants: dataFolderVariants({ db: o.db, dataDir: o.local.dataDir, store, ...(o.log ? { log: o.log } : {}) }) } : {}),
        provider: o.local.provider,
        gpu: { name: null, memoryMb: null },
        version: o.version ?? 'dev',
        local: true,
        ...(o.log ? { log: o.log } : {}),
      });
    }
    const cap = new InFlightCap(redis, o.maxInFlight ?? 32);
    await cap.refresh().catch(() => undefined);
    cap.start();
    return {
      hub,
      redis,
      check,
      local,
      cap,
      engineConfig: { generateConcurrency: cap.max, generateSlots: () => cap.value, validateQueueSize: 16 },
      wrap: (inner, packDirFor) => distributedStages(inner, hub, packDirFor),
      attach(engine) {
        // More workers (or fewer) joined: claim up to the new cap now, not at the next idle poll.
        const offCap = cap.onChange(() => engine.poke());
        const offState = engine.on('task-state', (e) => {
          if (!(FINAL_STATES as readonly string[]).includes(e.to)) return;
          const t = getTask(o.db, e.taskId);
          if (!t) return;
          const n = (o.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE task_id = ?').get(t.id) as { n: number }).n;
          const ids = Array.from({ length: n }, (_, i) => jobIdFor(t.taskKey, i + 1));
          const p = hub.cleanupTask(t.id, ids).catch((err: unknown) => o.log?.(`cleanup of ${t.id}: ${(err as Error).message}`));
          cleanups.add(p);
          void p.finally(() => cleanups.delete(p));
        });
        return () => {
          offCap();
          offState();
        };
      },
      workers: () => listWorkers(redis),
      async stop() {
        cap.stop();
        await Promise.all([...cleanups]);
        await local?.stop();
        await hub.close();
        await redis.quit().catch(() => redis.disconnect());
        store.close();
      },
    };
  } catch (err) {
    redis.disconnect();
    store.close();
    throw err;
  }
}
