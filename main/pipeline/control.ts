
import { AppError } from '../core/app-error.ts';
import type { EngineInternals } from './engine.ts';
import { bestAttempt, finishAttempt, insertAttempt, listAttempts } from './ledger/attempts.ts';
import { countTasks, createBatch, getBatch, listBatches, requireBatch, setBatchPriority, setBatchState, type NewBatch } from './ledger/batches.ts';
import { placeholders, stmt } from './ledger/statements.ts';
import { listTasks, requireTask, setTaskPriority, transitionTask, type TaskFilter } from './ledger/tasks.ts';
import { FINAL_STATES } from './state-machine.ts';
import { computeTaskKey } from './task-key.ts';
import type { AttemptPlan, AttemptRecord, BatchRecord, BatchState, GenerationParams, TaskRecord, TaskState } from './types.ts';

export interface TaskEdits {
  prompt?: string;
  negativePrompt?: string;
  params?: Partial<GenerationParams>;
}

/**
 * Control actions. Each one is a ledger write (so it survives a restart) followed by waking
 * or aborting the running workers; none of them holds state only in memory.
 */
export interface ControlOps {
  /** Creates the batch and its tasks; `start: true` (or state 'running') queues it right away. */
  createBatch(input: NewBatch & { start?: boolean }): BatchRecord;
  startBatch(batchId: string): void;
  /** Stops claiming the batch's tasks and aborts its in-flight generations (re-queued, not counted). */
  pauseBatch(batchId: string): void;
  resumeBatch(batchId: string): void;
  /** Cancels every unfinished task and aborts in-flight generation through its AbortSignal. */
  cancelBatch(batchId: string): void;
  setBatchPriority(batchId: string, priority: number): void;
  setTaskPriority(taskId: string, priority: number): void;
  /** DLQ / rejected / cancelled → queued for a manual re-run, optionally with an edited prompt/params. */
  retryTask(taskId: string, edits?: TaskEdits): TaskRecord;
  /** DLQ → the best attempt's image is stored as the asset (post stages run), task ends ready. */
  approveTask(taskId: string): Promise<{ assetId: string }>;
  rejectTask(taskId: string, reason?: string): void;
  /** A task held after a low pre-flight score: release it to the queue, or drop it. */
  releaseHeld(taskId: string): void;
  dropHeld(taskId: string): void;
  getBatch(batchId: string): BatchRecord | undefined;
  listBatches(states?: readonly BatchState[]): BatchRecord[];
  listTasks(filter?: TaskFilter): TaskRecord[];
  listAttempts(taskId: string): AttemptRecord[];
  countTasks(batchId?: string): ReturnType<typeof countTasks>;
}

