import type { DistributedSettingsDto, WorkersDto } from '../../../preload/api.ts';
import { toErrorData } from '../../core/app-error.ts';
import { throughputByWorker } from '../../distributed/attempt-producer.ts';
import { loadDistributedConfig, redactedConfig, saveDistributedConfig } from '../../distributed/distributed-config.ts';
import { checkRedis } from '../../distributed/redis-check.ts';
import { createRedis } from '../../distributed/redis-connection.ts';
import { parseStoreUrl } from '../../distributed/store-url.ts';
import { createWorkStore } from '../../distributed/work-store.ts';
import { applyDistributedSettings, distributedRuntime } from '../../runtime/distributed-runtime.ts';
import type { AppServices } from '../app-services.ts';

/** Settings → Distributed and the Workers panel. URLs leave main only redacted. */
export function registerDistributedHandlers(s: AppServices): void {
  const dto = async (): Promise<DistributedSettingsDto> => {
    const rt = distributedRuntime(s);
    return {
      ...redactedConfig(await loadDistributedConfig(s.app.db, s.app.dataDir.root)),
      active: rt.coordinator !== null,
      activeError: rt.error,
      applying: rt.applying,
      pinnedByFlags: rt.pinnedByFlags,
    };
  };
  s.registry.handle('distributed.get', dto);
  s.registry.handle('distributed.save', async (arg) => {
    await saveDistributedConfig(s.app.db, s.app.dataDir.root, arg);
    // Applied live; remote work in flight may take a while to finish, so the answer does not
    // wait for it: `applying` says what is happening until distributed.get shows it settled.
    const applied = applyDistributedSettings(s).catch(() => undefined);
    await Promise.race([applied, new Promise((r) => setTimeout(r, 1500))]);
    return dto();
  });
  s.registry.handle('distributed.check', async () => {
    const cfg = await loadDistributedConfig(s.app.db, s.app.dataDir.root);
    const out = { redis: { ok: false, message: 'no Redis URL saved' }, store: { ok: false, message: 'no store URL saved' } };
    if (cfg.redisUrl) {
      const r = createRedis(cfg.redisUrl, { connectTimeout: 5000, retryStrategy: () => null });
      try {
        const c = await checkRedis(r);
        out.redis = { ok: true, message: `Redis ${c.version}, maxmemory-policy ${c.maxmemoryPolicy}, AOF ${c.aof ? 'on' : 'off (a restart loses queued jobs)'}` };
      } catch (err) {
        out.redis = { ok: false, message: toErrorData(err).message };
      } finally {
        r.disconnect();
      }
    }
    if (cfg.storeUrl) {
      try {
        const st = createWorkStore(parseStoreUrl(cfg.storeUrl));
        try {
          await st.check();
          out.store = { ok: true, message: `bucket ${st.config.bucket} reachable` };
        } finally {
          st.close();
        }
      } catch (err) {
        out.store = { ok: false, message: toErrorData(err).message };
      }
    }
    return out;
  });
  s.registry.handle('workers.list', async (): Promise<WorkersDto> => {
    const rt = distributedRuntime(s);
    const throughput = throughputByWorker(s.app.db);
    if (!rt.coordinator) return { active: false, error: rt.error, workers: [], jobs: {}, throughput };
    try {
      const [ads, jobs] = await Promise.all([rt.coordinator.workers(), rt.coordinator.hub.counts()]);
      return {
        active: true,
        error: null,
        jobs,
        throughput,
        workers: ads.map((w) => ({
          id: w.id,
          host: w.host,
          provider: w.provider,
          gpu: w.gpu,
          gpuMemoryMb: w.gpuMemoryMb,
          packs: w.packs,
          variants: (w.variants ?? []).map((v) => ({ packId: v.packId, hash: v.hash, loras: v.loras.map((l) => ({ name: l.name, scale: l.scale })) })),
          clipPacks: w.clipPacks ?? [],
          currentJob: w.currentJob ? { batchId: w.currentJob.batchId, rowIndex: w.currentJob.rowIndex, since: new Date(w.currentJob.since).toISOString() } : null,
          imagesPerMin: w.imagesPerMin,
          completed: w.completed,
          failed: w.failed,
          lastHeartbeat: new Date(w.lastHeartbeat).toISOString(),
          version: w.version,
          local: w.local,
        })),
      };
    } catch (err) {
      return { active: true, error: toErrorData(err).message, workers: [], jobs: {}, throughput };
    }
  });
}
