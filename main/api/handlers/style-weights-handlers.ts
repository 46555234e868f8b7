import type { CheckpointImportDto, IpAdapterInstallDto, LoraCacheDto, LoraDto } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import { importCheckpointPack } from '../../style-weights/import-checkpoint-pack.ts';
import { installIpAdapterPack } from '../../style-weights/install-ip-adapter-pack.ts';
import { importLora, listLoras, removeLora, type LoraRecord } from '../../style-weights/lora-registry.ts';
import { evictVariants, listVariants, setVariantLimit, variantLimit } from '../../style-weights/lora-variants.ts';

function loraDto(r: LoraRecord): LoraDto {
  return { id: r.id, name: r.name, layers: r.layers, bytes: r.bytes, triggerWords: r.triggerWords, baseModel: r.baseModel, importedAt: new Date(r.importedAt).toISOString() };
}

function cacheDto(s: AppServices): LoraCacheDto {
  const variants = listVariants(s.app.db, s.app.dataDir);
  return {
    limitBytes: variantLimit(s.app.db),
    totalBytes: variants.reduce((n, v) => n + v.bytes, 0),
    variants: variants.map((v) => ({ key: v.key, packId: v.packId, loras: v.loras, bytes: v.bytes, lastUsedAt: new Date(v.lastUsedAt).toISOString() })),
  };
}

/**
 * weights.progress for one import/install: bytes written (at most 4 events a second, so a 7 GB
 * UNet does not flood the bus), then the smoke generation.
 */
function progressOf(s: AppServices, op: 'checkpoint' | 'ip-adapter', file: string): { onBytes(n: number): void; onSmoke(): void } {
  const started = Date.now();
  let bytes = 0;
  let last = 0;
  const emit = (stage: 'writing' | 'smoke'): void => s.bus.emit('weights.progress', { op, file, stage, bytes, elapsedMs: Date.now() - started });
  return {
    onBytes(n) {
      bytes += n;
      if (Date.now() - last < 250) return;
      last = Date.now();
      emit('writing');
    },
    onSmoke: () => emit('smoke'),
  };
}

/** Checkpoint import, IP-Adapter install, LoRAs and the LoRA variant cache (Settings → Model packs / LoRAs). */
export function registerStyleWeightsHandlers(s: AppServices): void {
  s.registry.handle('models.importCheckpoint', async ({ path, baseId, name }): Promise<CheckpointImportDto> => {
    const r = await importCheckpointPack(s.app.db, s.app.dataDir, { checkpoint: path, baseId, ...(name ? { name } : {}), ...progressOf(s, 'checkpoint', path) });
    return {
      packId: r.packId,
      name: r.name,
      path: r.dir,
      mapped: r.mapped,
      keptFromBase: r.keptFromBase,
      layouts: { ...r.layouts },
      unmapped: r.unmapped.slice(0, 500),
      unmappedCount: r.unmapped.length,
      mismatched: r.mismatched.slice(0, 500),
      smokeMs: r.smoke.totalMs ?? null,
    };
  });
  // The same install the CLI runs (`models ip-adapter install`): surgery, smoke test, new pack.
  s.registry.handle('models.installIpAdapter', async ({ path, baseId, name, headDim }): Promise<IpAdapterInstallDto> => {
    const r = await installIpAdapterPack(s.app.db, s.app.dataDir, { adapter: path, baseId, ...(name ? { name } : {}), ...(headDim ? { headDim } : {}), ...progressOf(s, 'ip-adapter', path) });
    return { packId: r.packId, name: r.name, path: r.dir, layers: r.layers, tokens: r.tokens, embedDim: r.embedDim };
  });
  s.registry.handle('loras.list', () => listLoras(s.app.db, s.app.dataDir).map(loraDto));
  s.registry.handle('loras.import', async ({ path, name }) => loraDto(await importLora(s.app.db, s.app.dataDir, path, name)));
  s.registry.handle('loras.remove', async ({ id }) => ({ removed: (await removeLora(s.app.db, s.app.dataDir, id)).id }));
  s.registry.handle('loras.cache', () => cacheDto(s));
  s.registry.handle('loras.setCacheLimit', async ({ bytes }) => {
    setVariantLimit(s.app.db, bytes);
    await evictVariants(s.app.db, s.app.dataDir, bytes);
    return cacheDto(s);
  });
  s.registry.handle('loras.clearCache', async () => {
    await evictVariants(s.app.db, s.app.dataDir, 0);
    return cacheDto(s);
  });
}
