import { AppError } from '../../core/app-error.ts';
import { listAttempts } from '../ledger/attempts.ts';
import { cancelBatchTasks, countTasks, createBatch, getBatch, listBatches, requireBatch, setBatchPriority, setBatchState, type NewBatch } from '../ledger/batches.ts';
import { listTasks, patchTask, requireTask, setTaskPriority, transitionTask, type TaskFilter } from '../ledger/tasks.ts';
import type { AttemptRecord, BatchRecord, BatchState, TaskRecord } from '../types.ts';
import type { EngineHooks } from './hooks.ts';

/**
 * Run control. Each action is a ledger write (so it survives a restart) followed by waking or
 * aborting the running workers; none holds state only in memory.
 */
export interface ControlOps {
  /** Creates the batch and its tasks; `start: true` (or state 'running') queues it right away. */
  createBatch(input: NewBatch & { start?: boolean }): BatchRecord;
  startBatch(batchId: string): void;
  /** Stops claiming the batch's tasks and aborts its in-flight generations (re-queued, not counted). */
  pauseBatch(batchId: string): void;
  /** Runs a paused batch again; a batch the engine paused (missing model, stage failure) retries those rows. */
  resumeBatch(batchId: string): void;
  /** Cancels every unfinished task and aborts in-flight generation through its AbortSignal. */
  cancelBatch(batchId: string): void;
  setBatchPriority(batchId: string, priority: number): void;
  setTaskPriority(taskId: string, priority: number): void;
  /** A task held after a low pre-flight score: release it to the queue, or drop it. */
  releaseHeld(taskId: string): void;
  dropHeld(taskId: string): void;
  getBatch(batchId: string): BatchRecord | undefined;
  listBatches(states?: readonly BatchState[]): BatchRecord[];
  listTasks(filter?: TaskFilter): TaskRecord[];
  listAttempts(taskId: string): AttemptRecord[];
  countTasks(batchId?: string): ReturnType<typeof countTasks>;
}

export function controlOps(h: EngineHooks): ControlOps {
  const db = h.db;

  const setBatch = (batchId: string, to: BatchState, from: BatchState[], reason?: string): boolean => {
    const before = requireBatch(db, batchId);
    if (!setBatchState(db, batchId, to, from)) return false;
    h.emitBatchState(batchId, before.state, to, reason);
    return true;
  };

  const ops: ControlOps = {
    createBatch(input) {
      const state: BatchState = input.start ? 'running' : (input.state ?? 'draft');
      const b = createBatch(db, { ...input, state });
      h.emitBatchState(b.id, null, b.state);
      h.wake();
      return b;
    },
    startBatch(batchId) {
      if (!setBatch(batchId, 'running', ['draft', 'paused'])) {
        const b = requireBatch(db, batchId);
        if (b.state !== 'running') throw new AppError('Conflict', `batch ${batchId} is ${b.state}; it cannot be started`);
      }
      h.wake();
      h.checkBatchDone(batchId);
    },
    pauseBatch(batchId) {
      if (!setBatch(batchId, 'paused', ['running', 'draft'])) {
        const b = requireBatch(db, batchId);
        if (b.state !== 'paused') throw new AppError('Conflict', `batch ${batchId} is ${b.state}; it cannot be paused`);
      }
      h.abortBatch(batchId, 'paused');
    },
    resumeBatch(batchId) {
      ops.startBatch(batchId);
    },
    cancelBatch(batchId) {
      const b = requireBatch(db, batchId);
      if (b.state === 'cancelled') return;
      const moved = cancelBatchTasks(db, batchId, b.state);
      h.abortBatch(batchId, 'cancelled');
      for (const t of moved) h.emitTask({ batchId, id: t.id, rowIndex: t.rowIndex }, t.state, 'cancelled', { reason: 'batch cancelled' });
      h.emitBatchState(batchId, b.state, 'cancelled');
      void h.releaseStages(batchId);
    },
    setBatchPriority(batchId, priority) {
      setBatchPriority(db, batchId, priority);
      h.wake();
    },
    setTaskPriority(taskId, priority) {
      setTaskPriority(db, taskId, priority);
      h.wake();
    },
    releaseHeld(taskId) {
      const t = requireTask(db, taskId);
      if (!t.held) throw new AppError('Conflict', `task ${taskId} is not held`);
      patchTask(db, taskId, [t.state], { held: false });
      if (setBatchState(db, t.batchId, 'running', ['done'])) h.emitBatchState(t.batchId, 'done', 'running', 'work added');
      h.emitTask(t, t.state, t.state, { reason: 'released by the user' });
      h.wake();
    },
    dropHeld(taskId) {
      const t = requireTask(db, taskId);
      if (!t.held) throw new AppError('Conflict', `task ${taskId} is not held`);
      if (!transitionTask(db, taskId, [t.state], 'dropped', { held: false, lastError: 'dropped by the user after pre-flight' })) {
        throw new AppError('Conflict', `task ${taskId} is ${t.state}; it cannot be dropped`);
      }
      h.emitTask(t, t.state, 'dropped', { reason: 'dropped by the user' });
      h.checkBatchDone(t.batchId);
    },
    getBatch: (batchId) => getBatch(db, batchId),
    listBatches: (states) => listBatches(db, states),
    listTasks: (filter) => listTasks(db, filter),
    listAttempts: (taskId) => listAttempts(db, taskId),
    countTasks: (batchId) => countTasks(db, batchId),
  };
  return ops;
}
