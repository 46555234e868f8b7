// First: native libraries loaded by later imports read this environment as they load.
import '../core/quiet-runtime.ts';
import type { AppContext } from '../core/app-context.ts';
import { AppError } from '../core/app-error.ts';
import { WorkerPool } from '../inference/worker-pool.ts';
import { createSdxlClient, type SdxlClient } from '../inference/sdxl-client.ts';
import { createClipEmbedder } from '../inference/clip-embedder.ts';
import type { Embedder } from '../inference/embedder.ts';
import { findInstalledPack, listInstalledPacks, type InstalledPack } from '../../models/pack-store.ts';
import { resolveProviders, type ProviderStatus, type ResolvedProviders } from '../../workers/onnx/provider-types.ts';
import { detectProvidersInWorker } from '../inference/cpu-jobs.ts';
import { loadSettings } from '../settings/app-settings.ts';

/**
 * The app's single inference runtime: one worker pool (sessions stay loaded between batches),
 * execution providers detected once per launch, and the packs the user chose in Settings.
 */
export class InferenceRuntime {
  private providerState: Promise<{ statuses: ProviderStatus[]; resolved: ResolvedProviders }> | null = null;
  private poolPromise: Promise<WorkerPool> | null = null;
  private readonly sdxlClients = new Map<string, Promise<SdxlClient>>();
  private embedderPromise: { dir: string; embedder: Promise<Embedder> } | null = null;

  constructor(private readonly app: AppContext) {}

  providers(): Promise<{ statuses: ProviderStatus[]; resolved: ResolvedProviders }> {
    this.providerState ??= detectProvidersInWorker().then(({ statuses }) => {
      const pref = loadSettings(this.app.db).executionProvider;
      return { statuses, resolved: resolveProviders(statuses, pref === 'auto' ? 'auto' : (pref as Parameters<typeof resolveProviders>[1])) };
    });
    return this.providerState;
  }

  pool(): Promise<WorkerPool> {
    this.poolPromise ??= this.providers().then(({ resolved }) => new WorkerPool({ size: 1, providers: resolved.chosen }));
    return this.poolPromise;
  }

  /** The SDXL pack folder for a batch: an explicit folder, a pack id, the default, or the only one installed. */
  resolveSdxlPack(packIdOrDir: string | null): InstalledPack {
    const packs = listInstalledPacks(this.app.db, this.app.dataDir).filter((p) => p.state === 'ok' && p.manifest?.kind === 'sdxl');
    const wanted = packIdOrDir ?? loadSettings(this.app.db).defaultPackId;
    const pack = wanted ? packs.find((p) => p.id === wanted || p.dir === wanted) : (packs.find((p) => !p.testPack) ?? packs[0]);
    if (!pack) {
      throw new AppError('ModelMissing', wanted
        ? `SDXL pack '${wanted}' is not installed: run \`assetql models download ${wanted}\` or locate it in Settings`
        : 'no SDXL pack is installed: download one (`assetql models download sdxl-base-1.0`) or create test packs in Settings → Model packs');
    }
    return pack;
  }

  async sdxl(packDir: string): Promise<SdxlClient> {
    let client = this.sdxlClients.get(packDir);
    if (!client) {
      client = this.pool().then((pool) => createSdxlClient(pool, packDir));
      client.catch(() => this.sdxlClients.delete(packDir));
      this.sdxlClients.set(packDir, client);
    }
    return client;
  }

  /** The CLIP pack chosen in Settings, else the first installed one; null when none is installed. */
  clipPack(): InstalledPack | null {
    const chosen = loadSettings(this.app.db).clipPackId;
    if (chosen) {
      const p = findInstalledPack(this.app.db, this.app.dataDir, chosen);
      if (p?.state === 'ok') return p;
    }
    return listInstalledPacks(this.app.db, this.app.dataDir).find((p) => p.state === 'ok' && p.manifest?.kind === 'clip') ?? null;
  }

  async embedder(): Promise<Embedder | null> {
    const pack = this.clipPack();
    if (!pack) return null;
    if (this.embedderPromise?.dir !== pack.dir) {
      const embedder = this.pool().then((pool) => createClipEmbedder(pool, pack.dir));
      this.embedderPromise = { dir: pack.dir, embedder };
    }
    return this.embedderPromise.embedder;
  }

  async close(): Promise<void> {
    if (this.poolPromise) await (await this.poolPromise).close();
    this.poolPromise = null;
    this.sdxlClients.clear();
    this.embedderPromise = null;
  }
}
