import { randomInt } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../core/app-error.ts';
import type { BatchConfig } from '../records/batch-config.ts';
import type { BatchRecord, GenerationParams, TaskState } from '../types.ts';
import type { NewBatch, NewTask } from './batches.ts';
import { requireBatch } from './batches.ts';
import { placeholders, stmt } from './statements.ts';
import { RERUN_STATES } from '../../../preload/api.ts';

/**
 * Batch management beyond run control (issue 12): rename, archive, delete, and the inputs of
 * "run again with changes" and "re-run failed rows". The only writer of batches.archived_at /
 * deleted_at / duplicated_from (migration 011).
 */

export interface BatchAdminInfo {
  archivedAt: number | null;
  deletedAt: number | null;
  duplicatedFrom: string | null;
}

/** Rows "Re-run" and "Run again: only these rows" take: the contract's re-run statuses (Needs review, Rejected, Cancelled). */
export const FAILED_TASK_STATES: readonly TaskState[] = RERUN_STATES;

export function batchAdminInfo(db: Database): Map<string, BatchAdminInfo> {
  const rows = stmt(db, 'SELECT id, archived_at, deleted_at, duplicated_from FROM batches').all() as {
    id: string;
    archived_at: number | null;
    deleted_at: number | null;
    duplicated_from: string | null;
  }[];
  return new Map(rows.map((r) => [r.id, { archivedAt: r.archived_at, deletedAt: r.deleted_at, duplicatedFrom: r.duplicated_from }]));
}

/** A batch that exists and is not deleted (a deleted batch is a tombstone for its assets only). */
export function requireLiveBatch(db: Database, id: string): BatchRecord {
  const b = requireBatch(db, id);
  const r = stmt(db, 'SELECT deleted_at FROM batches WHERE id = ?').get(id) as { deleted_at: number | null };
  if (r.deleted_at !== null) throw new AppError('NotFound', `batch ${b.name} was deleted`, { batchId: id });
  return b;
}

export function renameBatch(db: Database, id: string, name: string, now = Date.now()): void {
  requireLiveBatch(db, id);
  const clean = name.trim();
  if (!clean) throw new AppError('BadInput', 'a batch name cannot be empty');
  if (clean.length > 200) throw new AppError('BadInput', `a batch name can have at most 200 characters (this one has ${clean.length})`);
  stmt(db, 'UPDATE batches SET name = ?, updated_at = ? WHERE id = ?').run(clean, now, id);
}

/** Archiving hides a batch from the default list; a running batch must be paused or cancelled first. */
export function setBatchArchived(db: Database, id: string, archived: boolean, now = Date.now()): void {
  const b = requireLiveBatch(db, id);
  if (archived && b.state === 'running') {
    throw new AppError('Conflict', `batch ${b.name} is running; pause or cancel it before archiving it`);
  }
  stmt(db, 'UPDATE batches SET archived_at = ?, updated_at = ? WHERE id = ?').run(archived ? now : null, now, id);
}

export interface DeletedBatch {
  tasks: number;
  /** Current library assets made by the batch (the caller deletes them when the user chose so). */
  assetIds: string[];
}

/**
 * Deletes a batch's tasks, attempts and delta reports and leaves a tombstone row so assets
 * keep their batch. A running batch must be cancelled or paused first (its workers hold leases).
 */
export function deleteBatch(db: Database, id: string, now = Date.now()): DeletedBatch {
  const b = requireLiveBatch(db, id);
  if (b.state === 'running') throw new AppError('Conflict', `batch ${b.name} is running; cancel or pause it before deleting it`);
  return db.transaction(() => {
    const leased = stmt(db, 'SELECT count(*) AS n FROM tasks WHERE batch_id = ? AND lease_until IS NOT NULL').get(id) as { n: number };
    if (leased.n > 0) throw new AppError('Conflict', `batch ${b.name} still has ${leased.n} row(s) generating; wait a moment and try again`);
    const assetIds = (stmt(db, `SELECT id FROM assets WHERE batch_id = ? AND is_current = 1 AND state != 'deleted'`).all(id) as { id: string }[]).map((r) => r.id);
    stmt(db, 'DELETE FROM delta_reports WHERE batch_id = ?').run(id);
    const tasks = stmt(db, 'DELETE FROM tasks WHERE batch_id = ?').run(id).changes;
    stmt(db, `UPDATE batches SET deleted_at = ?, updated_at = ?, finished_at = coalesce(finished_at, ?),
      state = CASE WHEN state IN ('done', 'cancelled') THEN state ELSE 'cancelled' END WHERE id = ?`).run(now, now, now, id);
    return { tasks, assetIds };
  })();
}

