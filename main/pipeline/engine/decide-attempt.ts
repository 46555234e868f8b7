import { batchPolicy } from '../config.ts';
import { planStyleRetry } from '../escalation.ts';
import { bestAttempt, finishAttempt, roundAttempts } from '../ledger/attempts.ts';
import { getTask, transitionTask } from '../ledger/tasks.ts';
import { decidePass, failureReason } from '../records/decide-pass.ts';
import type { StyleScores } from '../records/style-scores.ts';
import type { AttemptPlan, AttemptRecord, GenerationParams } from '../types.ts';
import type { Generated, Validated } from './claim.ts';
import type { EngineHooks } from './hooks.ts';

const SEED_SPACE = 4_294_967_296;
/** Candidate i of a round draws seed base + (i − 1)·step: distinct, reproducible, recorded with the attempt. */
const CANDIDATE_SEED_STEP = 1_000_003;

export type Decision =
  | { kind: 'passed'; item: Validated }
  | { kind: 'stale' }
  | { kind: 'next-candidate' }
  | { kind: 'retry' | 'dlq' };

/**
 * What a scored image means for its row: decidePass (THE decision) against the batch's config,
 * then best of k (wait for the round's other candidates, then keep the best-scoring passing one),
 * then a style retry with escalation, or review once the retries are used up.
 */
export async function decideAttempt(h: EngineHooks, c: Generated, scores: StyleScores): Promise<Decision> {
  const verdict = decidePass(scores, c.batch.config);
  const cand = c.plan.candidate;
  const inRound = cand !== undefined && cand.of > 1;
  if (verdict.pass && !inRound) return passWith(h, c, scores, c.attemptId, null);

  // Keep the image: review, approve, img2img and the end of a best-of-k round need it.
  const k0 = performance.now();
  const imagePath = await c.stages.archive.keep(c.image, { task: c.task, attemptN: c.attemptN });
  c.timings['archive'] = performance.now() - k0;
  const now = Date.now();
  const outcome = verdict.pass ? 'passed' : 'failed';
  const reason = failureReason(verdict);

  if (inRound && cand.index < cand.of) {
    const next: AttemptPlan = { ...c.plan, params: { ...c.plan.params, seed: candidateSeed(c.plan.params, 1) }, candidate: { ...cand, index: cand.index + 1 } };
    delete next.lineStart;
    const ok = h.db.transaction(() => {
      finishAttempt(h.db, c.attemptId, { outcome, scores, imagePath, gpuMs: c.gpuMs, timings: c.timings }, now);
      return transitionTask(h.db, c.task.id, ['validating'], 'retry', { nextAttempt: next, lease: null, notBefore: 0 }, now);
    })();
    if (!ok) return { kind: 'stale' };
    h.emitTask(c.task, 'validating', 'retry', { attempt: c.attemptN, styleScore: scores.styleScore, reason: `candidate ${cand.index} of ${cand.of} scored ${scores.styleScore.toFixed(3)}` });
    h.wake();
    return { kind: 'next-candidate' };
  }

  if (inRound) {
    // Last candidate of the round: the best-scoring passing image of the round wins.
    finishAttempt(h.db, c.attemptId, { outcome, scores, imagePath, gpuMs: c.gpuMs, timings: c.timings }, now);
    const winner = pickBest(roundAttempts(h.db, c.task.id, cand.roundStart), c.batch.config);
    if (winner) {
      if (winner.id === c.attemptId) return passWith(h, c, scores, c.attemptId, null, true);
      const image = await c.stages.archive.load(winner.imagePath as string);
      const plan: AttemptPlan = { kind: winner.kind, prompt: winner.prompt, negativePrompt: winner.negativePrompt, params: stripNotes(winner.params) };
      return passWith(h, { ...c, image, plan, attemptN: winner.n }, winner.scores as StyleScores, winner.id, `best of ${cand.of}: candidate attempt #${winner.n}`, true);
    }
  }
  return retryOrReview(h, c, scores, reason, inRound ? null : { imagePath, outcome });
}

