import { createHash } from 'node:crypto';
import type { AppServices } from '../api/app-services.ts';
import { startCoordinator, type Coordinator } from '../distributed/coordinator.ts';
import { CoordinatorSwitch, type SwitchTarget } from '../distributed/coordinator-switch.ts';
import { loadDistributedConfig } from '../distributed/distributed-config.ts';

export interface DistributedRuntime {
  coordinator: Coordinator | null;
  /** Why distributed generation is off although it is configured (Redis down, bad noeviction…). */
  error: string | null;
  /** A settings change being applied right now, in words (null when settled). */
  applying: string | null;
  /** `assetql serve --redis/--store` fixed the URLs: saved URLs apply only after a restart without them. */
  pinnedByFlags: boolean;
}

interface Entry {
  sw: CoordinatorSwitch;
  overrides: { redisUrl: string; storeUrl: string } | null;
}

const bySession = new WeakMap<AppServices, Entry>();

/** What the app's Workers panel and Settings read (all off before the pipeline runtime started). */
export function distributedRuntime(s: AppServices): DistributedRuntime {
  const e = bySession.get(s);
  if (!e) return { coordinator: null, error: null, applying: null, pinnedByFlags: false };
  const st = e.sw.state();
  return { coordinator: e.sw.current, error: st.error, applying: st.applying, pinnedByFlags: e.overrides !== null };
}

/**
 * The app as coordinator: when Settings → Distributed is on (or `assetql serve --redis/--store`
 * passed URLs), connect before the engine starts. A failure is reported on the Workers panel and
 * the app keeps generating locally rather than refusing to open. Later changes in Settings are
 * applied live through the switch (see CoordinatorSwitch for how work in flight is handled).
 */
export async function startDistributedRuntime(s: AppServices, overrides: { redisUrl: string; storeUrl: string } | null): Promise<CoordinatorSwitch> {
  const sw = new CoordinatorSwitch({ localSlots: 1 });
  bySession.set(s, { sw, overrides });
  s.onClose(() => sw.close());
  await sw.apply(await targetFor(s, overrides));
  return sw;
}

/** After Settings → Distributed was saved: applies it in the running app. Resolves once in effect. */
export async function applyDistributedSettings(s: AppServices): Promise<void> {
  const e = bySession.get(s);
  if (!e) return;
  e.sw.announce();
  await e.sw.apply(await targetFor(s, e.overrides));
}

async function targetFor(s: AppServices, overrides: { redisUrl: string; storeUrl: string } | null): Promise<SwitchTarget | null> {
  const cfg = await loadDistributedConfig(s.app.db, s.app.dataDir.root);
  const redisUrl = overrides?.redisUrl ?? cfg.redisUrl;
  const storeUrl = overrides?.storeUrl ?? cfg.storeUrl;
  if (!((overrides || cfg.enabled) && redisUrl && storeUrl)) return null;
  // Compared to skip a save that changed nothing; hashed so the secrets are not kept in another string.
  const key = createHash('sha256').update(JSON.stringify([redisUrl, storeUrl, cfg.generateLocally, cfg.maxInFlight])).digest('hex');
  return {
    key,
    start: async () => {
      const pool = cfg.generateLocally ? await s.inference.pool() : null;
      const localPack = cfg.generateLocally ? safePackDir(s) : null;
      return startCoordinator({
        redisUrl,
        storeUrl,
        db: s.app.db,
        maxInFlight: cfg.maxInFlight,
        local: pool && localPack ? { pool, packDirs: [localPack], provider: pool.providers[0] ?? 'cpu', clipPackDirs: clipDirs(s), dataDir: s.app.dataDir } : null,
      });
    },
  };
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
