import type { Database } from 'better-sqlite3';
import { AppError } from '../../core/app-error.ts';
import type { AttemptPlan, GenerationParams, TaskDecision, TaskRecord, TaskState } from '../types.ts';
import { stmt } from './statements.ts';

/**
 * Review decisions (approve, reject, re-run, delta accept/edit/dismiss) recorded with who and
 * when, and what undo needs: the task's fields before the decision. Written in the same
 * transaction as the task change the decision made (review-ops.ts).
 */
export type ReviewAction = 'approve' | 'reject' | 'rerun' | 'delta-accept' | 'delta-edit' | 'delta-dismiss';

/** The task as it was before a decision (undo restores exactly these fields). */
export interface TaskSnapshot {
  state: TaskState;
  decision: TaskDecision | null;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  taskKey: string;
  nextAttempt: AttemptPlan | null;
  styleRetries: number;
  transientRetries: number;
  held: boolean;
  assetId: string | null;
  lastError: string | null;
  delta?: { id: number; status: string };
}

export interface ReviewDecision {
  id: number;
  taskId: string;
  batchId: string;
  action: ReviewAction;
  attemptN: number | null;
  assetId: string | null;
  prompt: string | null;
  by: string;
  at: number;
  undoneAt: number | null;
  before: TaskSnapshot;
}

export function snapshotTask(t: TaskRecord, delta?: { id: number; status: string }): TaskSnapshot {
  return {
    state: t.state,
    decision: t.decision,
    prompt: t.prompt,
    negativePrompt: t.negativePrompt,
    params: t.params,
    taskKey: t.taskKey,
    nextAttempt: t.nextAttempt,
    styleRetries: t.styleRetries,
    transientRetries: t.transientRetries,
    held: t.held,
    assetId: t.assetId,
    lastError: t.lastError,
    ...(delta ? { delta } : {}),
  };
}

export function recordDecision(
  db: Database,
  d: { taskId: string; batchId: string; action: ReviewAction; attemptN?: number | null; assetId?: string | null; prompt?: string | null; by: string; before: TaskSnapshot },
  now = Date.now(),
): number {
  const r = stmt(
    db,
    `INSERT INTO review_decisions (task_id, batch_id, action, attempt_n, asset_id, prompt, by_whom, at, undo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(d.taskId, d.batchId, d.action, d.attemptN ?? null, d.assetId ?? null, d.prompt ?? null, d.by, now, JSON.stringify(d.before));
  return Number(r.lastInsertRowid);
}

export function setDecisionAsset(db: Database, id: number, assetId: string): void {
  stmt(db, 'UPDATE review_decisions SET asset_id = ? WHERE id = ?').run(assetId, id);
}

interface Row {
  id: number;
  task_id: string;
  batch_id: string;
  action: string;
  attempt_n: number | null;
  asset_id: string | null;
  prompt: string | null;
  by_whom: string;
  at: number;
  undo: string;
  undone_at: number | null;
}

const toDecision = (r: Row): ReviewDecision => ({
  id: r.id,
  taskId: r.task_id,
  batchId: r.batch_id,
  action: r.action as ReviewAction,
  attemptN: r.attempt_n,
  assetId: r.asset_id,
  prompt: r.prompt,
  by: r.by_whom,
  at: r.at,
  undoneAt: r.undone_at,
  before: JSON.parse(r.undo) as TaskSnapshot,
});

export function getDecision(db: Database, id: number): ReviewDecision {
  const r = stmt(db, 'SELECT * FROM review_decisions WHERE id = ?').get(id) as Row | undefined;
  if (!r) throw new AppError('NotFound', `no review decision ${id}`, { decisionId: id });
  return toDecision(r);
}

export function listDecisions(db: Database, f: { taskId?: string; batchId?: string; limit?: number } = {}): ReviewDecision[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.taskId) {
    where.push('task_id = ?');
    args.push(f.taskId);
  }
  if (f.batchId) {
    where.push('batch_id = ?');
    args.push(f.batchId);
  }
  const sql = `SELECT * FROM review_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
  return (db.prepare(sql).all(...args, f.limit ?? 100) as Row[]).map(toDecision);
}

/** The newest decision of a task that is not undone (only that one can be undone). */
export function latestDecision(db: Database, taskId: string): ReviewDecision | undefined {
  const r = stmt(db, 'SELECT * FROM review_decisions WHERE task_id = ? AND undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1').get(taskId) as Row | undefined;
  return r ? toDecision(r) : undefined;
}

export function markUndone(db: Database, id: number, now = Date.now()): void {
  stmt(db, 'UPDATE review_decisions SET undone_at = ? WHERE id = ? AND undone_at IS NULL').run(now, id);
}

/** Puts the snapshot's fields back on the task (state included, checked by the caller). */
export function restoreTask(db: Database, taskId: string, s: TaskSnapshot, now = Date.now()): void {
  stmt(
    db,
    `UPDATE tasks SET state = ?, decision = ?, prompt = ?, negative_prompt = ?, params = ?, task_key = ?, next_attempt = ?,
       style_retries = ?, transient_retries = ?, held = ?, asset_id = ?, last_error = ?, lease_owner = NULL, lease_until = NULL, not_before = 0, updated_at = ?
     WHERE id = ?`,
  ).run(
    s.state,
    s.decision,
    s.prompt,
    s.negativePrompt,
    JSON.stringify(s.params),
    s.taskKey,
    s.nextAttempt ? JSON.stringify(s.nextAttempt) : null,
    s.styleRetries,
    s.transientRetries,
    s.held ? 1 : 0,
    s.assetId,
    s.lastError,
    now,
    taskId,
  );
}

// ---- delta reports follow their task --------------------------------------------------------

export type DeltaStatus = 'open' | 'accepted' | 'edited' | 'dismissed' | 'ran';

export function getDelta(db: Database, id: number): { id: number; batchId: string; taskId: string | null; suggestion: string; status: DeltaStatus } {
  const r = stmt(db, 'SELECT id, batch_id AS batchId, task_id AS taskId, suggestion, status FROM delta_reports WHERE id = ?').get(id) as
    | { id: number; batchId: string; taskId: string | null; suggestion: string; status: DeltaStatus }
    | undefined;
  if (!r) throw new AppError('NotFound', `delta report ${id} not found`, { deltaId: id });
  return r;
}

export function setDeltaStatus(db: Database, id: number, status: DeltaStatus, now = Date.now()): void {
  stmt(db, 'UPDATE delta_reports SET status = ?, resolved_at = ? WHERE id = ?').run(status, status === 'open' ? null : now, id);
}

/** A task started generating: its still-open delta reports are resolved as "ran" (the row used its prompt as it was). */
export function resolveDeltasForTask(db: Database, batchId: string, taskId: string, now = Date.now()): number {
  // batch_id + status use the delta_by_batch index: a claim pays one indexed probe, not a scan.
  return stmt(db, `UPDATE delta_reports SET status = 'ran', resolved_at = ? WHERE batch_id = ? AND status = 'open' AND task_id = ?`).run(now, batchId, taskId).changes;
}