export function controlOps(e: EngineInternals): ControlOps {
  const db = e.db;

  const setBatch = (batchId: string, to: BatchState, from: BatchState[], reason?: string): boolean => {
    const before = requireBatch(db, batchId);
    if (!setBatchState(db, batchId, to, from)) return false;
    e.emitBatchState(batchId, before.state, to, reason);
    return true;
  };

  /** A finished batch that gets work again goes back to running. */
  const reopen = (batchId: string) => {
    if (setBatchState(db, batchId, 'running', ['done'])) e.emitBatchState(batchId, 'done', 'running', 'work added');
  };

  const abortBatch = (batchId: string, reason: string) => {
    for (const c of e.inflight.values()) if (c.task.batchId === batchId) c.abort.abort(reason);
  };

  const ops: ControlOps = {
    createBatch(input) {
      const state: BatchState = input.start ? 'running' : (input.state ?? 'draft');
      const b = createBatch(db, { ...input, state });
      e.emitBatchState(b.id, null, b.state);
      e.wake.notify();
      return b;
    },
    startBatch(batchId) {
      e.blocked.delete(batchId);
      if (!setBatch(batchId, 'running', ['draft', 'paused'])) {
        const b = requireBatch(db, batchId);
        if (b.state !== 'running') throw new AppError('Conflict', `batch ${batchId} is ${b.state}; it cannot be started`);
      }
      e.wake.notify();
      e.checkBatchDone(batchId);
    },
    pauseBatch(batchId) {
      if (!setBatch(batchId, 'paused', ['running', 'draft'])) {
        const b = requireBatch(db, batchId);
        if (b.state !== 'paused') throw new AppError('Conflict', `batch ${batchId} is ${b.state}; it cannot be paused`);
      }
      abortBatch(batchId, 'paused');
    },
    resumeBatch(batchId) {
      ops.startBatch(batchId);
    },
    cancelBatch(batchId) {
      const b = requireBatch(db, batchId);
      if (b.state === 'cancelled') return;
      const now = Date.now();
      const moved = db.transaction(() => {
        const open = stmt(
          db,
          `SELECT id, row_index, state FROM tasks WHERE batch_id = ? AND state NOT IN (${placeholders(FINAL_STATES.length)})`,
        ).all(batchId, ...FINAL_STATES) as { id: string; row_index: number; state: TaskState }[];
        stmt(
          db,
          `UPDATE attempts SET outcome = 'cancelled', error_kind = 'Cancelled', error = 'batch cancelled', ended_at = ?
           WHERE outcome IS NULL AND task_id IN (SELECT id FROM tasks WHERE batch_id = ?)`,
        ).run(now, batchId);
        stmt(
          db,
          `UPDATE tasks SET state = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?
           WHERE batch_id = ? AND state NOT IN (${placeholders(FINAL_STATES.length)})`,
        ).run(now, batchId, ...FINAL_STATES);
        setBatchState(db, batchId, 'cancelled', [b.state], now);
        return open;
      })();
      abortBatch(batchId, 'cancelled');
      for (const t of moved) e.emitTask({ batchId, id: t.id, rowIndex: t.row_index }, t.state, 'cancelled', { reason: 'batch cancelled' });
      e.emitBatchState(batchId, b.state, 'cancelled');
      void e.releaseStages(batchId);
    },
    setBatchPriority(batchId, priority) {
      setBatchPriority(db, batchId, priority);
      e.wake.notify();
    },
    setTaskPriority(taskId, priority) {
      setTaskPriority(db, taskId, priority);
      e.wake.notify();
    },
    retryTask(taskId, edits = {}) {
      const t = requireTask(db, taskId);
      const from: TaskState[] = ['dlq', 'rejected', 'cancelled'];
      if (!from.includes(t.state)) throw new AppError('Conflict', `task ${taskId} is ${t.state}; only review, rejected or cancelled tasks can be re-run`);
      const batch = requireBatch(db, t.batchId);
      if (batch.state === 'cancelled') throw new AppError('Conflict', `batch ${batch.id} was cancelled; re-run it as a new batch`);
      const prompt = edits.prompt ?? t.prompt;
      const negativePrompt = edits.negativePrompt ?? t.negativePrompt;
      const params = { ...t.params, ...edits.params } as GenerationParams;
      const plan: AttemptPlan = { kind: 'manual', prompt, negativePrompt, params, note: Object.keys(edits).length ? 'edited re-run' : 're-run' };
      const model = batch.config.packId;
      const key = computeTaskKey({ batchId: t.batchId, rowIndex: t.rowIndex, prompt, profileVersion: batch.profileVersion, seed: params.seed, model });
      const now = Date.now();
      db.transaction(() => {
        // The edited recipe becomes the task's base, and its key changes with it: an edited
        // re-run is a different effect and must not be answered by an older asset.
        stmt(db, 'UPDATE tasks SET prompt = ?, negative_prompt = ?, params = ?, task_key = ? WHERE id = ?').run(
          prompt,
          negativePrompt,
          JSON.stringify(params),
          key,
          taskId,
        );
        transitionTask(db, taskId, [t.state], 'queued', { styleRetries: 0, transientRetries: 0, nextAttempt: plan, notBefore: 0, lastError: null, lease: null }, now);
        if (batch.state === 'done') setBatchState(db, batch.id, 'running', ['done'], now);
      })();
      if (batch.state === 'done') e.emitBatchState(batch.id, 'done', 'running', 'task re-run');
      e.emitTask(t, t.state, 'queued', { reason: plan.note ?? 're-run' });
      e.wake.notify();
      return requireTask(db, taskId);
    },
    async approveTask(taskId) {
      const t = requireTask(db, taskId);
      if (t.state !== 'dlq') throw new AppError('Conflict', `task ${taskId} is ${t.state}; only tasks in review can be approved`);
      const best = bestAttempt(db, taskId);
      if (!best?.imagePath || !best.scores) throw new AppError('NotFound', `task ${taskId} has no attempt image to approve`);
      const batch = requireBatch(db, t.batchId);
      const stages = await e.stagesFor(batch);
      const image = await stages.archive.load(best.imagePath);
      const plan: AttemptPlan = { kind: 'manual', prompt: best.prompt, negativePrompt: best.negativePrompt, params: best.params, note: `approved attempt #${best.n}` };
      const now = Date.now();
      const opened = db.transaction(() => {
        const a = insertAttempt(db, taskId, plan, now);
        finishAttempt(db, a.id, { outcome: 'passed', scores: best.scores, imagePath: best.imagePath }, now);
        if (!transitionTask(db, taskId, ['dlq'], 'passed', { lastError: null, decision: 'approved' }, now)) throw new AppError('Conflict', `task ${taskId} left review meanwhile`);
        return a;
      })();
      e.emitTask(t, 'dlq', 'passed', { attempt: opened.n, reason: `approved attempt #${best.n}` });
      await e.finishPassed({
        task: { ...t, state: 'passed' },
        batch,
        plan,
        attemptId: opened.id,
        attemptN: opened.n,
        stages,
        abort: new AbortController(),
        timings: {},
        gpuMs: 0,
        image,
        scores: best.scores,
      });
      const after = requireTask(db, taskId);
      if (!after.assetId) throw new AppError('Internal', `approving task ${taskId} stored no asset`);
      return { assetId: after.assetId };
    },
    rejectTask(taskId, reason) {
      const t = requireTask(db, taskId);
      if (!transitionTask(db, taskId, ['dlq'], 'rejected', { lastError: reason ?? t.lastError })) {
        throw new AppError('Conflict', `task ${taskId} is ${t.state}; only tasks in review can be rejected`);
      }
      e.emitTask(t, 'dlq', 'rejected', reason ? { reason } : {});
      e.checkBatchDone(t.batchId);
    },
    releaseHeld(taskId) {
      const t = requireTask(db, taskId);
      if (!t.held) throw new AppError('Conflict', `task ${taskId} is not held`);
      stmt(db, 'UPDATE tasks SET held = 0, updated_at = ? WHERE id = ?').run(Date.now(), taskId);
      reopen(t.batchId);
      e.emitTask(t, t.state, t.state, { reason: 'released by the user' });
      e.wake.notify();
    },
    dropHeld(taskId) {
      const t = requireTask(db, taskId);
      if (!t.held) throw new AppError('Conflict', `task ${taskId} is not held`);
      if (!transitionTask(db, taskId, [t.state], 'dropped', { held: false, lastError: 'dropped by the user after pre-flight' })) {
        throw new AppError('Conflict', `task ${taskId} is ${t.state}; it cannot be dropped`);
      }
      e.emitTask(t, t.state, 'dropped', { reason: 'dropped by the user' });
      e.checkBatchDone(t.batchId);
    },
    getBatch: (batchId) => getBatch(db, batchId),
    listBatches: (states) => listBatches(db, states),
    listTasks: (filter) => listTasks(db, filter),
    listAttempts: (taskId) => listAttempts(db, taskId),
    countTasks: (batchId) => countTasks(db, batchId),
  };
  return ops;
}

