import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchSummary, TaskSummary } from '../../../preload/api.ts';
import { statusCounts } from '../../../main/pipeline/status-counts.ts';
import { statusInfo, taskStatus } from '../../../preload/api.ts';

// The store batches updates per animation frame; in Node we drive frames by hand.
const frames: FrameRequestCallback[] = [];
globalThis.requestAnimationFrame = (cb: FrameRequestCallback): number => frames.push(cb);
function runFrame(): void {
  for (const cb of frames.splice(0)) cb(performance.now());
}

const { useTasks, queueView, queueTaskProgress, applyView } = await import('../../../renderer/src/store/tasks.ts');
const { useBatches } = await import('../../../renderer/src/store/batches.ts');

function task(id: string, row: number, state: TaskSummary['state'], styleScore: number | null = null): TaskSummary {
  const status = taskStatus(state, false);
  return { id, batchId: 'b1', row, name: id, state, status, statusLabel: statusInfo(status).label, held: false, priority: 0, attempts: 1, styleScore, decision: null, thumbUrl: null, error: null };
}

/** A summary whose counts are what the engine would count for these rows. */
function batchOf(tasks: TaskSummary[], name = 'b'): BatchSummary {
  return { id: 'b1', name, counts: statusCounts(tasks.map((t) => ({ status: t.status, n: 1 }))) } as BatchSummary;
}

const push = (tasks: TaskSummary[], batch = batchOf(tasks)) => queueView({ batch, tasks });

describe('tasks store', () => {
  beforeEach(() => {
    useTasks.setState({ byId: {}, order: {}, progress: {}, loaded: {} });
    useBatches.setState({ batches: {}, viewed: {} });
    frames.length = 0;
  });

  it('applies a burst of updates in one store update per frame, keeping the latest per task', () => {
    useTasks.getState().setBatchTasks('b1', [task('t2', 2, 'pending'), task('t1', 1, 'pending')]);
    expect(useTasks.getState().order.b1).toEqual(['t1', 't2']);
    let notifications = 0;
    const unsub = useTasks.subscribe(() => notifications++);
    for (let i = 0; i < 50; i++) push([task('t1', 1, i === 49 ? 'ready' : 'generating', i / 100)]);
    push([task('t2', 2, 'failed')]);
    expect(frames).toHaveLength(1); // one frame scheduled for the whole burst
    expect(useTasks.getState().byId.t1?.state).toBe('pending'); // nothing applied before the frame
    runFrame();
    unsub();
    expect(notifications).toBe(1);
    expect(useTasks.getState().byId.t1).toMatchObject({ state: 'ready', styleScore: 0.49 });
    expect(useTasks.getState().byId.t2?.state).toBe('failed');
  });

  it('applies a snapshot\'s counters in the same frame as its tiles, never before', () => {
    const rows = [task('t1', 1, 'validating'), task('t2', 2, 'validating'), task('t3', 3, 'validating')];
    applyView({ batch: batchOf(rows), tasks: rows });
    const later = [task('t1', 1, 'dlq'), task('t2', 2, 'dlq'), task('t3', 3, 'dlq')];
    push(later.slice(0, 2), batchOf([...later.slice(0, 2), rows[2]!]));
    push(later.slice(2), batchOf(later));
    // Before the frame: old tiles AND old counters.
    expect(useBatches.getState().batches.b1?.counts.statuses.find((s) => s.status === 'review')?.count).toBe(0);
    runFrame();
    const { order, byId } = useTasks.getState();
    const tiles = (order.b1 ?? []).map((id) => byId[id]!);
    for (const s of useBatches.getState().batches.b1!.counts.statuses) expect(tiles.filter((t) => t.status === s.status).length).toBe(s.count);
    expect(tiles.every((t) => t.statusLabel === 'Needs review')).toBe(true);
  });

  it('a summary without rows (list poll, an action\'s answer) does not replace one that came with its rows', () => {
    const rows = [task('t1', 1, 'dlq')];
    applyView({ batch: batchOf(rows, 'from the view'), tasks: rows });
    useBatches.getState().upsert(batchOf([task('t1', 1, 'queued')], 'answer'));
    useBatches.getState().setAll([batchOf([task('t1', 1, 'queued')], 'list')]);
    expect(useBatches.getState().batches.b1?.name).toBe('from the view');
    // A batch never seen with its rows takes the list's summary.
    useBatches.getState().setAll([{ ...batchOf([]), id: 'b2', name: 'other' }]);
    expect(useBatches.getState().batches.b2?.name).toBe('other');
  });

  it('a full snapshot goes after the pushes queued before it', () => {
    applyView({ batch: batchOf([task('t1', 1, 'queued')]), tasks: [task('t1', 1, 'queued')] });
    push([task('t1', 1, 'generating')]);
    applyView({ batch: batchOf([task('t1', 1, 'ready')]), tasks: [task('t1', 1, 'ready')] });
    runFrame();
    expect(useTasks.getState().byId.t1?.state).toBe('ready');
    expect(useBatches.getState().batches.b1?.counts.line).toBe('Ready 1/1');
  });

  it('keeps the row order stable on updates and appends unseen tasks', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending')]);
    const before = useTasks.getState().order.b1;
    push([task('t1', 1, 'queued')]);
    runFrame();
    expect(useTasks.getState().order.b1).toBe(before); // same array: the grid does not re-layout
    push([task('t9', 9, 'queued')]);
    runFrame();
    expect(useTasks.getState().order.b1).toEqual(['t1', 't9']);
  });

  it('tracks step progress while generating and drops it when the task moves on', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'generating')]);
    queueTaskProgress({ taskId: 't1', batchId: 'b1', step: 3, steps: 30, previewUrl: null });
    runFrame();
    expect(useTasks.getState().progress.t1?.step).toBe(3);
    push([task('t1', 1, 'validating')]);
    runFrame();
    expect(useTasks.getState().progress.t1).toBeUndefined();
  });

  it('leaves unrelated tasks as the same objects, so their grid cells do not re-render', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending'), task('t2', 2, 'pending')]);
    const t2 = useTasks.getState().byId.t2;
    push([task('t1', 1, 'queued')]);
    runFrame();
    expect(useTasks.getState().byId.t2).toBe(t2);
  });

  it('a full refresh (polling) keeps unchanged tasks as the same objects', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending'), task('t2', 2, 'pending')]);
    const t1 = useTasks.getState().byId.t1;
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending'), task('t2', 2, 'ready', 0.9)]);
    expect(useTasks.getState().byId.t1).toBe(t1);
    expect(useTasks.getState().byId.t2?.state).toBe('ready');
  });
});
