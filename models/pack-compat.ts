import { AppError } from '../main/core/app-error.ts';
import { catalogEntryFor, loadCatalog, type Catalog, type CatalogPack } from './catalog.ts';
import { ALL_PACK_PROVIDERS, type PackManifest, type PackProvider } from './manifest.ts';

/**
 * Which providers a pack runs on, and the refusal sentence when it cannot run on the one chosen.
 * One place for the rule so the batch screen, `assetql run`, `doctor` and Settings agree.
 */
export const PROVIDER_NAMES: Record<PackProvider, string> = {
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML',
  coreml: 'CoreML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/**
 * The manifest's own declaration wins; packs installed before manifests declared providers are
 * matched to their catalog entry (by id or former id); anything else is assumed portable fp32.
 */
export function packProviders(manifest: Pick<PackManifest, 'id' | 'providers'>, catalog: Catalog = loadCatalog()): readonly PackProvider[] {
  if (manifest.providers) return manifest.providers;
  const entry = catalogEntryFor(catalog, manifest.id);
  return entry?.manifest.providers ?? ALL_PACK_PROVIDERS;
}

export interface PackProviderCheck {
  ok: boolean;
  providers: readonly PackProvider[];
  /** Catalog pack of the same model that runs on the provider, when there is one. */
  suggestion?: CatalogPack;
  message?: string;
}

export function checkPackProvider(manifest: Pick<PackManifest, 'id' | 'name' | 'providers'>, provider: PackProvider, catalog: Catalog = loadCatalog()): PackProviderCheck {
  const providers = packProviders(manifest, catalog);
  if (providers.includes(provider)) return { ok: true, providers };
  const suggestion = variantFor(catalog, catalogEntryFor(catalog, manifest.id)?.model, provider);
  const runsOn = providers.map((p) => PROVIDER_NAMES[p]).join(', ');
  const get = suggestion
    ? suggestion.downloadable
      ? `get the ${suggestion.id} pack instead (Settings → Model packs → Download, or \`assetql models download ${suggestion.id}\`)`
      : `build the ${suggestion.id} pack instead (Settings → Model packs → Build, or \`assetql models convert --fp16 ${suggestion.buildFrom ?? ''}\`)`
    : 'choose a pack that declares this provider in Settings → Model packs';
  return {
    ok: false,
    providers,
    ...(suggestion ? { suggestion } : {}),
    message: `Pack ${manifest.id} runs only on ${runsOn}, but this machine generates with ${PROVIDER_NAMES[provider]}: ${get}.`,
  };
}

/** Throws the refusal before a batch starts; called from create-batch and `assetql run`. */
export function assertPackRunsOn(manifest: Pick<PackManifest, 'id' | 'name' | 'providers'>, provider: PackProvider, catalog?: Catalog): void {
  const check = checkPackProvider(manifest, provider, catalog);
  if (!check.ok) throw new AppError('BadInput', check.message ?? `pack ${manifest.id} cannot run on ${provider}`, { packId: manifest.id, provider, runsOn: check.providers, suggestion: check.suggestion?.id ?? null });
}

/** Preference per provider: the fastest variant that runs there. */
const PREFERRED: Record<PackProvider, ReadonlyArray<NonNullable<CatalogPack['variant']>>> = {
  cuda: ['cuda-fp16', 'portable-fp16', 'fp32'],
  dml: ['portable-fp16', 'fp32'],
  coreml: ['portable-fp16', 'fp32'],
  webgpu: ['portable-fp16', 'fp32'],
  cpu: ['fp32'],
};

/** The catalog variant of `model` that suits `provider` best (undefined when the model has none). */
export function variantFor(catalog: Catalog, model: string | undefined, provider: PackProvider): CatalogPack | undefined {
  if (!model) return undefined;
  const candidates = catalog.packs.filter((p) => p.model === model && (p.manifest.providers ?? ALL_PACK_PROVIDERS).includes(provider));
  for (const v of PREFERRED[provider]) {
    const hit = candidates.find((p) => p.variant === v);
    if (hit) return hit;
  }
  return candidates[0];
}
