import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { AppError } from '../../core/app-error.ts';
import { BatchConfigSchema, type BatchConfigInput } from '../records/batch-config.ts';
import { computeTaskKey } from '../task-key.ts';
import { TASK_STATES, type BatchRecord, type BatchState, type GenerationParams, type TaskState } from '../types.ts';
import { toBatch, type BatchRow } from './rows.ts';
import { placeholders, stmt } from './statements.ts';

/** One parsed CSV row as the ledger stores it (prompt already rendered by intake). */
export interface NewTask {
  rowIndex: number;
  name: string;
  prompt: string;
  negativePrompt?: string;
  params: GenerationParams;
  category?: string | null;
  sourceRow?: Record<string, string>;
  priority?: number;
  preflightConfidence?: number | null;
  /** Held for the user after a low pre-flight score (released or dropped later). */
  held?: boolean;
}

export interface NewBatch {
  id?: string;
  name: string;
  /** The batch's settings (validated into a full BatchConfig before it is stored). */
  config: BatchConfigInput;
  /** Model id that goes into every task key; stored as config.packId (overrides it when given). */
  model?: string;
  template?: string | null;
  profileId?: string | null;
  profileVersion?: number | null;
  csvName?: string | null;
  csvSha256?: string | null;
  source?: 'ui' | 'cli' | 'hot-folder';
  runKey?: string | null;
  priority?: number;
  /** Initial batch state; 'draft' until the user starts it, 'running' for headless runs. */
  state?: BatchState;
  /** 'pending' when a pre-flight stage should see the tasks first, else 'queued'. */
  initialTaskState?: 'pending' | 'queued';
  tasks: NewTask[];
}

/** Creates the batch and all its tasks in one transaction, so a half-created batch never exists. */
export function createBatch(db: Database, input: NewBatch, now = Date.now()): BatchRecord {
  const id = input.id ?? randomUUID();
  const taskState = input.initialTaskState ?? 'queued';
  const parsed = BatchConfigSchema.safeParse({ ...input.config, ...(input.model ? { packId: input.model } : {}) });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new AppError('BadInput', `invalid batch configuration: ${issues.join('; ')}`, { issues });
  }
  const config = parsed.data;
  const rows = new Set<number>();
  for (const t of input.tasks) {
    if (rows.has(t.rowIndex)) throw new AppError('BadInput', `row ${t.rowIndex} appears twice in the batch`, { row: t.rowIndex });
    rows.add(t.rowIndex);
  }
  db.transaction(() => {
    stmt(
      db,
      `INSERT INTO batches (id, name, state, priority, config, template, profile_id, profile_version, csv_name, csv_sha256, source, run_key, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.name,
      input.state ?? 'draft',
      input.priority ?? 0,
      JSON.stringify(config),
      input.template ?? null,
      input.profileId ?? null,
      input.profileVersion ?? null,
      input.csvName ?? null,
      input.csvSha256 ?? null,
      input.source ?? 'ui',
      input.runKey ?? null,
      now,
      now,
    );
    const ins = stmt(
      db,
      `INSERT INTO tasks (id, batch_id, row_index, task_key, name, prompt, negative_prompt, params, category, source_row, state, priority, preflight_confidence, held, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const t of input.tasks) {
      const key = computeTaskKey({
        batchId: id,
        rowIndex: t.rowIndex,
        prompt: t.prompt,
        profileVersion: input.profileVersion ?? null,
        seed: t.params.seed,
        model: config.packId,
      });
      ins.run(
        randomUUID(),
        id,
        t.rowIndex,
        key,
        t.name,
        t.prompt,
        t.negativePrompt ?? '',
        JSON.stringify(t.params),
        t.category ?? null,
        JSON.stringify(t.sourceRow ?? {}),
        taskState,
        t.priority ?? 0,
        t.preflightConfidence ?? null,
        t.held ? 1 : 0,
        now,
        now,
      );
    }
  })();
  const b = getBatch(db, id);
  if (!b) throw new AppError('Internal', `batch ${id} vanished after insert`);
  return b;
}

export function getBatch(db: Database, id: string): BatchRecord | undefined {
  const r = stmt(db, 'SELECT * FROM batches WHERE id = ?').get(id) as BatchRow | undefined;
  return r ? toBatch(r) : undefined;
}

export function requireBatch(db: Database, id: string): BatchRecord {
  const b = getBatch(db, id);
  if (!b) throw new AppError('NotFound', `no batch ${id}`, { batchId: id });
  return b;
}

