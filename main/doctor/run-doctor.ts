import { mkdtemp, rm } from 'node:fs/promises';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DataDir } from '../core/data-dir.ts';
import { createTestPack } from '../../models/test-pack/create-test-pack.ts';
import { listInstalledPacks, type PackState } from '../../models/pack-store.ts';
import { ortVersion, resolveProviders, type ProviderName, type ProviderStatus, type ResolvedProviders } from '../../workers/onnx/provider-types.ts';
import type { SmokeResult } from '../../workers/sdxl/smoke-types.ts';
import { detectProvidersInWorker, smokeRunInWorker } from '../inference/cpu-jobs.ts';
import { gpuHints } from './gpu-hints.ts';
import type { ModelRecommendation } from '../../preload/api.ts';
import { loadCatalog } from '../../models/catalog.ts';
import type { PackProvider } from '../../models/manifest.ts';
import { checkPackProvider } from '../../models/pack-compat.ts';
import { buildRecommendation } from '../gpu-runtime/recommendation.ts';
import { cudaRuntimeStatus, type CudaRuntimeStatus } from '../gpu-runtime/cuda-runtime.ts';

export interface DoctorPackInfo {
  id: string;
  dir: string;
  state: PackState;
  kind?: string;
  bytes: number;
  testPack: boolean;
  problem?: string;
  /** Set when the pack cannot run on the provider this machine uses: which pack to get instead. */
  providerProblem?: string;
}

export interface DoctorReport {
  platform: string;
  arch: string;
  osRelease: string;
  cpus: number;
  totalMemBytes: number;
  node: string;
  ortVersion: string;
  providers: ProviderStatus[];
  resolved: ResolvedProviders;
  gpuHints: string[];
  packs: DoctorPackInfo[];
  /** The SDXL pack per model for the chosen provider and GPU memory. */
  recommendation?: ModelRecommendation;
  /** The downloadable CUDA runtime (Linux x64): offered, installed, active. */
  cudaRuntime?: CudaRuntimeStatus;
  /** One entry per available provider, when smoke runs were requested. */
  smoke: SmokeResult[];
  /** True when every available provider passed its smoke run (or none was requested). */
  ok: boolean;
}

export interface DoctorOptions {
  dataDir: Pick<DataDir, 'models'>;
  /** When given, registered (located) packs are listed too. */
  db?: Database;
  smoke: boolean;
  /** Injected in tests; defaults to real detection. */
  providers?: ProviderStatus[];
  onStage?: (stage: string) => void;
}

/**
 * What works on this machine: runtime versions, each execution provider with the reason it is
 * not usable, hints about the GPU stack, installed packs, and (optionally) a timed end-to-end
 * run of a tiny random-weight SDXL pack on every available provider.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  opts.onStage?.('detecting execution providers');
  // Probing and the smoke run load onnxruntime: both run in the CPU worker, not on this thread.
  const providers = opts.providers ?? (await detectProvidersInWorker()).statuses;
  const resolved = resolveProviders(providers);
  const provider = (resolved.chosen[0] ?? 'cpu') as PackProvider;
  const catalog = loadCatalog();
  const installed = opts.db ? listInstalledPacks(opts.db, opts.dataDir) : [];
  const recommendation = await buildRecommendation(catalog, provider, new Set(installed.filter((p) => p.state === 'ok').map((p) => p.id)));
  const packs: DoctorPackInfo[] = opts.db
    ? installed.map((p) => ({
        id: p.id,
        dir: p.dir,
        state: p.state,
        ...(p.manifest ? { kind: p.manifest.kind } : {}),
        bytes: p.bytes,
        testPack: p.testPack,
        ...(p.problem ? { problem: p.problem } : {}),
        ...(p.manifest?.kind === 'sdxl' && !checkPackProvider(p.manifest, provider, catalog).ok ? { providerProblem: checkPackProvider(p.manifest, provider, catalog).message ?? '' } : {}),
      }))
    : [];
  const smoke: SmokeResult[] = [];
  if (opts.smoke) {
    const available = providers.filter((p) => p.available).map((p) => p.name);
    if (available.length) {
      const dir = await mkdtemp(join(tmpdir(), 'assetql-doctor-'));
      try {
        opts.onStage?.('building a tiny random-weight SDXL pack');
        await createTestPack(join(dir, 'sdxl'), { kind: 'sdxl', id: 'doctor-smoke' });
        for (const name of available as ProviderName[]) {
          opts.onStage?.(`smoke run on ${name}`);
          smoke.push(await smokeRunInWorker(join(dir, 'sdxl'), name));
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  return {
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    cpus: cpus().length,
    totalMemBytes: totalmem(),
    node: process.version,
    ortVersion: ortVersion(),
    providers,
    resolved,
    gpuHints: gpuHints(),
    packs,
    recommendation,
    cudaRuntime: cudaRuntimeStatus(),
    smoke,
    ok: smoke.every((s) => s.ok) && providers.some((p) => p.available),
  };
}
