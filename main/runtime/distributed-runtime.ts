import type { AppServices } from '../api/app-services.ts';
import { toErrorData } from '../core/app-error.ts';
import { startCoordinator, type Coordinator } from '../distributed/coordinator.ts';
import { loadDistributedConfig } from '../distributed/distributed-config.ts';

export interface DistributedRuntime {
  coordinator: Coordinator | null;
  /** Why distributed generation is off although it is configured (Redis down, bad noeviction…). */
  error: string | null;
}

const bySession = new WeakMap<AppServices, DistributedRuntime>();

/** What the app's Workers panel and Settings read (null before the pipeline runtime started). */
export function distributedRuntime(s: AppServices): DistributedRuntime {
  return bySession.get(s) ?? { coordinator: null, error: null };
}

/**
 * The app as coordinator: when Settings → Distributed is on (or `assetql serve --redis/--store`
 * passed URLs), connect before the engine starts. A failure is reported on the Workers panel and
 * the app keeps generating locally rather than refusing to open.
 */
export async function startDistributedRuntime(s: AppServices, overrides: { redisUrl: string; storeUrl: string } | null): Promise<DistributedRuntime> {
  const cfg = await loadDistributedConfig(s.app.db, s.app.dataDir.root);
  const redisUrl = overrides?.redisUrl ?? cfg.redisUrl;
  const storeUrl = overrides?.storeUrl ?? cfg.storeUrl;
  let rt: DistributedRuntime = { coordinator: null, error: null };
  if ((overrides || cfg.enabled) && redisUrl && storeUrl) {
    try {
      const pool = cfg.generateLocally ? await s.inference.pool() : null;
      const localPack = cfg.generateLocally ? safePackDir(s) : null;
      const coordinator = await startCoordinator({
        redisUrl,
        storeUrl,
        db: s.app.db,
        maxInFlight: cfg.maxInFlight,
        local: pool && localPack ? { pool, packDirs: [localPack], provider: pool.providers[0] ?? 'cpu', clipPackDirs: clipDirs(s), dataDir: s.app.dataDir } : null,
      });
      s.onClose(() => coordinator.stop());
      rt = { coordinator, error: null };
    } catch (err) {
      const e = toErrorData(err);
      rt = { coordinator: null, error: `${e.kind}: ${e.message}` };
    }
  }
  bySession.set(s, rt);
  return rt;
}

function safePackDir(s: AppServices): string | null {
  try {
    return s.inference.resolveSdxlPack(null).dir;
  } catch {
    return null; // no local pack: this machine only coordinates
  }
}

function clipDirs(s: AppServices): string[] {
  const clip = s.inference.clipPack();
  return clip ? [clip.dir] : [];
}
