import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DuplicateChanges } from '../../preload/api.ts';
import type { DataDir } from '../core/data-dir.ts';
import { AppError } from '../core/app-error.ts';
import type { PipelineEngine } from '../pipeline/engine.ts';
import { deleteBatch, duplicateBatchInput, failedTaskIds, markDuplicatedFrom, requireLiveBatch } from '../pipeline/ledger-api.ts';
import { deleteAsset } from '../library/lifecycle.ts';
import { listInstalledPacks } from '../../models/pack-store.ts';
import type { SdxlManifest } from '../../models/manifest.ts';
import { formatSize, isAllowedSize, packLimits } from '../intake/config/pack-limits.ts';

/**
 * Batch management shared by the handlers (app, browser UI) and `assetql batch`: the ledger
 * writes live in pipeline/ledger/batch-admin.ts; this adds what is not the ledger's business
 * (pack limits, attempt image files, library assets) and goes through the engine for events.
 */
export interface BatchAdminDeps {
  db: Database;
  dataDir: DataDir;
  engine: PipelineEngine;
}

/** "Run again with changes": a new draft batch; changed size/steps/guidance must suit the pack. */
export function duplicateBatch(d: BatchAdminDeps, id: string, changes: DuplicateChanges): string {
  const input = duplicateBatchInput(d.db, id, changes);
  const packId = typeof input.config['packId'] === 'string' ? input.config['packId'] : input.model;
  const pack = listInstalledPacks(d.db, d.dataDir).find((p) => p.id === packId && p.state === 'ok' && p.manifest?.kind === 'sdxl');
  if (pack) {
    const limits = packLimits(pack.manifest as SdxlManifest);
    const size = { width: Number(input.tasks[0]?.params.width), height: Number(input.tasks[0]?.params.height) };
    if ((changes.width !== undefined || changes.height !== undefined) && !isAllowedSize(limits, size)) {
      throw new AppError('BadInput', `Size ${formatSize(size)} is not available with the pack ${packId}; choose one of ${limits.sizes.map(formatSize).join(', ')}.`);
    }
    if (changes.steps !== undefined && (changes.steps < limits.steps.min || changes.steps > limits.steps.max)) {
      throw new AppError('BadInput', `Steps must be between ${limits.steps.min} and ${limits.steps.max} for the pack ${packId} (got ${changes.steps}).`);
    }
    if (changes.guidance !== undefined && (changes.guidance < limits.guidance.min || changes.guidance > limits.guidance.max)) {
      throw new AppError('BadInput', `Guidance must be between ${limits.guidance.min} and ${limits.guidance.max} for the pack ${packId} (got ${changes.guidance}).`);
    }
  }
  const { duplicatedFrom, ...batch } = input;
  const created = d.engine.createBatch(batch);
  markDuplicatedFrom(d.db, created.id, duplicatedFrom);
  return created.id;
}

/** Sends every failed row (review, rejected, cancelled) back to the queue of the same batch. */
export function rerunFailed(d: BatchAdminDeps, id: string): number {
  const b = requireLiveBatch(d.db, id);
  if (b.state === 'cancelled') {
    throw new AppError('Conflict', `Batch ${b.name} was cancelled, so its rows cannot be queued again; use "Run again" to copy its failed rows into a new batch.`);
  }
  const ids = failedTaskIds(d.db, id);
  for (const t of ids) d.engine.retryTask(t);
  return ids.length;
}

/** Deletes the batch's rows and attempt images; its library assets too when asked. */
export async function deleteBatchAndFiles(d: BatchAdminDeps, id: string, deleteAssets: boolean): Promise<{ tasks: number; assetsDeleted: number }> {
  const { tasks, assetIds } = deleteBatch(d.db, id);
  // Failed attempts' images (kept for review) belong to the rows that no longer exist.
  await rm(join(d.dataDir.library, 'attempts', id), { recursive: true, force: true });
  if (deleteAssets) for (const a of assetIds) deleteAsset({ db: d.db, dataDir: d.dataDir }, a);
  return { tasks, assetsDeleted: deleteAssets ? assetIds.length : 0 };
}
