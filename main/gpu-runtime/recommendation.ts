import type { ModelRecommendation } from '../../preload/api.ts';
import type { Catalog } from '../../models/catalog.ts';
import type { PackProvider } from '../../models/manifest.ts';
import { PROVIDER_NAMES } from '../../models/pack-compat.ts';
import { recommendPacks } from '../../models/recommend.ts';
import { detectGpuMemory } from './gpu-memory.ts';

/** The `models.recommend` answer: one place for Settings, first launch, `doctor` and the CLI. */
export async function buildRecommendation(catalog: Catalog, provider: PackProvider, installedIds: ReadonlySet<string>, gpuMemory: typeof detectGpuMemory = detectGpuMemory): Promise<ModelRecommendation> {
  const mem = provider === 'cpu' ? { bytes: undefined, source: 'CPU: generation uses system memory' } : await gpuMemory();
  return {
    provider,
    providerLabel: PROVIDER_NAMES[provider],
    gpuMemoryBytes: mem.bytes ?? null,
    gpuMemorySource: mem.source,
    packs: recommendPacks({ catalog, provider, gpuMemoryBytes: mem.bytes, installedIds }),
  };
}
