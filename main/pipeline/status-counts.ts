import type { Database } from 'better-sqlite3';
import { TASK_STATUSES, taskStatus, type BatchCounts, type StatusCount, type TaskStatus } from '../../preload/api.ts';
import type { TaskState } from './types.ts';
import { stmt } from './ledger/statements.ts';

/**
 * THE count of a batch's rows by status (contract: api-task-status.ts). Counter cards, the
 * batch list line, the Re-run button, the dashboard, `assetql batch list|show` and `assetql run`
 * all read this; the tiles use the same taskStatus() per row, so a tile and a counter cannot
 * disagree about what a row is.
 */
export function countStatuses(db: Database, batchId: string): BatchCounts {
  const rows = stmt(db, 'SELECT state, held, COUNT(*) AS n FROM tasks WHERE batch_id = ? GROUP BY state, held').all(batchId) as { state: TaskState; held: number; n: number }[];
  return statusCounts(rows.map((r) => ({ status: taskStatus(r.state, r.held === 1), n: r.n })));
}

/** Folds (status, rows) pairs into the contract's BatchCounts; pure, so the unit test drives it directly. */
export function statusCounts(groups: readonly { status: TaskStatus; n: number }[]): BatchCounts {
  const by = new Map<TaskStatus, number>();
  for (const g of groups) by.set(g.status, (by.get(g.status) ?? 0) + g.n);
  const statuses: StatusCount[] = TASK_STATUSES.map((s) => ({ status: s.status, label: s.label, count: by.get(s.status) ?? 0, final: s.final, rerun: s.rerun }));
  const sum = (pick: (s: StatusCount) => boolean): number => statuses.reduce((n, s) => n + (pick(s) ? s.count : 0), 0);
  const total = sum(() => true);
  const done = sum((s) => s.final);
  const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.count])) as Record<TaskStatus, number>;
  return { total, statuses, byStatus, done, open: total - done, rerun: sum((s) => s.rerun), line: statusLine(statuses, total) };
}

/**
 * "Ready 3/36 · Needs review 2 · On hold 1": ready out of all, then every other finished
 * status and On hold that has rows (what someone has to look at); waiting and in-progress rows
 * are the bar's job, and would make the line too long for the batch list.
 */
function statusLine(statuses: readonly StatusCount[], total: number): string {
  const parts = [];
  for (const s of statuses) {
    if (s.status === 'ready') parts.unshift(`${s.label} ${s.count}/${total}`);
    else if ((s.final || s.status === 'held') && s.count > 0) parts.push(`${s.label} ${s.count}`);
  }
  return parts.join(' · ');
}
