import { describe, expect, it } from 'vitest';
import { findPack, loadCatalog } from '../../../models/catalog.ts';
import { PackManifest, type PackProvider } from '../../../models/manifest.ts';
import { estimateGpuMemory, planGpuMemory } from '../../../models/memory-plan.ts';
import { assertPackRunsOn, checkPackProvider, packProviders } from '../../../models/pack-compat.ts';
import { preflightPack } from '../../../models/pack-preflight.ts';
import { recommendPacks } from '../../../models/recommend.ts';
import { AppError } from '../../../main/core/app-error.ts';

const catalog = loadCatalog();
const GiB = 1024 ** 3;
const manifestOf = (id: string): PackManifest => findPack(catalog, id).manifest;

describe('pack ↔ provider compatibility', () => {
  it('refuses the CUDA-optimised pack on DirectML with a sentence naming the portable pack and how to build it', () => {
    const check = checkPackProvider(manifestOf('sdxl-base-1.0-cuda-fp16'), 'dml', catalog);
    expect(check.ok).toBe(false);
    expect(check.suggestion?.id).toBe('sdxl-base-1.0-portable-fp16');
    expect(check.message).toBe(
      'Pack sdxl-base-1.0-cuda-fp16 runs only on CUDA (NVIDIA), but this machine generates with DirectML: build the sdxl-base-1.0-portable-fp16 pack instead (Settings → Model packs → Build, or `assetql models convert --fp16 sdxl-base-1.0-fp32`).',
    );
  });

  it('on CPU it points at the fp32 download, for CUDA and portable packs alike', () => {
    for (const id of ['sdxl-base-1.0-cuda-fp16', 'sdxl-base-1.0-portable-fp16']) {
      const check = checkPackProvider(manifestOf(id), 'cpu', catalog);
      expect(check.ok).toBe(false);
      expect(check.message).toMatch(/get the sdxl-base-1\.0-fp32 pack instead .*`assetql models download sdxl-base-1\.0-fp32`/);
    }
    expect(checkPackProvider(manifestOf('sdxl-turbo-portable-fp16'), 'cpu', catalog).suggestion?.id).toBe('sdxl-turbo');
  });

  it('accepts every pack on a provider it declares; fp32 runs everywhere', () => {
    const providers: PackProvider[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];
    for (const p of providers) expect(checkPackProvider(manifestOf('sdxl-base-1.0-fp32'), p, catalog).ok).toBe(true);
    expect(checkPackProvider(manifestOf('sdxl-base-1.0-cuda-fp16'), 'cuda', catalog).ok).toBe(true);
    expect(checkPackProvider(manifestOf('sdxl-turbo-portable-fp16'), 'coreml', catalog).ok).toBe(true);
  });

  it('an old install of the CUDA pack (former id, no providers in its manifest) is still known to be CUDA-only', () => {
    const legacy = { ...manifestOf('sdxl-base-1.0-cuda-fp16'), id: 'sdxl-base-1.0-fp16' };
    delete (legacy as { providers?: unknown }).providers;
    expect(packProviders(legacy, catalog)).toEqual(['cuda']);
    expect(() => assertPackRunsOn(legacy, 'webgpu', catalog)).toThrow(AppError);
  });

  it('a pack the catalog does not know and that declares nothing runs anywhere', () => {
    expect(packProviders({ id: 'my-export' }, catalog)).toHaveLength(5);
  });
});