/** The row passed: record it (decision 'passed') and hand the winning image to the post queue. */
function passWith(h: EngineHooks, c: Generated, scores: StyleScores, attemptId: number, note: string | null, closed = false): Decision {
  const now = Date.now();
  const ok = h.db.transaction(() => {
    if (!closed) finishAttempt(h.db, attemptId, { outcome: 'passed', scores, gpuMs: c.gpuMs, timings: c.timings }, now);
    return transitionTask(h.db, c.task.id, ['validating'], 'passed', { lastError: null, decision: 'passed' }, now);
  })();
  if (!ok) return { kind: 'stale' };
  h.emitTask(c.task, 'validating', 'passed', { attempt: c.attemptN, styleScore: scores.styleScore, ...(note ? { reason: note } : {}) });
  return { kind: 'passed', item: { ...c, attemptId, task: { ...c.task, state: 'passed' }, scores } };
}

/** Not passed: a style retry with the next escalation rung, or review (DLQ) once the retries are used up. */
function retryOrReview(h: EngineHooks, c: Generated, scores: StyleScores, reason: string, close: { imagePath: string; outcome: 'passed' | 'failed' } | null): Decision {
  const policy = batchPolicy(c.batch);
  const now = Date.now();
  const decision = h.db.transaction(() => {
    if (close) finishAttempt(h.db, c.attemptId, { outcome: close.outcome, scores, imagePath: close.imagePath, gpuMs: c.gpuMs, timings: c.timings }, now);
    const fresh = getTask(h.db, c.task.id);
    if (!fresh || fresh.state !== 'validating') return null;
    if (fresh.styleRetries < policy.styleRetries) {
      const rung = fresh.styleRetries + 1;
      const next = planStyleRetry(
        fresh,
        rung,
        { keywords: c.stages.styleKeywords, capabilities: c.stages.generate.capabilities, best: bestAttempt(h.db, c.task.id) },
        h.config.escalation,
      );
      const moved = transitionTask(h.db, c.task.id, ['validating'], 'retry', { styleRetries: rung, nextAttempt: next, lease: null, lastError: reason, notBefore: 0 }, now);
      return moved ? { to: 'retry' as const, why: `${reason}; style retry ${rung} (${next.escalation?.applied.join('; ') ?? ''})` } : null;
    }
    const why = `${reason} after ${fresh.styleRetries} style ${fresh.styleRetries === 1 ? 'retry' : 'retries'}`;
    const moved = transitionTask(h.db, c.task.id, ['validating'], 'dlq', { lease: null, lastError: why, nextAttempt: null, decision: 'failed' }, now);
    return moved ? { to: 'dlq' as const, why } : null;
  })();
  if (!decision) return { kind: 'stale' };
  h.emitTask(c.task, 'validating', decision.to, { attempt: c.attemptN, styleScore: scores.styleScore, reason: decision.why });
  if (decision.to === 'dlq') h.checkBatchDone(c.task.batchId);
  else h.wake();
  return { kind: decision.to };
}

/** The best-scoring attempt that passes decidePass; ties go to the earlier candidate. */
export function pickBest(attempts: readonly AttemptRecord[], config: Parameters<typeof decidePass>[1]): AttemptRecord | null {
  let best: AttemptRecord | null = null;
  for (const a of attempts) {
    if (!a.scores || !a.imagePath || !decidePass(a.scores, config).pass) continue;
    if (!best || a.scores.styleScore > (best.scores?.styleScore ?? -Infinity)) best = a;
  }
  return best;
}

export function candidateSeed(params: GenerationParams, offset: number): number {
  return (params.seed + offset * CANDIDATE_SEED_STEP) % SEED_SPACE;
}

/** Attempt params carry escalation/note/candidate for the record; a plan's params do not. */
function stripNotes(p: GenerationParams): GenerationParams {
  const { escalation: _e, note: _n, candidate: _c, lineStart: _l, ...params } = p;
  return params as GenerationParams;
}
