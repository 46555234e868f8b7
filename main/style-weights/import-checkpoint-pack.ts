import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import type { SmokeResult } from '../../workers/sdxl/smoke-types.ts';
import { importCheckpointInWorker, smokeRunInWorker } from '../inference/cpu-jobs.ts';
import { sha256File } from '../../models/downloader/hash-file.ts';
import { defaultPackDir, findInstalledPack } from '../../models/pack-store.ts';
import type { ImportReport } from '../../models/weights/import-checkpoint.ts';
import { writeProvenance } from './pack-provenance.ts';

export interface CheckpointImportResult extends Omit<ImportReport, 'manifest' | 'dir'> {
  dir: string;
  name: string;
  sha256: string;
  smoke: SmokeResult;
}

export function packIdFor(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/\.safetensors$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  if (!id) throw new AppError('BadInput', `cannot make a pack id from "${name}"`);
  return id;
}

/**
 * `models import`: the checkpoint's weights onto an installed SDXL pack's graphs, written to a
 * staging folder, verified by a smoke generation on the CPU, then moved into the models folder
 * (where every pack list finds it).
 */
export async function importCheckpointPack(db: Database, dataDir: Pick<DataDir, 'models'>, o: { checkpoint: string; baseId: string; name?: string; onBytes?: (n: number) => void; onSmoke?: () => void }): Promise<CheckpointImportResult> {
  if (!existsSync(o.checkpoint)) throw new AppError('NotFound', `no such file: ${o.checkpoint}`, { file: o.checkpoint });
  const base = findInstalledPack(db, dataDir, o.baseId);
  if (!base) throw new AppError('NotFound', `no installed pack "${o.baseId}" (see \`assetql models list\`)`);
  if (base.state !== 'ok' || !base.manifest) throw new AppError('ModelMissing', `pack ${o.baseId} is ${base.state}: ${base.problem ?? ''}`);
  if (base.manifest.kind !== 'sdxl') throw new AppError('BadInput', `pack ${o.baseId} is a ${base.manifest.kind} pack; checkpoints import onto SDXL packs`);
  const name = (o.name ?? basename(o.checkpoint).replace(/\.safetensors$/i, '')).trim();
  const id = packIdFor(name);
  const finalDir = defaultPackDir(dataDir, id);
  if (existsSync(finalDir) || findInstalledPack(db, dataDir, id)) throw new AppError('Conflict', `a pack "${id}" already exists; choose another --name`);
  const staging = join(dataDir.models, `.importing-${id}`);
  let report: ImportReport;
  try {
    // Gigabytes streamed and converted: in the weights worker, off this thread.
    report = await importCheckpointInWorker({ checkpoint: o.checkpoint, baseDir: base.dir, base: base.manifest, destDir: staging, id, name }, o.onBytes);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // A refusal (other architecture, unknown export layout, corrupt file) arrives as BadInput with its sentence.
    if (err instanceof AppError && err.kind === 'BadInput') throw new AppError('BadInput', err.message, { file: o.checkpoint });
    throw err;
  }
  if (report.mapped === 0) {
    await rm(staging, { recursive: true, force: true });
    throw new AppError('BadInput', `${o.checkpoint}: none of its tensors fits pack ${o.baseId} (${report.mismatched.length} shape mismatches, ${report.unmapped.length} unmapped)`);
  }
  const { sha256 } = await sha256File(o.checkpoint);
  writeProvenance(staging, { basePack: o.baseId, checkpoint: { name, sha256 }, loras: [] });
  // The smoke generation loads onnxruntime: it runs in the CPU worker, not on this thread.
  o.onSmoke?.();
  const smoke = await smokeRunInWorker(staging, 'cpu');
  if (!smoke.ok) {
    await rm(staging, { recursive: true, force: true });
    throw new AppError('Inference', `the imported pack failed its smoke generation, so it was not installed: ${smoke.error ?? 'unknown error'}`);
  }
  await rename(staging, finalDir);
  const { manifest: _m, dir: _d, ...rest } = report;
  return { ...rest, dir: finalDir, name, sha256, smoke };
}
