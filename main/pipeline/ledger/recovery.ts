import type { Database } from 'better-sqlite3';
import { IN_FLIGHT_STATES } from '../state-machine.ts';
import type { AttemptPlan, AttemptRecord, CandidateNote, EscalationNote, GenerationParams, TaskRecord } from '../types.ts';
import { finishAttempt, openAttempt } from './attempts.ts';
import { isLeaseOwnerDead } from './lease-owner.ts';
import { toTask, type TaskRow } from './rows.ts';
import { placeholders, stmt } from './statements.ts';
import { transitionTask } from './tasks.ts';

/**
 * Re-queues in-flight tasks whose lease is stale (expired, or held by a dead engine). The
 * interrupted attempt is closed as cancelled and its plan replayed unchanged, so the same
 * seed and params run again; the store stage is idempotent by task key, so a task that had
 * already stored its asset finds it instead of making a second one. One transaction per task.
 */
export function requeueStaleTasks(db: Database, now = Date.now()): TaskRecord[] {
  const rows = stmt(db, `SELECT * FROM tasks WHERE state IN (${placeholders(IN_FLIGHT_STATES.length)})`).all(...IN_FLIGHT_STATES) as TaskRow[];
  const out: TaskRecord[] = [];
  for (const row of rows) {
    const t = toTask(row);
    const stale = t.leaseUntil == null || t.leaseUntil < now || isLeaseOwnerDead(t.leaseOwner);
    if (!stale) continue;
    db.transaction(() => {
      const open = openAttempt(db, t.id);
      const plan: AttemptPlan =
        open != null
          ? replayPlan(open)
          : (t.nextAttempt ?? { kind: 'initial', prompt: t.prompt, negativePrompt: t.negativePrompt, params: t.params });
      if (open) finishAttempt(db, open.id, { outcome: 'cancelled', errorKind: 'Cancelled', error: 'interrupted: the engine stopped before this attempt finished' }, now);
      if (transitionTask(db, t.id, [t.state], 'queued', { lease: null, nextAttempt: plan, notBefore: 0 }, now)) out.push({ ...t, state: 'queued' });
    })();
  }
  return out;
}

/** Attempt params carry escalation/note for the record; a replayed plan carries them separately. */
export function replayPlan(a: AttemptRecord): AttemptPlan {
  const { escalation, note, candidate, lineStart, ...params } = a.params;
  const plan: AttemptPlan = { kind: a.kind, prompt: a.prompt, negativePrompt: a.negativePrompt, params: params as GenerationParams };
  if (escalation && typeof escalation === 'object') plan.escalation = escalation as EscalationNote;
  if (typeof note === 'string') plan.note = note;
  if (candidate && typeof candidate === 'object') plan.candidate = candidate as CandidateNote;
  if (lineStart === true) plan.lineStart = true;
  return plan;
}
