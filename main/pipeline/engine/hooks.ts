import type { Database } from 'better-sqlite3';
import type { PipelineConfig } from '../config.ts';
import type { TaskStateEvent } from '../events.ts';
import type { BatchStages } from '../stages.ts';
import type { BatchRecord, BatchState, TaskRecord, TaskState } from '../types.ts';
import type { Validated } from './claim.ts';

/**
 * The narrow interface the engine's parts (control, review, decisions, error handling) see:
 * the ledger connection, the event outlets and the few engine actions they may trigger. Nothing
 * here exposes the loops, the queues or the in-flight map.
 */
export interface EngineHooks {
  readonly db: Database;
  readonly config: PipelineConfig;
  readonly owner: string;
  emitTask(task: Pick<TaskRecord, 'batchId' | 'id' | 'rowIndex'>, from: TaskState | null, to: TaskState, extra?: Partial<TaskStateEvent>): void;
  emitBatchState(batchId: string, from: BatchState | null, to: BatchState, reason?: string): void;
  /** engine-error: a problem that is not one row's fault (reaches the UI toast/banner and the CLI's stderr). */
  reportError(e: { message: string; kind: string; batchId?: string; fault?: string }): void;
  wake(): void;
  /** Aborts the batch's in-flight generations (they are re-queued, not counted). */
  abortBatch(batchId: string, reason: string): void;
  stagesFor(batch: BatchRecord): Promise<BatchStages>;
  releaseStages(batchId: string): Promise<void>;
  checkBatchDone(batchId: string): void;
  /** passed → store → tagging → post → ready (approve uses it too). */
  finishPassed(v: Validated): Promise<void>;
}
