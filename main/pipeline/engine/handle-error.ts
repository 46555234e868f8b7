import { toErrorData, type ErrorData } from '../../core/app-error.ts';
import { backoffMs, classifyError, smallerBucket } from '../error-policy.ts';
import { finishAttempt } from '../ledger/attempts.ts';
import { setBatchState } from '../ledger/batches.ts';
import { getTask, transitionTask } from '../ledger/tasks.ts';
import type { AttemptPlan, TaskState } from '../types.ts';
import type { Claim } from './claim.ts';
import type { EngineHooks } from './hooks.ts';

/** A model file the stage needs is gone or unreadable: the batch cannot make progress until it is fixed. */
const CORRUPT = /(protobuf|invalid model|load model from .* failed|model_path|onnx.*(corrupt|parse)|not a valid onnx)/i;

export function isModelFault(e: ErrorData): boolean {
  return e.kind === 'ModelMissing' || (e.kind === 'Inference' && CORRUPT.test(e.message));
}

/** "model file missing: …/unet.onnx — restore it …": the file named and the fix, for the banner and the CLI. */
export function modelFaultReason(e: ErrorData): string {
  const file = typeof e.detail?.['file'] === 'string' ? (e.detail['file'] as string) : (/(\/[^\s()]+\.(?:onnx|json|txt|safetensors|bin))/.exec(e.message)?.[1] ?? null);
  const what = e.kind === 'ModelMissing' ? 'model file missing' : 'model file unreadable (corrupt or truncated)';
  return `${what}${file ? `: ${file}` : ''} (${e.message}). Fix: restore the file or re-install the pack (assetql models verify / Settings → Model packs), then resume the batch.`;
}

/**
 * One place decides what an error means: re-queue (pause/stop), pause the batch (a model file
 * is missing or corrupt: never a style failure, never the row's fault), transient retry, or DLQ.
 * Never throws: a failure here is reported and the task is left for recovery.
 */
export function handleError(h: EngineHooks, c: Claim, err: unknown, from: TaskState[]): void {
  try {
    handle(h, c, err, from);
  } catch (inner) {
    const e = toErrorData(inner);
    const fault = e.detail?.['fault'];
    // An environment fault (disk full…) is the machine's, not the row's: its sentence alone, tagged.
    if (typeof fault === 'string') h.reportError({ message: e.message, kind: e.kind, batchId: c.task.batchId, fault });
    else h.reportError({ message: `could not record the failure of row ${c.task.rowIndex}: ${e.message}`, kind: e.kind, batchId: c.task.batchId });
  }
}

function handle(h: EngineHooks, c: Claim, err: unknown, from: TaskState[]): void {
  const db = h.db;
  const e: ErrorData = c.abort.signal.aborted ? { kind: 'Cancelled', message: String(c.abort.signal.reason ?? 'aborted') } : toErrorData(err);
  const now = Date.now();
  const current = getTask(db, c.task.id);
  if (!current || !from.includes(current.state)) {
    // A control action (cancel) already moved the task; just close the attempt.
    finishAttempt(db, c.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message, timings: c.timings }, now);
    return;
  }
  const replay: AttemptPlan = { ...c.plan };
  if (isModelFault(e)) return pauseForModel(h, c, e, current.state, replay);
  const cls = classifyError(e);
  if (cls === 'cancelled') {
    const ok = db.transaction(() => {
      finishAttempt(db, c.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message, timings: c.timings }, now);
      return transitionTask(db, c.task.id, [current.state], 'queued', { lease: null, nextAttempt: replay, notBefore: 0 }, now);
    })();
    if (ok) h.emitTask(c.task, current.state, 'queued', { attempt: c.attemptN, reason: `interrupted (${e.message})` });
    return;
  }
  const n = current.transientRetries + 1;
  let to: TaskState;
  let why: string;
  const next: AttemptPlan = { ...replay, kind: 'transient-retry', params: { ...replay.params } };
  if (cls === 'transient' && n <= h.config.maxTransientRetries) {
    to = 'retry';
    why = `${e.kind}: ${e.message}; transient retry ${n} in ${backoffMs(n, h.config.backoffBaseMs)} ms`;
    if (e.kind === 'OutOfMemory') {
      const smaller = smallerBucket(next.params);
      if (smaller) {
        next.note = `OutOfMemory: size ${next.params.width}x${next.params.height} → ${smaller.width}x${smaller.height}`;
        next.params.width = smaller.width;
        next.params.height = smaller.height;
      } else next.note = 'OutOfMemory: already at the smallest size';
      why += `; ${next.note}`;
    }
  } else {
    to = 'dlq';
    why = cls === 'transient' ? `${e.kind}: ${e.message} (gave up after ${n - 1} transient retries)` : `${e.kind}: ${e.message}`;
  }
  const ok = db.transaction(() => {
    finishAttempt(db, c.attemptId, { outcome: 'error', errorKind: e.kind, error: e.message, gpuMs: c.gpuMs || null, timings: c.timings }, now);
    return to === 'retry'
      ? transitionTask(db, c.task.id, [current.state], 'retry', {
          transientRetries: n,
          notBefore: now + backoffMs(n, h.config.backoffBaseMs),
          nextAttempt: next,
          lease: null,
          lastError: why,
        }, now)
      : transitionTask(db, c.task.id, [current.state], 'dlq', { lease: null, lastError: why, nextAttempt: null, decision: 'failed' }, now);
  })();
  if (!ok) return;
  h.emitTask(c.task, current.state, to, { attempt: c.attemptN, reason: why });
  if (to === 'dlq') h.checkBatchDone(c.task.batchId);
  else h.wake();
}

/** The row goes back to the queue with its plan unchanged; the batch pauses with the file named. */
function pauseForModel(h: EngineHooks, c: Claim, e: ErrorData, state: TaskState, replay: AttemptPlan): void {
  const db = h.db;
  const now = Date.now();
  const reason = modelFaultReason(e);
  const paused = db.transaction(() => {
    finishAttempt(db, c.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message, timings: c.timings }, now);
    transitionTask(db, c.task.id, [state], 'queued', { lease: null, nextAttempt: replay, notBefore: 0, lastError: reason }, now);
    return setBatchState(db, c.task.batchId, 'paused', ['running'], now, reason);
  })();
  h.emitTask(c.task, state, 'queued', { attempt: c.attemptN, reason });
  if (paused) {
    h.reportError({ message: reason, kind: e.kind, batchId: c.task.batchId });
    h.emitBatchState(c.task.batchId, 'running', 'paused', reason);
    h.abortBatch(c.task.batchId, 'paused: model file problem');
  }
  // Resume rebuilds the stages, so a restored file is picked up (and a still-missing one pauses again).
  void h.releaseStages(c.task.batchId);
}