/** Batches in run order: priority first, then oldest. */
export function listBatches(db: Database, states?: readonly BatchState[]): BatchRecord[] {
  const rows = (
    states && states.length > 0
      ? db.prepare(`SELECT * FROM batches WHERE state IN (${placeholders(states.length)}) ORDER BY priority DESC, created_at, id`).all(...states)
      : stmt(db, 'SELECT * FROM batches ORDER BY priority DESC, created_at, id').all()
  ) as BatchRow[];
  return rows.map(toBatch);
}

/** The newest batch of a headless run with this identity that was not cancelled. */
export function findBatchByRunKey(db: Database, runKey: string): BatchRecord | undefined {
  const r = stmt(db, `SELECT * FROM batches WHERE run_key = ? AND state != 'cancelled' ORDER BY created_at DESC LIMIT 1`).get(runKey) as
    | BatchRow
    | undefined;
  return r ? toBatch(r) : undefined;
}

/**
 * Sets the batch state when it is currently one of `from`; returns false when it was not. A pause
 * by the engine stores its reason (shown until resume); any other move clears it.
 */
export function setBatchState(db: Database, id: string, to: BatchState, from: readonly BatchState[], now = Date.now(), pauseReason: string | null = null): boolean {
  const finished = to === 'done' || to === 'cancelled' ? now : null;
  const res = stmt(db, `UPDATE batches SET state = ?, updated_at = ?, finished_at = ?, pause_reason = ? WHERE id = ? AND state IN (${placeholders(from.length)})`)
    .run(to, now, finished, to === 'paused' ? pauseReason : null, id, ...from);
  return res.changes === 1;
}

export function setBatchPriority(db: Database, id: string, priority: number, now = Date.now()): void {
  const res = stmt(db, 'UPDATE batches SET priority = ?, updated_at = ? WHERE id = ?').run(priority, now, id);
  if (res.changes !== 1) throw new AppError('NotFound', `no batch ${id}`, { batchId: id });
}

export function addBatchGpuMs(db: Database, id: string, ms: number): void {
  stmt(db, 'UPDATE batches SET gpu_ms = gpu_ms + ? WHERE id = ?').run(Math.round(ms), id);
}

export type StateCounts = Record<TaskState, number>;

export function emptyCounts(): StateCounts {
  return Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as StateCounts;
}

/** Task counts per state (held tasks are also counted under `held`). */
export function countTasks(db: Database, batchId?: string): { byState: StateCounts; held: number; total: number } {
  const rows = (
    batchId
      ? stmt(db, 'SELECT state, held, COUNT(*) AS n FROM tasks WHERE batch_id = ? GROUP BY state, held').all(batchId)
      : stmt(db, 'SELECT state, held, COUNT(*) AS n FROM tasks GROUP BY state, held').all()
  ) as { state: TaskState; held: number; n: number }[];
  const byState = emptyCounts();
  let held = 0;
  let total = 0;
  for (const r of rows) {
    byState[r.state] = (byState[r.state] ?? 0) + r.n;
    if (r.held === 1) held += r.n;
    total += r.n;
  }
  return { byState, held, total };
}

/**
 * Cancels every unfinished task of a batch (closing their open attempts) and the batch itself,
 * in one transaction; returns the tasks it moved so their events can be sent.
 */
export function cancelBatchTasks(db: Database, batchId: string, from: BatchState, now = Date.now()): { id: string; rowIndex: number; state: TaskState }[] {
  return db.transaction(() => {
    const open = stmt(db, `SELECT id, row_index, state FROM tasks WHERE batch_id = ? AND state NOT IN (${placeholders(FINAL_STATES_SQL.length)})`).all(
      batchId,
      ...FINAL_STATES_SQL,
    ) as { id: string; row_index: number; state: TaskState }[];
    stmt(
      db,
      `UPDATE attempts SET outcome = 'cancelled', error_kind = 'Cancelled', error = 'batch cancelled', ended_at = ?
       WHERE outcome IS NULL AND task_id IN (SELECT id FROM tasks WHERE batch_id = ?)`,
    ).run(now, batchId);
    stmt(
      db,
      `UPDATE tasks SET state = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE batch_id = ? AND state NOT IN (${placeholders(FINAL_STATES_SQL.length)})`,
    ).run(now, batchId, ...FINAL_STATES_SQL);
    setBatchState(db, batchId, 'cancelled', [from], now);
    return open.map((t) => ({ id: t.id, rowIndex: t.row_index, state: t.state }));
  })();
}

const FINAL_STATES_SQL: readonly TaskState[] = ['ready', 'dlq', 'rejected', 'dropped', 'cancelled'];
