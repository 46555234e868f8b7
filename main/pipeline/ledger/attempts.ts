import type { Database } from 'better-sqlite3';
import type { StyleScores } from '../records/style-scores.ts';
import type { AttemptOutcome, AttemptPlan, AttemptRecord } from '../types.ts';
import { toAttempt, type AttemptRow } from './rows.ts';
import { stmt } from './statements.ts';

/** Opens the attempt row for a plan; n counts every try of the task, 1-based. */
export function insertAttempt(db: Database, taskId: string, plan: AttemptPlan, now = Date.now()): { id: number; n: number } {
  const { n } = stmt(db, 'SELECT COALESCE(MAX(n), 0) + 1 AS n FROM attempts WHERE task_id = ?').get(taskId) as { n: number };
  const params =
    plan.escalation || plan.note || plan.candidate || plan.lineStart
      ? { ...plan.params, escalation: plan.escalation, note: plan.note, candidate: plan.candidate, ...(plan.lineStart ? { lineStart: true } : {}) }
      : plan.params;
  const res = stmt(
    db,
    `INSERT INTO attempts (task_id, n, kind, prompt, negative_prompt, params, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(taskId, n, plan.kind, plan.prompt, plan.negativePrompt, JSON.stringify(params), now);
  return { id: Number(res.lastInsertRowid), n };
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  scores?: StyleScores | null;
  errorKind?: string | null;
  error?: string | null;
  imagePath?: string | null;
  gpuMs?: number | null;
  timings?: Record<string, number> | null;
}

/** Closes an attempt; only an open attempt (outcome NULL) is closed, so a replay cannot rewrite history. */
export function finishAttempt(db: Database, id: number, r: AttemptResult, now = Date.now()): void {
  stmt(
    db,
    `UPDATE attempts SET outcome = ?, scores = ?, error_kind = ?, error = ?, image_path = COALESCE(?, image_path), gpu_ms = ?, timings = ?, ended_at = ?
     WHERE id = ? AND outcome IS NULL`,
  ).run(
    r.outcome,
    r.scores ? JSON.stringify(r.scores) : null,
    r.errorKind ?? null,
    r.error ?? null,
    r.imagePath ?? null,
    r.gpuMs == null ? null : Math.round(r.gpuMs),
    r.timings ? JSON.stringify(r.timings) : null,
    now,
    id,
  );
}

/** Adds timings of later stages (store, tag…) to an already closed attempt. */
export function mergeAttemptTimings(db: Database, id: number, extra: Record<string, number>): void {
  const row = stmt(db, 'SELECT timings FROM attempts WHERE id = ?').get(id) as { timings: string | null } | undefined;
  if (!row) return;
  const merged = { ...(row.timings ? (JSON.parse(row.timings) as Record<string, number>) : {}), ...extra };
  stmt(db, 'UPDATE attempts SET timings = ? WHERE id = ?').run(JSON.stringify(merged), id);
}

export function getAttempt(db: Database, id: number): AttemptRecord | undefined {
  const r = stmt(db, 'SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
  return r ? toAttempt(r) : undefined;
}

export function listAttempts(db: Database, taskId: string): AttemptRecord[] {
  return (stmt(db, 'SELECT * FROM attempts WHERE task_id = ? ORDER BY n').all(taskId) as AttemptRow[]).map(toAttempt);
}

/** The open (running) attempt of a task, if any. */
export function openAttempt(db: Database, taskId: string): AttemptRecord | undefined {
  const r = stmt(db, 'SELECT * FROM attempts WHERE task_id = ? AND outcome IS NULL ORDER BY n DESC LIMIT 1').get(taskId) as AttemptRow | undefined;
  return r ? toAttempt(r) : undefined;
}

/** The number the next attempt of a task will get. */
export function nextAttemptN(db: Database, taskId: string): number {
  return (stmt(db, 'SELECT COALESCE(MAX(n), 0) + 1 AS n FROM attempts WHERE task_id = ?').get(taskId) as { n: number }).n;
}

/**
 * Where the task's current attempt line starts: 1, or the newest manual re-run (Edit &
 * regenerate starts a new line, and what review shows and approves comes from that line).
 */
export function lineStartN(db: Database, taskId: string): number {
  const r = stmt(db, `SELECT MAX(n) AS n FROM attempts WHERE task_id = ? AND json_extract(params, '$.lineStart') = 1`).get(taskId) as { n: number | null };
  return r.n ?? 1;
}

/** The highest-scoring attempt of the current line that kept an image: what review shows first and what approve stores. */
export function bestAttempt(db: Database, taskId: string): AttemptRecord | undefined {
  const r = stmt(
    db,
    `SELECT * FROM attempts WHERE task_id = ? AND n >= ? AND image_path IS NOT NULL AND scores IS NOT NULL
     ORDER BY json_extract(scores, '$.styleScore') DESC, n DESC LIMIT 1`,
  ).get(taskId, lineStartN(db, taskId)) as AttemptRow | undefined;
  return r ? toAttempt(r) : undefined;
}

/** One attempt of a task by its number. */
export function attemptByN(db: Database, taskId: string, n: number): AttemptRecord | undefined {
  const r = stmt(db, 'SELECT * FROM attempts WHERE task_id = ? AND n = ?').get(taskId, n) as AttemptRow | undefined;
  return r ? toAttempt(r) : undefined;
}

/** Best of k: the scored attempts with images from attempt `fromN` on (one round of candidates). */
export function roundAttempts(db: Database, taskId: string, fromN: number): AttemptRecord[] {
  return (stmt(db, 'SELECT * FROM attempts WHERE task_id = ? AND n >= ? AND scores IS NOT NULL AND image_path IS NOT NULL ORDER BY n').all(taskId, fromN) as AttemptRow[]).map(toAttempt);
}
