import { AppError } from '../core/app-error.ts';
import type { TaskState } from './types.ts';

/**
 * Allowed task transitions (ARCHITECTURE.md → Pipeline states). Every ledger update names the
 * states it may leave, so a racing control action (cancel during validation) loses cleanly
 * instead of resurrecting a finished task.
 */
const NEXT: Record<TaskState, readonly TaskState[]> = {
  pending: ['preflight', 'queued', 'cancelled'],
  preflight: ['queued', 'pending', 'dropped', 'cancelled'],
  // queued → dlq only by undoing a re-run that has not started yet.
  queued: ['generating', 'cancelled', 'dropped', 'dlq'],
  generating: ['validating', 'retry', 'queued', 'dlq', 'cancelled'],
  validating: ['passed', 'failed', 'retry', 'queued', 'dlq', 'cancelled'],
  failed: ['retry', 'dlq', 'queued', 'cancelled'],
  retry: ['generating', 'cancelled'],
  passed: ['tagging', 'queued', 'retry', 'dlq', 'cancelled'],
  tagging: ['ready', 'queued', 'retry', 'dlq', 'cancelled'],
  // ready → dlq and rejected → dlq only by undoing a review decision (un-approve, un-reject).
  ready: ['dlq'],
  dlq: ['queued', 'passed', 'rejected'],
  rejected: ['queued', 'dlq'],
  dropped: [],
  cancelled: ['queued'],
};

export function canTransition(from: TaskState, to: TaskState): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: TaskState, to: TaskState): void {
  if (!canTransition(from, to)) throw new AppError('Conflict', `task cannot go from ${from} to ${to}`, { from, to });
}

export function statesLeadingTo(to: TaskState): TaskState[] {
  return (Object.keys(NEXT) as TaskState[]).filter((s) => NEXT[s].includes(to));
}

/** States a task never leaves on its own; the batch is finished when every task is in one (or held). */
export const FINAL_STATES: readonly TaskState[] = ['ready', 'dlq', 'rejected', 'dropped', 'cancelled'];
/** States the scheduler may claim. */
export const CLAIMABLE_STATES: readonly TaskState[] = ['queued', 'retry'];
/** States that mean "an engine is working on it" and carry a lease. */
export const IN_FLIGHT_STATES: readonly TaskState[] = ['generating', 'validating', 'failed', 'passed', 'tagging'];

export function isFinal(s: TaskState): boolean {
  return FINAL_STATES.includes(s);
}
