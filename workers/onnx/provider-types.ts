import { createRequire } from 'node:module';

/**
 * Execution-provider names, statuses and the choice among them: the pure part of providers.ts,
 * which main/ reads (it must not load onnxruntime itself; detection runs in a worker).
 */
export const PROVIDER_ORDER = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const;
export type ProviderName = (typeof PROVIDER_ORDER)[number];

export const PROVIDER_LABELS: Record<ProviderName, string> = {
  cuda: 'CUDA (NVIDIA)',
  dml: 'DirectML (Windows GPU)',
  coreml: 'CoreML (Apple)',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

export interface ProviderStatus {
  name: ProviderName;
  label: string;
  available: boolean;
  /** Why it is unavailable, or a note on what was checked when it is available. */
  reason: string;
  /** Time to create and run the probe session, when it was tried. */
  probeMs?: number;
  /**
   * What the native library printed while probing (e.g. Dawn's Vulkan warning): captured from a
   * child process instead of reaching the terminal, and shown only by `doctor`.
   */
  nativeOutput?: string;
}

export interface ResolvedProviders {
  /** Providers to pass as executionProviders, best first, CPU last as ORT's per-node fallback. */
  chosen: ProviderName[];
  /** Set when the preferred provider (or every GPU provider) could not be used, and why. */
  fallbackReason?: string;
}

/**
 * Picks the best available provider (CUDA > DirectML > CoreML > WebGPU > CPU), honouring an
 * explicit preference when it works and explaining the fallback when it does not.
 */
export function resolveProviders(statuses: readonly ProviderStatus[], preference: ProviderName | 'auto' = 'auto'): ResolvedProviders {
  const byName = new Map(statuses.map((s) => [s.name, s]));
  const withCpu = (p: ProviderName): ProviderName[] => (p === 'cpu' ? ['cpu'] : [p, 'cpu']);
  const best = PROVIDER_ORDER.find((n) => byName.get(n)?.available);
  if (preference !== 'auto') {
    const pref = byName.get(preference);
    if (pref?.available) return { chosen: withCpu(preference) };
    const why = pref ? pref.reason : 'not detected';
    const to = best ?? 'cpu';
    return { chosen: withCpu(to), fallbackReason: `${PROVIDER_LABELS[preference]} unavailable (${why}); using ${PROVIDER_LABELS[to]}` };
  }
  if (best && best !== 'cpu') return { chosen: withCpu(best) };
  const gpuReasons = statuses.filter((s) => s.name !== 'cpu' && s.reason !== 'not checked').map((s) => `${s.label}: ${s.reason}`);
  return { chosen: ['cpu'], fallbackReason: `no GPU provider available, using CPU (${gpuReasons.join('; ') || 'none detected'})` };
}

/** The installed onnxruntime-node version, from its package.json (does not load the runtime). */
export function ortVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require('onnxruntime-node/package.json') as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
