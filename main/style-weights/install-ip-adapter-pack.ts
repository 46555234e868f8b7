import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { installIpAdapterInWorker, smokeRunInWorker } from '../inference/cpu-jobs.ts';
import { defaultPackDir, findInstalledPack } from '../../models/pack-store.ts';
import { packIdFor } from './import-checkpoint-pack.ts';
import { readProvenance, writeProvenance } from './pack-provenance.ts';

/**
 * `models ip-adapter install`: a new pack = the base pack + the adapter's decoupled
 * cross-attention (graph surgery) + its image projection, smoke-tested, then installed.
 */
export async function installIpAdapterPack(db: Database, dataDir: Pick<DataDir, 'models'>, o: { adapter: string; baseId: string; name?: string; headDim?: number; onBytes?: (n: number) => void; onSmoke?: () => void }): Promise<{ packId: string; name: string; dir: string; layers: number; tokens: number; embedDim: number }> {
  if (!existsSync(o.adapter)) throw new AppError('NotFound', `no such file: ${o.adapter}`, { file: o.adapter });
  const base = findInstalledPack(db, dataDir, o.baseId);
  if (!base || base.state !== 'ok' || base.manifest?.kind !== 'sdxl') throw new AppError('NotFound', `no installed SDXL pack "${o.baseId}" (see \`assetql models list\`)`);
  const name = (o.name ?? `${base.manifest.name} + ${basename(o.adapter).replace(/\.safetensors$/i, '')}`).trim();
  const id = packIdFor(o.name ?? `${o.baseId}-ip-adapter`);
  const finalDir = defaultPackDir(dataDir, id);
  if (existsSync(finalDir)) throw new AppError('Conflict', `a pack "${id}" already exists; choose another --name`);
  const staging = join(dataDir.models, `.installing-${id}`);
  try {
    // The UNet is rewritten (gigabytes) in the weights worker, never on the app's main thread.
    const r = await installIpAdapterInWorker({ baseDir: base.dir, base: base.manifest, adapter: o.adapter, destDir: staging, id, name, ...(o.headDim ? { headDim: o.headDim } : {}) }, o.onBytes);
    const prov = readProvenance(base.dir);
    if (prov) writeProvenance(staging, prov);
    o.onSmoke?.();
    const smoke = await smokeRunInWorker(staging, 'cpu');
    if (!smoke.ok) throw new AppError('Inference', `the pack with the IP-Adapter failed its smoke generation, so it was not installed: ${smoke.error ?? ''}`);
    await rename(staging, finalDir);
    return { packId: id, name, dir: finalDir, ...r };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // A refusal (not an IP-Adapter, another model, a fused layout, a corrupt file) arrives as BadInput with its sentence.
    if (err instanceof AppError && err.kind === 'BadInput') throw new AppError('BadInput', err.message, { file: o.adapter });
    throw err;
  }
}
