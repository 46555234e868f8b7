/**
 * A row's STATUS as people read it ("Needs review"), as opposed to its ledger STATE ('dlq').
 * Part of the contract (re-exported by api.ts). This table is the only place the mapping
 * lives: the engine counts rows by it (counter cards, batch list line, `assetql batch`), puts
 * each row's status and label on its tile from it, and "Re-run" queues exactly the statuses
 * marked `rerun` (the ledger's re-run and review ops take their states from RERUN_STATES).
 * The renderer imports types only; the labels reach it inside TaskSummary and BatchCounts.
 */
import type { TaskState } from './api.ts';

/** Every status in display order (counter cards, CLI tables). */
export const TASK_STATUSES = [
  { status: 'waiting', label: 'Waiting', final: false, rerun: false },
  { status: 'held', label: 'On hold', final: false, rerun: false },
  { status: 'working', label: 'In progress', final: false, rerun: false },
  { status: 'ready', label: 'Ready', final: true, rerun: false },
  // Retries used up: the row waits for a person to approve, reject or re-run it. Not "failed".
  { status: 'review', label: 'Needs review', final: true, rerun: true },
  { status: 'rejected', label: 'Rejected', final: true, rerun: true },
  // Dropped by the user after pre-flight: the ledger has no way back for it, so no re-run.
  { status: 'dropped', label: 'Dropped', final: true, rerun: false },
  { status: 'cancelled', label: 'Cancelled', final: true, rerun: true },
] as const satisfies readonly { status: string; label: string; final: boolean; rerun: boolean }[];

export type TaskStatus = (typeof TASK_STATUSES)[number]['status'];
export type TaskStatusInfo = (typeof TASK_STATUSES)[number];

const STATUS_OF_STATE: Record<TaskState, TaskStatus> = {
  pending: 'waiting',
  preflight: 'waiting',
  queued: 'waiting',
  retry: 'waiting',
  generating: 'working',
  validating: 'working',
  // 'failed' is the instant between a failed check and the retry/review decision: still working.
  failed: 'working',
  passed: 'working',
  tagging: 'working',
  ready: 'ready',
  dlq: 'review',
  rejected: 'rejected',
  dropped: 'dropped',
  cancelled: 'cancelled',
};

/** A held row (low pre-flight confidence) waits for a person, not for the queue; once it has moved on, `held` no longer matters. */
export function taskStatus(state: TaskState, held: boolean): TaskStatus {
  const s = STATUS_OF_STATE[state];
  return held && s === 'waiting' ? 'held' : s;
}

export function statusInfo(status: TaskStatus): TaskStatusInfo {
  const info = TASK_STATUSES.find((s) => s.status === status);
  if (!info) throw new Error(`unknown task status ${status}`);
  return info;
}

/** Ledger states whose rows "Re-run" sends back to the queue. */
export const RERUN_STATES: readonly TaskState[] = (Object.keys(STATUS_OF_STATE) as TaskState[]).filter((s) => statusInfo(STATUS_OF_STATE[s]).rerun);

/** One status with its label and how many rows are in it. */
export interface StatusCount {
  status: TaskStatus;
  label: string;
  count: number;
  final: boolean;
  rerun: boolean;
}

/** A batch's rows by status, computed once by the engine; screens and the CLI only show it. */
export interface BatchCounts {
  total: number;
  /** Every status in display order, zeros included; each row is in exactly one, so they add up to total. */
  statuses: StatusCount[];
  /** The same counts by status, for a screen or command that shows one of them. */
  byStatus: Record<TaskStatus, number>;
  /** Rows in a final status (ready, needs review, rejected, dropped, cancelled). */
  done: number;
  /** Rows not in a final status: what Cancel would stop. */
  open: number;
  /** Rows "Re-run" would queue again: the sum of the `rerun` statuses. */
  rerun: number;
  /** The batch in one line, e.g. "Ready 3/36 · Needs review 2": the batch list and `assetql batch list` print it. */
  line: string;
}