describe('GPU memory planning', () => {
  const table = manifestOf('sdxl-base-1.0-portable-fp16').gpuMemory;

  it('interpolates by pixel count between rows and extends past the table', () => {
    const at512 = estimateGpuMemory(table, 512, 512)!;
    const at1024 = estimateGpuMemory(table, 1024, 1024)!;
    const mid = estimateGpuMemory(table, 896, 896)!;
    expect(at512).toBe(Math.round(9 * GiB));
    expect(mid).toBeGreaterThan(estimateGpuMemory(table, 768, 768)!);
    expect(mid).toBeLessThan(at1024);
    expect(estimateGpuMemory(table, 1536, 1536)!).toBeGreaterThan(at1024);
  });

  it('warns with a smaller size that fits, and says the figure is estimated', () => {
    const plan = planGpuMemory(manifestOf('sdxl-base-1.0-portable-fp16'), 1024, 1024, 12 * GiB);
    expect(plan.fits).toBe(false);
    expect(plan.suggested).toBeDefined();
    expect(estimateGpuMemory(table, plan.suggested!.width, plan.suggested!.height)!).toBeLessThanOrEqual(12 * GiB);
    expect(plan.warning).toMatch(/needs about 13\.0 GiB of GPU memory at 1024×1024 \(estimated\) but the GPU reports 12\.0 GiB: try \d+×\d+/);
    expect(planGpuMemory(manifestOf('sdxl-base-1.0-portable-fp16'), 1024, 1024, 24 * GiB).fits).toBe(true);
    expect(planGpuMemory(manifestOf('sdxl-base-1.0-portable-fp16'), 1024, 1024, undefined).fits).toBe(true);
  });

  it('preflight never detects providers for a run-anywhere pack without a memory table, and refuses a mismatch', async () => {
    let asked = 0;
    const deps = { provider: async (): Promise<PackProvider> => { asked++; return 'dml'; }, gpuMemory: async () => 4 * GiB, catalog };
    const plain = PackManifest.parse({ ...manifestOf('sdxl-base-1.0-fp32'), id: 'custom', providers: undefined, gpuMemory: undefined });
    expect(await preflightPack(plain, 512, 512, deps)).toEqual([]);
    expect(asked).toBe(0);
    await expect(preflightPack(manifestOf('sdxl-base-1.0-cuda-fp16'), 1024, 1024, deps)).rejects.toThrow(/runs only on CUDA/);
    const warnings = await preflightPack(manifestOf('sdxl-turbo-portable-fp16'), 512, 512, deps);
    expect(warnings[0]).toMatch(/needs about 9\.0 GiB .* reports 4\.0 GiB: even the smallest size will not fit/);
  });
});

describe('recommendations per provider', () => {
  const none = new Set<string>();
  it('CUDA: the CUDA pack for SDXL base, the portable pack for Turbo (no CUDA export of it is published)', () => {
    const r = recommendPacks({ catalog, provider: 'cuda', gpuMemoryBytes: 24 * GiB, installedIds: none });
    expect(r.map((x) => [x.model, x.packId, x.action])).toEqual([
      ['sdxl-base-1.0', 'sdxl-base-1.0-cuda-fp16', 'download'],
      ['sdxl-turbo', 'sdxl-turbo-portable-fp16', 'build'],
    ]);
    expect(r.every((x) => x.warnings.length === 0)).toBe(true);
  });

  it('DirectML with 8 GB: portable packs to build, with a memory warning; CPU: fp32 downloads', () => {
    const dml = recommendPacks({ catalog, provider: 'dml', gpuMemoryBytes: 8 * GiB, installedIds: new Set(['sdxl-turbo-portable-fp16']) });
    expect(dml.map((x) => [x.packId, x.action, x.buildFrom])).toEqual([
      ['sdxl-base-1.0-portable-fp16', 'build', 'sdxl-base-1.0-fp32'],
      ['sdxl-turbo-portable-fp16', 'installed', 'sdxl-turbo'],
    ]);
    expect(dml[0]!.warnings[0]).toMatch(/GPU reports 8\.0 GiB/);
    const cpu = recommendPacks({ catalog, provider: 'cpu', gpuMemoryBytes: undefined, installedIds: none });
    expect(cpu.map((x) => x.packId)).toEqual(['sdxl-base-1.0-fp32', 'sdxl-turbo']);
    expect(cpu.every((x) => x.warnings.length === 0 && x.needBytes === null)).toBe(true);
  });

  it('says when the provider does not report memory', () => {
    const r = recommendPacks({ catalog, provider: 'webgpu', gpuMemoryBytes: undefined, installedIds: none });
    expect(r[0]!.warnings[0]).toMatch(/does not report GPU memory/);
  });
});
