import type { Catalog } from './catalog.ts';
import { ALL_PACK_PROVIDERS, type PackManifest, type PackProvider } from './manifest.ts';
import { planGpuMemory } from './memory-plan.ts';
import { assertPackRunsOn, packProviders } from './pack-compat.ts';

export interface PackPreflightDeps {
  /** The provider generation will use (detection is only triggered when a check needs it). */
  provider: () => Promise<PackProvider>;
  /** GPU memory the system reports; undefined when unknown. */
  gpuMemory: () => Promise<number | undefined>;
  catalog?: Catalog;
}

/**
 * Checks before a batch spends anything: refuses a pack that cannot run on the chosen provider
 * (throws, with the sentence naming the pack to get) and returns warnings when the pack's memory
 * table says the chosen size will not fit the GPU. Packs that run anywhere and have no memory
 * table (test packs, custom exports) trigger no provider detection at all.
 */
export async function preflightPack(manifest: PackManifest, width: number | undefined, height: number | undefined, deps: PackPreflightDeps): Promise<string[]> {
  if (manifest.kind !== 'sdxl') return [];
  const restricted = packProviders(manifest, deps.catalog).length < ALL_PACK_PROVIDERS.length;
  if (!restricted && !manifest.gpuMemory) return [];
  const provider = await deps.provider();
  assertPackRunsOn(manifest, provider, deps.catalog);
  if (provider === 'cpu' || !manifest.gpuMemory) return [];
  const plan = planGpuMemory(manifest, width ?? manifest.defaults.width, height ?? manifest.defaults.height, await deps.gpuMemory());
  return plan.warning ? [plan.warning] : [];
}
