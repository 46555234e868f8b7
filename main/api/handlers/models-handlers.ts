import { join } from 'node:path';
import type { PackInfo, PackIpAdapterDto, PackLimitsDto } from '../../../preload/api.ts';
import { packLimits } from '../../intake/config/pack-limits.ts';
import { SAMPLERS } from '../../intake/config/batch-config.ts';
import type { SdxlManifest } from '../../../models/manifest.ts';
import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { loadCatalog, findPack, packDiskBytes, catalogEntryFor } from '../../../models/catalog.ts';
import { ALL_PACK_PROVIDERS, type PackProvider } from '../../../models/manifest.ts';
import { convertedPackId, convertPackToFp16 } from '../../../models/convert/convert-pack.ts';
import { describeVerification } from '../../../models/verification-summary.ts';
import { packIpAdapter } from '../../../models/ip-adapter/pack-ip-adapter.ts';
import { buildRecommendation } from '../../gpu-runtime/recommendation.ts';
import { defaultPackDir, listInstalledPacks, locatePack, readPackManifest, registerPack, verifyPack, type InstalledPack } from '../../../models/pack-store.ts';
import { downloadPack } from '../../../models/downloader/index.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { runDoctor } from '../../doctor/run-doctor.ts';
import { loadSettings, updateSettings } from '../../settings/app-settings.ts';

export const TEST_SDXL_ID = 'test-sdxl';
export const TEST_CLIP_ID = 'test-clip';

export function packInfos(s: AppServices): PackInfo[] {
  const catalog = loadCatalog();
  const installed = listInstalledPacks(s.app.db, s.app.dataDir);
  const byId = new Map(installed.map((p) => [p.id, p]));
  const clipDims = clipPacksByDim(installed);
  const rows: PackInfo[] = catalog.packs.map((c) => {
    const inst = byId.get(c.id) ?? installed.find((p) => c.legacyIds.includes(p.id));
    return {
      id: c.id, name: c.name, kind: c.kind, description: c.notes || `${c.role} · ${c.precision}`,
      sizeBytes: packDiskBytes(catalog, c) || null, installed: inst?.state === 'ok', path: inst?.dir ?? null,
      testPack: false, downloadable: c.downloadable, limits: limitsOf(inst),
      variant: c.variant ?? null, providers: [...(inst?.manifest?.providers ?? c.manifest.providers ?? ALL_PACK_PROVIDERS)], buildFrom: c.buildFrom ?? null,
      verification: inst?.manifest?.verification ? describeVerification(inst.manifest.verification) : null,
      ipAdapter: ipAdapterOf(inst, clipDims),
    };
  });
  for (const p of installed) if (!catalogEntryFor(catalog, p.id)) rows.push(installedInfo(p, clipDims));
  return rows;
}

/** Installed CLIP packs by the width of their image embeddings (an IP-Adapter needs a match). */
function clipPacksByDim(installed: InstalledPack[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const p of installed) if (p.state === 'ok' && p.manifest?.kind === 'clip') out.set(p.manifest.embedDim, [...(out.get(p.manifest.embedDim) ?? []), p.id]);
  return out;
}

function ipAdapterOf(p: InstalledPack | undefined, clipDims: Map<number, string[]>): PackIpAdapterDto | null {
  if (!p || p.state !== 'ok' || p.manifest?.kind !== 'sdxl') return null;
  const ip = packIpAdapter(p.manifest);
  return ip ? { ...ip, clipPacks: ip.embedDim === null ? [] : (clipDims.get(ip.embedDim) ?? []) } : null;
}

function installedInfo(p: InstalledPack, clipDims: Map<number, string[]>): PackInfo {
  return {
    id: p.id, name: p.manifest?.name ?? p.id, kind: p.manifest?.kind ?? 'sdxl',
    description: p.testPack ? 'Random weights for trying the flow: its images are noise' : (p.manifest?.description ?? p.problem ?? ''),
    sizeBytes: p.bytes, installed: p.state === 'ok', path: p.dir, testPack: p.testPack, downloadable: false, limits: limitsOf(p),
    variant: null, providers: [...(p.manifest?.providers ?? ALL_PACK_PROVIDERS)], buildFrom: null,
    verification: p.manifest?.verification ? describeVerification(p.manifest.verification) : p.manifest?.convertedFrom ? `built from ${p.manifest.convertedFrom.packId} by ${p.manifest.convertedFrom.tool}` : null,
    ipAdapter: ipAdapterOf(p, clipDims),
  };
}

/** The pack's limits as New batch shows them: the same packLimits() the server validates with. */
function limitsOf(p: InstalledPack | undefined): PackLimitsDto | null {
  if (!p || p.state !== 'ok' || p.manifest?.kind !== 'sdxl') return null;
  const l = packLimits(p.manifest as SdxlManifest);
  return { sizes: [...l.sizes], defaultSize: l.defaultSize, steps: l.steps, guidance: l.guidance, samplers: [...SAMPLERS] };
}