/** Task ids of a batch's failed rows, in row order. */
export function failedTaskIds(db: Database, batchId: string): string[] {
  requireLiveBatch(db, batchId);
  return (
    stmt(db, `SELECT id FROM tasks WHERE batch_id = ? AND state IN (${placeholders(FAILED_TASK_STATES.length)}) ORDER BY row_index`).all(
      batchId,
      ...FAILED_TASK_STATES,
    ) as { id: string }[]
  ).map((r) => r.id);
}

/** What may change when a batch is run again; everything else is copied. */
export interface DuplicateChanges {
  name?: string;
  steps?: number;
  guidance?: number;
  sampler?: BatchConfig['sampler'];
  width?: number;
  height?: number;
  /** 'keep' reuses every row's seed (same images on the same pack); 'new' draws fresh ones. */
  seeds?: 'keep' | 'new';
  /** Only the rows that failed (review, rejected, cancelled) instead of every row. */
  onlyFailed?: boolean;
}

const MAX_SEED = 4_294_967_295;

/**
 * The NewBatch input of "run again with changes": the source batch's rows (rendered prompts,
 * categories, source cells) with the changed parameters, as a draft the user starts. The caller
 * creates it through the engine so the usual events fire.
 */
export function duplicateBatchInput(db: Database, sourceId: string, changes: DuplicateChanges = {}): NewBatch & { duplicatedFrom: string } {
  const src = requireLiveBatch(db, sourceId);
  const stateFilter = changes.onlyFailed ? `AND state IN (${placeholders(FAILED_TASK_STATES.length)})` : '';
  const rows = stmt(
    db,
    `SELECT row_index, name, prompt, negative_prompt, params, category, source_row, priority FROM tasks WHERE batch_id = ? ${stateFilter} ORDER BY row_index`,
  ).all(sourceId, ...(changes.onlyFailed ? FAILED_TASK_STATES : [])) as {
    row_index: number;
    name: string;
    prompt: string;
    negative_prompt: string;
    params: string;
    category: string | null;
    source_row: string;
    priority: number;
  }[];
  if (rows.length === 0) {
    throw new AppError('BadInput', changes.onlyFailed ? `batch ${src.name} has no failed rows to run again` : `batch ${src.name} has no rows to copy`);
  }
  const override: Partial<Pick<BatchConfig, 'steps' | 'guidance' | 'sampler' | 'width' | 'height'>> = {
    ...(changes.steps !== undefined ? { steps: changes.steps } : {}),
    ...(changes.guidance !== undefined ? { guidance: changes.guidance } : {}),
    ...(changes.sampler !== undefined ? { sampler: changes.sampler } : {}),
    ...(changes.width !== undefined ? { width: changes.width } : {}),
    ...(changes.height !== undefined ? { height: changes.height } : {}),
  };
  const tasks: NewTask[] = rows.map((r) => {
    const base = JSON.parse(r.params) as GenerationParams;
    const params: GenerationParams = { ...base, ...override, ...(changes.seeds === 'new' ? { seed: randomInt(0, MAX_SEED) } : {}) };
    return {
      rowIndex: r.row_index,
      name: r.name,
      prompt: r.prompt,
      negativePrompt: r.negative_prompt,
      params,
      category: r.category,
      sourceRow: JSON.parse(r.source_row) as Record<string, string>,
      priority: r.priority,
    };
  });
  return {
    name: changes.name?.trim() || `${src.name} (again)`,
    config: { ...src.config, ...override },
    template: src.template,
    profileId: src.profileId,
    profileVersion: src.profileVersion,
    csvName: src.csvName,
    csvSha256: src.csvSha256,
    source: 'ui',
    priority: src.priority,
    state: 'draft',
    initialTaskState: 'queued',
    tasks,
    duplicatedFrom: sourceId,
  };
}

/** Records where a duplicated batch came from (shown in the list as "run again of …"). */
export function markDuplicatedFrom(db: Database, id: string, sourceId: string): void {
  stmt(db, 'UPDATE batches SET duplicated_from = ? WHERE id = ?').run(sourceId, id);
}
