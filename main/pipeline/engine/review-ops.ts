import { AppError } from '../../core/app-error.ts';
import { attemptByN, bestAttempt, finishAttempt, insertAttempt } from '../ledger/attempts.ts';
import { requireBatch, setBatchState } from '../ledger/batches.ts';
import {
  getDecision,
  getDelta,
  latestDecision,
  listDecisions,
  markUndone,
  recordDecision,
  restoreTask,
  setDecisionAsset,
  setDeltaStatus,
  snapshotTask,
  type ReviewDecision,
} from '../ledger/review.ts';
import { patchTask, requireTask, transitionTask } from '../ledger/tasks.ts';
import { assertTransition } from '../state-machine.ts';
import { computeTaskKey } from '../task-key.ts';
import type { AttemptPlan, GenerationParams, TaskRecord, TaskState } from '../types.ts';
import type { EngineHooks } from './hooks.ts';
import { RERUN_STATES } from '../../../preload/api.ts';

export interface TaskEdits {
  prompt?: string;
  negativePrompt?: string;
  params?: Partial<GenerationParams>;
}

/**
 * Review semantics that keep the user's intent. Every decision is one ledger transaction that
 * changes the task and records who/when plus what undo needs; undo restores exactly that.
 */
export interface ReviewOps {
  /** DLQ / rejected / cancelled → queued. Edits start a new attempt line: the edit becomes the row's recipe, seed and escalation start from it. */
  retryTask(taskId: string, edits?: TaskEdits, by?: string): TaskRecord;
  /** DLQ → the chosen attempt's image (default: the best of the current line) is filed with the prompt that made it. */
  approveTask(taskId: string, opts?: { attempt?: number; by?: string }): Promise<{ assetId: string; decisionId: number }>;
  rejectTask(taskId: string, reason?: string, by?: string): void;
  /** Delta report: accept/edit re-plans a row that has not run (and releases it if held); dismiss releases a held row. */
  resolveDelta(deltaId: number, action: 'accept' | 'edit' | 'dismiss', opts?: { prompt?: string; by?: string }): { batchId: string; taskId: string | null };
  /** Undoes the newest decision of its task: un-approve removes the asset, un-reject returns the row to review, un-rerun restores the row if it has not started. */
  undoDecision(decisionId: number): Promise<ReviewDecision>;
  listDecisions(filter?: { taskId?: string; batchId?: string; limit?: number }): ReviewDecision[];
}

// The same states "Re-run N rows" counts (the contract's re-run statuses), so the number on the button is what gets queued.
const REVIEWABLE: readonly TaskState[] = RERUN_STATES;