export function registerModelsHandlers(s: AppServices): void {
  const downloads = new Map<string, AbortController>();

  s.registry.handle('models.list', () => packInfos(s));

  s.registry.handle('models.download', ({ id }) => {
    const pack = findPack(loadCatalog(), id);
    if (downloads.has(id)) return { started: false };
    const controller = new AbortController();
    downloads.set(id, controller);
    const emit = (state: 'running' | 'done' | 'failed' | 'cancelled', bytes: number, total: number, rate: number, eta: number | null, error: string | null): void =>
      s.bus.emit('download.progress', { id, state, bytes, total, rate, etaSeconds: eta, error });
    void downloadPack({
      pack, dir: defaultPackDir(s.app.dataDir, id), signal: controller.signal,
      onProgress: (p) => emit('running', p.bytesDone, p.bytesTotal, p.rateBytesPerSec, p.etaSeconds, null),
      // e.g. the repository moved mid-download: the pack is finished from the first commit.
      onNotice: (message) => s.bus.emit('alert.raised', { id: `download:${id}`, level: 'warning', message: `${pack.name}: ${message}`, batchId: null, at: new Date().toISOString() }),
    }).then(
      () => emit('done', 0, 0, 0, 0, null),
      (err: unknown) => {
        const e = err instanceof AppError ? err : new AppError('Internal', String(err));
        emit(e.kind === 'Cancelled' ? 'cancelled' : 'failed', 0, 0, 0, null, e.message);
      },
    ).finally(() => downloads.delete(id));
    return { started: true };
  });

  s.registry.handle('models.recommend', async () => {
    const { resolved } = await s.inference.providers();
    const installed = new Set(listInstalledPacks(s.app.db, s.app.dataDir).filter((p) => p.state === 'ok').map((p) => p.id));
    return buildRecommendation(loadCatalog(), (resolved.chosen[0] ?? 'cpu') as PackProvider, installed);
  });

  // Builds the portable fp16 pack from an installed fp32 pack; progress on download.progress
  // under the new pack's id (bytes = steps done), so the Model packs table shows it like a download.
  s.registry.handle('models.convert', ({ id }) => {
    const catalog = loadCatalog();
    const src = listInstalledPacks(s.app.db, s.app.dataDir).find((p) => p.id === id && p.state === 'ok');
    if (!src) {
      const wanted = catalog.packs.find((p) => p.buildFrom === id || p.id === id);
      const from = wanted?.buildFrom ?? id;
      throw new AppError('ModelMissing', `the fp32 pack ${from} is not installed: download it first (Settings → Model packs, or \`assetql models download ${from}\`), then build`);
    }
    const target = convertedPackId(src.id, catalog);
    if (downloads.has(target)) return { started: false, id: target };
    downloads.set(target, new AbortController());
    const emit = (state: 'running' | 'done' | 'failed', bytes: number, total: number, error: string | null): void =>
      s.bus.emit('download.progress', { id: target, state, bytes, total, rate: 0, etaSeconds: null, error });
    const outDir = defaultPackDir(s.app.dataDir, target);
    void convertPackToFp16({ srcDir: src.dir, outDir, id: target, catalog, onStage: (_stage, done, total) => emit('running', done, total, null) })
      .then(
        () => {
          registerPack(s.app.db, target, outDir);
          emit('done', 1, 1, null);
        },
        (err: unknown) => emit('failed', 0, 0, err instanceof AppError ? err.message : String(err)),
      )
      .finally(() => downloads.delete(target));
    return { started: true, id: target };
  });

  s.registry.handle('models.cancelDownload', ({ id }) => {
    const c = downloads.get(id);
    c?.abort();
    return { cancelled: !!c };
  });

  s.registry.handle('models.verify', async ({ id }) => {
    const pack = listInstalledPacks(s.app.db, s.app.dataDir).find((p) => p.id === id);
    if (!pack) throw new AppError('NotFound', `pack ${id} is not installed`);
    if (pack.state !== 'ok') return { ok: false, problems: [pack.problem ?? `pack is ${pack.state}`] };
    const result = await verifyPack(pack.dir);
    const problems = result.files.filter((f) => !f.ok).map((f) => `${f.file}: ${f.problem ?? 'mismatch'}`);
    return { ok: result.ok, problems };
  });

  s.registry.handle('models.locate', ({ dir }) => {
    const manifest = readPackManifest(dir);
    return installedInfo(locatePack(s.app.db, manifest.id, dir), clipPacksByDim(listInstalledPacks(s.app.db, s.app.dataDir)));
  });

  s.registry.handle('models.createTestPacks', async () => {
    const sdxlDir = join(s.app.dataDir.models, TEST_SDXL_ID);
    const clipDir = join(s.app.dataDir.models, TEST_CLIP_ID);
    await createTestPack(sdxlDir, { kind: 'sdxl', id: TEST_SDXL_ID });
    await createTestPack(clipDir, { kind: 'clip', id: TEST_CLIP_ID });
    registerPack(s.app.db, TEST_SDXL_ID, sdxlDir);
    registerPack(s.app.db, TEST_CLIP_ID, clipDir);
    const settings = loadSettings(s.app.db);
    updateSettings(s.app.db, { defaultPackId: settings.defaultPackId ?? TEST_SDXL_ID, clipPackId: settings.clipPackId ?? TEST_CLIP_ID });
    return packInfos(s).filter((p) => p.id === TEST_SDXL_ID || p.id === TEST_CLIP_ID);
  });

  s.registry.handle('app.doctor', async (arg) => {
    const report = await runDoctor({ dataDir: s.app.dataDir, db: s.app.db, smoke: arg?.smoke ?? false });
    const smokeBy = new Map(report.smoke.map((r) => [r.provider, r]));
    return {
      platform: `${report.platform}/${report.arch}`,
      onnxruntime: report.ortVersion,
      providers: report.providers.map((p) => ({ name: p.label, available: p.available, reason: p.reason, smokeMs: smokeBy.get(p.name)?.totalMs ?? null })),
      chosen: report.resolved.chosen[0] ?? 'cpu',
      fallbackReason: report.resolved.fallbackReason ?? null,
      packs: packInfos(s),
      hints: report.gpuHints,
    };
  });
}
