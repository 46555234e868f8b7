/**
 * The only door into the ledger from outside main/pipeline/ (lint enforces it): reads, and the
 * batch-management writes that live in ledger/batch-admin.ts. Task, attempt and batch state
 * changes go through the engine (PipelineEngine: control and review ops), never through here.
 */
export { bestAttempt, listAttempts } from './ledger/attempts.ts';
export { countTasks, findBatchByRunKey, getBatch, listBatches, requireBatch, type NewBatch, type NewTask, type StateCounts } from './ledger/batches.ts';
export { getTask, listTasks, requireTask, type TaskFilter } from './ledger/tasks.ts';
export { getDecision, listDecisions, type ReviewDecision, type ReviewAction } from './ledger/review.ts';
export {
  batchAdminInfo,
  deleteBatch,
  duplicateBatchInput,
  failedTaskIds,
  markDuplicatedFrom,
  renameBatch,
  requireLiveBatch,
  setBatchArchived,
  type BatchAdminInfo,
  type DuplicateChanges,
} from './ledger/batch-admin.ts';