export function reviewOps(h: EngineHooks): ReviewOps {
  const db = h.db;
  const keyFor = (t: TaskRecord, prompt: string, seed: number): string => {
    const batch = requireBatch(db, t.batchId);
    return computeTaskKey({ batchId: t.batchId, rowIndex: t.rowIndex, prompt, profileVersion: batch.profileVersion, seed, model: batch.config.packId });
  };
  const reopenBatch = (batchId: string, why: string) => {
    if (setBatchState(db, batchId, 'running', ['done'])) h.emitBatchState(batchId, 'done', 'running', why);
  };

  const ops: ReviewOps = {
    retryTask(taskId, edits = {}, by = 'unknown') {
      const t = requireTask(db, taskId);
      if (!REVIEWABLE.includes(t.state)) throw new AppError('Conflict', `task ${taskId} is ${t.state}; only review, rejected or cancelled tasks can be re-run`);
      const batch = requireBatch(db, t.batchId);
      if (batch.state === 'cancelled') throw new AppError('Conflict', `batch ${batch.id} was cancelled; re-run it as a new batch`);
      const edited = edits.prompt !== undefined || edits.negativePrompt !== undefined || (edits.params !== undefined && Object.keys(edits.params).length > 0);
      const prompt = edits.prompt ?? t.prompt;
      const negativePrompt = edits.negativePrompt ?? t.negativePrompt;
      const params = { ...t.params, ...edits.params } as GenerationParams;
      const plan: AttemptPlan = { kind: 'manual', prompt, negativePrompt, params, note: edited ? 'edited re-run' : 're-run', lineStart: true };
      const now = Date.now();
      db.transaction(() => {
        recordDecision(db, { taskId, batchId: t.batchId, action: 'rerun', prompt: edited ? prompt : null, by, before: snapshotTask(t) }, now);
        // The edited recipe becomes the row's base (escalation and later seeds start from it), and
        // its key changes with it: an edited re-run is a different effect, not an older asset.
        transitionTask(db, taskId, [t.state], 'queued', {
          prompt,
          negativePrompt,
          params,
          taskKey: keyFor(t, prompt, params.seed),
          styleRetries: 0,
          transientRetries: 0,
          nextAttempt: plan,
          notBefore: 0,
          lastError: null,
          lease: null,
          decision: null,
        }, now);
        if (batch.state === 'done') setBatchState(db, batch.id, 'running', ['done'], now);
      })();
      if (batch.state === 'done') h.emitBatchState(batch.id, 'done', 'running', 'task re-run');
      h.emitTask(t, t.state, 'queued', { reason: plan.note ?? 're-run' });
      h.wake();
      return requireTask(db, taskId);
    },

    async approveTask(taskId, opts = {}) {
      const t = requireTask(db, taskId);
      if (t.state !== 'dlq') throw new AppError('Conflict', `task ${taskId} is ${t.state}; only tasks in review can be approved`);
      const chosen = opts.attempt !== undefined ? attemptByN(db, taskId, opts.attempt) : bestAttempt(db, taskId);
      if (opts.attempt !== undefined && !chosen) throw new AppError('NotFound', `task ${taskId} has no attempt #${opts.attempt}`);
      if (!chosen?.imagePath || !chosen.scores) throw new AppError('NotFound', `task ${taskId} has no attempt image to approve${opts.attempt !== undefined ? ` (attempt #${opts.attempt} kept none)` : ''}`);
      const batch = requireBatch(db, t.batchId);
      const stages = await h.stagesFor(batch);
      const image = await stages.archive.load(chosen.imagePath);
      const { escalation: _e, note: _n, candidate: _c, lineStart: _l, ...params } = chosen.params;
      // The image the user chose, filed with the prompt and params that made it.
      const plan: AttemptPlan = { kind: 'manual', prompt: chosen.prompt, negativePrompt: chosen.negativePrompt, params: params as GenerationParams, note: `approved attempt #${chosen.n}` };
      const now = Date.now();
      const opened = db.transaction(() => {
        const decisionId = recordDecision(db, { taskId, batchId: t.batchId, action: 'approve', attemptN: chosen.n, prompt: chosen.prompt, by: opts.by ?? 'unknown', before: snapshotTask(t) }, now);
        const a = insertAttempt(db, taskId, plan, now);
        finishAttempt(db, a.id, { outcome: 'passed', scores: chosen.scores, imagePath: chosen.imagePath }, now);
        if (!transitionTask(db, taskId, ['dlq'], 'passed', { lastError: null, decision: 'approved' }, now)) throw new AppError('Conflict', `task ${taskId} left review meanwhile`);
        return { ...a, decisionId };
      })();
      h.emitTask(t, 'dlq', 'passed', { attempt: opened.n, reason: `approved attempt #${chosen.n}` });
      if (batch.state === 'done') reopenBatch(batch.id, 'approved in review');
      await h.finishPassed({
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
        scores: chosen.scores,
      });
      const after = requireTask(db, taskId);
      if (!after.assetId) throw new AppError('Internal', `approving task ${taskId} stored no asset`);
      setDecisionAsset(db, opened.decisionId, after.assetId);
      return { assetId: after.assetId, decisionId: opened.decisionId };
    },

    rejectTask(taskId, reason, by = 'unknown') {
      const t = requireTask(db, taskId);
      const ok = db.transaction(() => {
        if (!transitionTask(db, taskId, ['dlq'], 'rejected', { lastError: reason ?? t.lastError, decision: 'failed' })) return false;
        recordDecision(db, { taskId, batchId: t.batchId, action: 'reject', by, before: snapshotTask(t) });
        return true;
      })();
      if (!ok) throw new AppError('Conflict', `task ${taskId} is ${t.state}; only tasks in review can be rejected`);
      h.emitTask(t, 'dlq', 'rejected', reason ? { reason } : {});
      h.checkBatchDone(t.batchId);
    },

    resolveDelta(deltaId, action, opts = {}) {
      const d = getDelta(db, deltaId);
      if (d.status === 'ran') throw new AppError('Conflict', `delta report ${deltaId}: its row already ran with the prompt as it was; re-run it from the review queue with the new prompt instead`);
      if (d.status !== 'open') throw new AppError('Conflict', `delta report ${deltaId} is already ${d.status}`);
      const t = d.taskId ? requireTask(db, d.taskId) : null;
      const status = action === 'accept' ? 'accepted' : action === 'edit' ? 'edited' : 'dismissed';
      let prompt: string | null = null;
      if (action !== 'dismiss') {
        prompt = action === 'accept' ? d.suggestion : (opts.prompt?.trim() ?? '');
        if (!prompt) throw new AppError('BadInput', 'editing a delta report needs the new prompt');
      }
      const now = Date.now();
      db.transaction(() => {
        if (t) {
          recordDecision(db, { taskId: t.id, batchId: d.batchId, action: `delta-${action}`, prompt, by: opts.by ?? 'unknown', before: snapshotTask(t, { id: d.id, status: d.status }) }, now);
          const patch = prompt
            ? { prompt, taskKey: keyFor(t, prompt, t.params.seed), nextAttempt: null, held: false }
            : { held: false };
          // Only a row that has not started can be re-planned; one that ran already resolved its report.
          if (!patchTask(db, t.id, ['pending', 'preflight', 'queued'], patch, now)) {
            throw new AppError('Conflict', 'this row has already been generated; re-run it from the review queue with the new prompt instead');
          }
        }
        setDeltaStatus(db, deltaId, status, now);
      })();
      if (t?.held) {
        reopenBatch(t.batchId, 'held row released');
        h.emitTask(t, t.state, t.state, { reason: `delta report ${status}; released` });
        h.wake();
      }
      return { batchId: d.batchId, taskId: d.taskId };
    },

    async undoDecision(decisionId) {
      const d = getDecision(db, decisionId);
      if (d.undoneAt !== null) throw new AppError('Conflict', `decision ${decisionId} was already undone`);
      const latest = latestDecision(db, d.taskId);
      if (latest?.id !== d.id) throw new AppError('Conflict', `a later decision on this row (#${latest?.id}) must be undone first`);
      const t = requireTask(db, d.taskId);
      const expected: Record<ReviewDecision['action'], TaskState[]> = {
        approve: ['ready'],
        reject: ['rejected'],
        rerun: ['queued'],
        'delta-accept': ['pending', 'preflight', 'queued'],
        'delta-edit': ['pending', 'preflight', 'queued'],
        'delta-dismiss': ['pending', 'preflight', 'queued'],
      };
      const notStarted = d.action !== 'rerun' || t.nextAttempt?.lineStart === true;
      if (!expected[d.action].includes(t.state) || !notStarted) {
        throw new AppError('Conflict', `cannot undo ${d.action}: the row has moved on (it is ${t.state} now)`);
      }
      if (t.state !== d.before.state) assertTransition(t.state, d.before.state);
      if (d.action === 'approve' && d.assetId) {
        // Un-approve removes the asset it filed; the attempt images stay for another choice.
        const stages = await h.stagesFor(requireBatch(db, t.batchId));
        await stages.store.remove?.(d.assetId);
      }
      const now = Date.now();
      db.transaction(() => {
        restoreTask(db, t.id, { ...d.before, assetId: d.action === 'approve' ? null : d.before.assetId }, now);
        if (d.before.delta) setDeltaStatus(db, d.before.delta.id, 'open', now);
        markUndone(db, d.id, now);
      })();
      h.emitTask(t, t.state, d.before.state, { reason: `undid ${d.action}` });
      if (['queued', 'pending'].includes(d.before.state)) reopenBatch(t.batchId, `undid ${d.action}`);
      h.checkBatchDone(t.batchId);
      h.wake();
      return getDecision(db, d.id);
    },

    listDecisions: (filter) => listDecisions(db, filter),
  };
  return ops;
}
