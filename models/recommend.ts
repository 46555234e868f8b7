import type { Catalog } from './catalog.ts';
import type { PackProvider } from './manifest.ts';
import { planGpuMemory } from './memory-plan.ts';
import { PROVIDER_NAMES, variantFor } from './pack-compat.ts';

export interface PackRecommendation {
  model: string;
  role: string;
  packId: string;
  packName: string;
  variant: string;
  /** How the user gets it: download, build from another pack (convert), or already installed. */
  action: 'installed' | 'download' | 'build';
  buildFrom: string | null;
  reason: string;
  /** Estimated (or measured) GPU memory at the pack's default size; null when unknown / CPU. */
  needBytes: number | null;
  warnings: string[];
}

export interface RecommendInput {
  catalog: Catalog;
  provider: PackProvider;
  /** What the GPU reports; undefined when the provider does not say (documented per OS). */
  gpuMemoryBytes: number | undefined;
  installedIds: ReadonlySet<string>;
}

/**
 * One SDXL pack per model for the provider this machine will use, with a memory check at the
 * pack's default size. The same list feeds Settings, `doctor` and the first-launch screen.
 */
export function recommendPacks(input: RecommendInput): PackRecommendation[] {
  const models = [...new Set(input.catalog.packs.filter((p) => p.kind === 'sdxl' && p.model).map((p) => p.model as string))];
  const out: PackRecommendation[] = [];
  for (const model of models) {
    const pack = variantFor(input.catalog, model, input.provider);
    if (!pack || pack.manifest.kind !== 'sdxl') continue;
    const { width, height } = pack.manifest.defaults;
    const gpu = input.provider !== 'cpu';
    const plan = gpu ? planGpuMemory(pack.manifest, width, height, input.gpuMemoryBytes) : undefined;
    const warnings: string[] = [];
    if (plan?.warning) warnings.push(plan.warning);
    if (gpu && input.gpuMemoryBytes === undefined) warnings.push(`${PROVIDER_NAMES[input.provider]} does not report GPU memory here, so the fit at ${width}×${height} could not be checked.`);
    const action = input.installedIds.has(pack.id) ? 'installed' : pack.downloadable ? 'download' : 'build';
    out.push({
      model,
      role: pack.role,
      packId: pack.id,
      packName: pack.name,
      variant: pack.variant ?? pack.precision,
      action,
      buildFrom: pack.buildFrom ?? null,
      reason: reasonFor(pack.variant, input.provider),
      needBytes: plan?.needBytes ?? null,
      warnings,
    });
  }
  return out;
}

function reasonFor(variant: string | undefined, provider: PackProvider): string {
  const on = PROVIDER_NAMES[provider];
  switch (variant) {
    case 'cuda-fp16':
      return `${on}: the CUDA-optimised fp16 export is the fastest and smallest pack on NVIDIA GPUs`;
    case 'portable-fp16':
      return `${on}: the portable fp16 pack uses standard ONNX ops only, so ${on} can run it, at half the memory of fp32`;
    default:
      return provider === 'cpu' ? 'CPU: fp16 has no fast CPU kernels, so the fp32 pack is the one that runs well here' : `${on}: fp32 runs everywhere but needs twice the memory of fp16`;
  }
}
