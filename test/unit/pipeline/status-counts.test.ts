import { afterEach, describe, expect, it } from 'vitest';
import { RERUN_STATES, TASK_STATUSES, TaskStateSchema, statusInfo, taskStatus, type TaskState } from '../../../preload/api.ts';
import { countStatuses } from '../../../main/pipeline/status-counts.ts';
import { createBatch } from '../../../main/pipeline/ledger/batches.ts';
import { listTasks } from '../../../main/pipeline/ledger/tasks.ts';
import { FAILED_TASK_STATES, failedTaskIds } from '../../../main/pipeline/ledger/batch-admin.ts';
import { canTransition, isFinal } from '../../../main/pipeline/state-machine.ts';
import { taskSummaryDto } from '../../../main/api/dto/pipeline-dto.ts';
import { rows, tempLibrary, type TempLibrary } from '../../integration/pipeline/support/fixtures.ts';

let lib: TempLibrary | undefined;
afterEach(() => lib?.cleanup());

const ALL_STATES = TaskStateSchema.options;

describe('task status: one mapping from ledger state to what people read', () => {
  it('files every ledger state under exactly one status; held only matters while a row waits', () => {
    for (const s of ALL_STATES) expect(TASK_STATUSES.map((x) => x.status)).toContain(taskStatus(s, false));
    expect(taskStatus('dlq', false)).toBe('review');
    expect(statusInfo('review').label).toBe('Needs review');
    // The moment between a failed check and the retry/review decision is not "Failed".
    expect(taskStatus('failed', false)).toBe('working');
    expect(taskStatus('queued', true)).toBe('held');
    expect(taskStatus('cancelled', true)).toBe('cancelled');
  });

  it('agrees with the engine: final statuses are final states, Re-run takes exactly the states it can re-queue', () => {
    for (const s of ALL_STATES) expect(statusInfo(taskStatus(s, false)).final).toBe(isFinal(s));
    expect([...FAILED_TASK_STATES].sort()).toEqual([...RERUN_STATES].sort());
    for (const s of ALL_STATES) {
      if (!isFinal(s)) continue;
      expect(RERUN_STATES.includes(s)).toBe(statusInfo(taskStatus(s, false)).rerun);
      if (RERUN_STATES.includes(s)) expect(canTransition(s, 'queued')).toBe(true);
    }
    expect(RERUN_STATES).not.toContain('dropped');
  });
});

describe('countStatuses: the counts every screen and CLI line shows', () => {
  /** One row per entry: [ledger state, held]. */
  const SHAPE: [TaskState, boolean][] = [
    ['queued', false], ['queued', true], ['generating', false], ['failed', false], ['ready', false],
    ['dlq', false], ['dlq', false], ['rejected', false], ['dropped', false], ['cancelled', false], ['cancelled', true],
  ];

  function seeded(): string {
    lib = tempLibrary();
    const b = createBatch(lib.db, { name: 'mixed', model: 'm', config: {}, tasks: rows(SHAPE.length), state: 'running' });
    const set = lib.db.prepare('UPDATE tasks SET state = ?, held = ? WHERE batch_id = ? AND row_index = ?');
    SHAPE.forEach(([state, held], i) => set.run(state, held ? 1 : 0, b.id, i + 1));
    return b.id;
  }

  it('counts by the same status each tile carries, so tiles per status = counter cards', () => {
    const id = seeded();
    const c = countStatuses(lib!.db, id);
    const tiles = listTasks(lib!.db, { batchId: id }).map((t) => taskSummaryDto(t, undefined, (p) => p));
    for (const s of c.statuses) {
      const mine = tiles.filter((t) => t.status === s.status);
      expect(mine.length, s.status).toBe(s.count);
      expect(mine.every((t) => t.statusLabel === s.label)).toBe(true);
      expect(c.byStatus[s.status]).toBe(s.count);
    }
    expect(c.statuses.map((s) => s.status)).toEqual(TASK_STATUSES.map((s) => s.status));
    expect(c.total).toBe(SHAPE.length);
    expect(c.statuses.reduce((n, s) => n + s.count, 0)).toBe(c.total);
    expect(c.done + c.open).toBe(c.total);
    expect(c.open).toBe(4); // waiting, on hold, 2 in progress: what Cancel stops
  });

  it('the Re-run number is exactly the rows Re-run queues (a dropped row is not one of them)', () => {
    const id = seeded();
    const c = countStatuses(lib!.db, id);
    expect(c.rerun).toBe(failedTaskIds(lib!.db, id).length);
    expect(c.rerun).toBe(5); // 2 Needs review + 1 Rejected + 2 Cancelled
  });

  it('writes the batch line with the same labels as the cards', () => {
    const id = seeded();
    expect(countStatuses(lib!.db, id).line).toBe('Ready 1/11 · On hold 1 · Needs review 2 · Rejected 1 · Dropped 1 · Cancelled 2');
  });
});
