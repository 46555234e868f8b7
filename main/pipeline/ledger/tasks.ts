import type { Database } from 'better-sqlite3';
import { AppError } from '../../core/app-error.ts';
import { assertTransition, CLAIMABLE_STATES } from '../state-machine.ts';
import type { AttemptPlan, GenerationParams, TaskDecision, TaskRecord, TaskState } from '../types.ts';
import { toTask, type TaskRow } from './rows.ts';
import { placeholders, stmt } from './statements.ts';

export function getTask(db: Database, id: string): TaskRecord | undefined {
  const r = stmt(db, 'SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
  return r ? toTask(r) : undefined;
}

export function requireTask(db: Database, id: string): TaskRecord {
  const t = getTask(db, id);
  if (!t) throw new AppError('NotFound', `no task ${id}`, { taskId: id });
  return t;
}

export interface TaskFilter {
  batchId?: string;
  states?: readonly TaskState[];
  held?: boolean;
  limit?: number;
  offset?: number;
}

/** Tasks in run order (priority, then CSV row). */
export function listTasks(db: Database, f: TaskFilter = {}): TaskRecord[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.batchId) {
    where.push('batch_id = ?');
    args.push(f.batchId);
  }
  if (f.states && f.states.length > 0) {
    where.push(`state IN (${placeholders(f.states.length)})`);
    args.push(...f.states);
  }
  if (f.held !== undefined) {
    where.push('held = ?');
    args.push(f.held ? 1 : 0);
  }
  const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY priority DESC, row_index LIMIT ? OFFSET ?`;
  args.push(f.limit ?? -1, f.offset ?? 0);
  return (db.prepare(sql).all(...args) as TaskRow[]).map(toTask);
}

export interface TaskPatch {
  styleRetries?: number;
  transientRetries?: number;
  assetId?: string | null;
  lastError?: string | null;
  notBefore?: number;
  /** undefined leaves the lease alone; null clears it. */
  lease?: { owner: string; until: number } | null;
  nextAttempt?: AttemptPlan | null;
  held?: boolean;
  priority?: number;
  preflightConfidence?: number | null;
  decision?: TaskDecision | null;
  params?: GenerationParams;
  prompt?: string;
  negativePrompt?: string;
  taskKey?: string;
}

/**
 * Moves a task to `to` if it is currently in one of `from` (each checked against the state
 * machine). Returns false when the task had moved on (a racing cancel), so callers drop their
 * work instead of overwriting the newer state. Callers wrap it with attempt writes in one
 * transaction where both must land together.
 */
export function transitionTask(db: Database, id: string, from: readonly TaskState[], to: TaskState, patch: TaskPatch = {}, now = Date.now()): boolean {
  for (const f of from) assertTransition(f, to);
  return updateTask(db, id, from, to, patch, now);
}

/** Changes fields of a task that is in one of `states` without moving it (re-plan a held row, release it). */
export function patchTask(db: Database, id: string, states: readonly TaskState[], patch: TaskPatch, now = Date.now()): boolean {
  const t = getTask(db, id);
  if (!t || !states.includes(t.state)) return false;
  return updateTask(db, id, [t.state], t.state, patch, now);
}

function updateTask(db: Database, id: string, from: readonly TaskState[], to: TaskState, patch: TaskPatch, now: number): boolean {
  const sets = ['state = ?', 'updated_at = ?'];
  const args: unknown[] = [to, now];
  if (patch.params !== undefined) {
    sets.push('params = ?');
    args.push(JSON.stringify(patch.params));
  }
  if (patch.styleRetries !== undefined) {
    sets.push('style_retries = ?');
    args.push(patch.styleRetries);
  }
  if (patch.transientRetries !== undefined) {
    sets.push('transient_retries = ?');
    args.push(patch.transientRetries);
  }
  if (patch.assetId !== undefined) {
    sets.push('asset_id = ?');
    args.push(patch.assetId);
  }
  if (patch.lastError !== undefined) {
    sets.push('last_error = ?');
    args.push(patch.lastError);
  }
  if (patch.notBefore !== undefined) {
    sets.push('not_before = ?');
    args.push(patch.notBefore);
  }
  if (patch.lease !== undefined) {
    sets.push('lease_owner = ?', 'lease_until = ?');
    args.push(patch.lease?.owner ?? null, patch.lease?.until ?? null);
  }
  if (patch.nextAttempt !== undefined) {
    sets.push('next_attempt = ?');
    args.push(patch.nextAttempt ? JSON.stringify(patch.nextAttempt) : null);
  }
  if (patch.held !== undefined) {
    sets.push('held = ?');
    args.push(patch.held ? 1 : 0);
  }
  if (patch.priority !== undefined) {
    sets.push('priority = ?');
    args.push(patch.priority);
  }
  if (patch.preflightConfidence !== undefined) {
    sets.push('preflight_confidence = ?');
    args.push(patch.preflightConfidence);
  }
  if (patch.decision !== undefined) {
    sets.push('decision = ?');
    args.push(patch.decision);
  }
  if (patch.prompt !== undefined) {
    sets.push('prompt = ?');
    args.push(patch.prompt);
  }
  if (patch.negativePrompt !== undefined) {
    sets.push('negative_prompt = ?');
    args.push(patch.negativePrompt);
  }
  if (patch.taskKey !== undefined) {
    sets.push('task_key = ?');
    args.push(patch.taskKey);
  }
  const sql = `UPDATE tasks SET ${sets.join(', ')} WHERE id = ? AND state IN (${placeholders(from.length)})`;
  return stmt(db, sql).run(...args, id, ...from).changes === 1;
}

/** The next claimable task: running batches by priority then age; tasks by priority then row. */
export function nextClaimable(db: Database, now: number, excludeBatches: readonly string[] = []): TaskRecord | undefined {
  const excl = excludeBatches.length ? `AND t.batch_id NOT IN (${placeholders(excludeBatches.length)})` : '';
  const r = stmt(
    db,
    `SELECT t.* FROM tasks t JOIN batches b ON b.id = t.batch_id
     WHERE b.state = 'running' AND t.state IN (${placeholders(CLAIMABLE_STATES.length)}) AND t.held = 0 AND t.not_before <= ? ${excl}
     ORDER BY b.priority DESC, b.created_at, t.priority DESC, t.row_index LIMIT 1`,
  ).get(...CLAIMABLE_STATES, now, ...excludeBatches) as TaskRow | undefined;
  return r ? toTask(r) : undefined;
}

/** Earliest not_before among claimable tasks of running batches still backing off (to sleep until). */
export function nextWakeAt(db: Database, now: number): number | null {
  const r = stmt(
    db,
    `SELECT MIN(t.not_before) AS at FROM tasks t JOIN batches b ON b.id = t.batch_id
     WHERE b.state = 'running' AND t.state IN (${placeholders(CLAIMABLE_STATES.length)}) AND t.held = 0 AND t.not_before > ?`,
  ).get(...CLAIMABLE_STATES, now) as { at: number | null };
  return r.at;
}

export function setTaskPriority(db: Database, id: string, priority: number, now = Date.now()): void {
  const res = stmt(db, 'UPDATE tasks SET priority = ?, updated_at = ? WHERE id = ?').run(priority, now, id);
  if (res.changes !== 1) throw new AppError('NotFound', `no task ${id}`, { taskId: id });
}

/** Heartbeat: pushes out every lease this engine holds. */
export function renewLeases(db: Database, owner: string, until: number): number {
  return stmt(db, 'UPDATE tasks SET lease_until = ? WHERE lease_owner = ? AND lease_until IS NOT NULL').run(until, owner).changes;
}
