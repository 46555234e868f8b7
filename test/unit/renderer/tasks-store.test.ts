import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskSummary } from '../../../preload/api.ts';

// The store batches updates per animation frame; in Node we drive frames by hand.
const frames: FrameRequestCallback[] = [];
globalThis.requestAnimationFrame = (cb: FrameRequestCallback): number => frames.push(cb);
function runFrame(): void {
  for (const cb of frames.splice(0)) cb(performance.now());
}

const { useTasks, queueTaskUpdate, queueTaskProgress } = await import('../../../renderer/src/store/tasks.ts');

function task(id: string, row: number, state: TaskSummary['state'], styleScore: number | null = null): TaskSummary {
  return { id, batchId: 'b1', row, name: id, state, held: false, priority: 0, attempts: 1, styleScore, decision: null, thumbUrl: null, error: null };
}

describe('tasks store', () => {
  beforeEach(() => {
    useTasks.setState({ byId: {}, order: {}, progress: {}, loaded: {} });
    frames.length = 0;
  });

  it('applies a burst of updates in one store update per frame, keeping the latest per task', () => {
    useTasks.getState().setBatchTasks('b1', [task('t2', 2, 'pending'), task('t1', 1, 'pending')]);
    expect(useTasks.getState().order.b1).toEqual(['t1', 't2']);
    let notifications = 0;
    const unsub = useTasks.subscribe(() => notifications++);
    for (let i = 0; i < 50; i++) queueTaskUpdate(task('t1', 1, i === 49 ? 'ready' : 'generating', i / 100));
    queueTaskUpdate(task('t2', 2, 'failed'));
    expect(frames).toHaveLength(1); // one frame scheduled for the whole burst
    expect(useTasks.getState().byId.t1?.state).toBe('pending'); // nothing applied before the frame
    runFrame();
    unsub();
    expect(notifications).toBe(1);
    expect(useTasks.getState().byId.t1).toMatchObject({ state: 'ready', styleScore: 0.49 });
    expect(useTasks.getState().byId.t2?.state).toBe('failed');
  });

  it('keeps the row order stable on updates and appends unseen tasks', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending')]);
    const before = useTasks.getState().order.b1;
    queueTaskUpdate(task('t1', 1, 'queued'));
    runFrame();
    expect(useTasks.getState().order.b1).toBe(before); // same array: the grid does not re-layout
    queueTaskUpdate(task('t9', 9, 'queued'));
    runFrame();
    expect(useTasks.getState().order.b1).toEqual(['t1', 't9']);
  });

  it('tracks step progress while generating and drops it when the task moves on', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'generating')]);
    queueTaskProgress({ taskId: 't1', batchId: 'b1', step: 3, steps: 30, previewUrl: null });
    runFrame();
    expect(useTasks.getState().progress.t1?.step).toBe(3);
    queueTaskUpdate(task('t1', 1, 'validating'));
    runFrame();
    expect(useTasks.getState().progress.t1).toBeUndefined();
  });

  it('leaves unrelated tasks as the same objects, so their grid cells do not re-render', () => {
    useTasks.getState().setBatchTasks('b1', [task('t1', 1, 'pending'), task('t2', 2, 'pending')]);
    const t2 = useTasks.getState().byId.t2;
    queueTaskUpdate(task('t1', 1, 'queued'));
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
