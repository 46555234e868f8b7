import { create } from 'zustand';
import type { BatchSummary, BatchView, EventPayloads, TaskSummary } from '../../../preload/api.ts';
import { useBatches } from './batches.ts';

export type TaskProgress = EventPayloads['task.progress'];

interface TasksState {
  /** Every task seen, keyed by id: grid cells select their own entry so only changed cells render. */
  byId: Record<string, TaskSummary>;
  /** Task ids per batch in row order: changes only when tasks are added, not on every update. */
  order: Record<string, string[]>;
  progress: Record<string, TaskProgress>;
  loaded: Record<string, boolean>;
  setBatchTasks(batchId: string, tasks: TaskSummary[]): void;
  applyMany(tasks: TaskSummary[], progress: TaskProgress[]): void;
}

export const useTasks = create<TasksState>((set, get) => ({
  byId: {},
  order: {},
  progress: {},
  loaded: {},
  setBatchTasks(batchId, tasks) {
    const byId = { ...get().byId };
    // Keep the old object when nothing changed so a refresh re-renders only the changed cells.
    for (const t of tasks) if (!sameTask(byId[t.id], t)) byId[t.id] = t;
    const ids = [...tasks].sort((a, b) => a.row - b.row).map((t) => t.id);
    set({ byId, order: { ...get().order, [batchId]: ids }, loaded: { ...get().loaded, [batchId]: true } });
  },
  applyMany(tasks, progress) {
    const s = get();
    const byId = { ...s.byId };
    let order = s.order;
    for (const t of tasks) {
      if (!byId[t.id]) {
        const ids = order[t.batchId] ?? [];
        order = { ...order, [t.batchId]: [...ids, t.id] };
      }
      byId[t.id] = t;
    }
    let prog = s.progress;
    if (progress.length || tasks.length) {
      prog = { ...prog };
      for (const p of progress) prog[p.taskId] = p;
      // A task that left "generating" no longer has a live preview.
      for (const t of tasks) if (t.state !== 'generating') delete prog[t.id];
    }
    set({ byId, order, progress: prog });
  },
}));

/**
 * Live updates arrive far faster than the screen refreshes (20/s on 500 tasks). They are
 * queued here and applied in ONE store update per animation frame, so React renders at most
 * once per frame however bursty the socket is. A batch's rows and its summary (the counters)
 * travel in one snapshot ('batch.updated' = BatchView) and are applied in the same frame, so
 * the tiles and the counters above them never show different moments.
 */
const pendingViews = new Map<string, { batch: BatchSummary; tasks: Map<string, TaskSummary> }>();
const pendingProgress = new Map<string, TaskProgress>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  if (!pendingViews.size && !pendingProgress.size) return;
  const views = [...pendingViews.values()];
  const progress = [...pendingProgress.values()];
  pendingViews.clear();
  pendingProgress.clear();
  // Two stores, one synchronous block: React renders both changes together.
  useTasks.getState().applyMany(views.flatMap((v) => [...v.tasks.values()]), progress);
  useBatches.getState().setFromViews(views.map((v) => v.batch));
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(flush);
}

/** A pushed snapshot: the batch's summary and the rows that changed with it. */
export function queueView(v: BatchView): void {
  const p = pendingViews.get(v.batch.id);
  if (p) {
    p.batch = v.batch;
    for (const t of v.tasks) p.tasks.set(t.id, t);
  } else {
    pendingViews.set(v.batch.id, { batch: v.batch, tasks: new Map(v.tasks.map((t) => [t.id, t])) });
  }
  schedule();
}

/** A full snapshot (batches.tasks): whatever is still queued arrived before it, so it goes first. */
export function applyView(v: BatchView): void {
  flush();
  useTasks.getState().setBatchTasks(v.batch.id, v.tasks);
  useBatches.getState().setFromViews([v.batch]);
}

export function queueTaskProgress(p: TaskProgress): void {
  pendingProgress.set(p.taskId, p);
  schedule();
}

function sameTask(a: TaskSummary | undefined, b: TaskSummary): boolean {
  return !!a && a.state === b.state && a.status === b.status && a.statusLabel === b.statusLabel && a.styleScore === b.styleScore && a.thumbUrl === b.thumbUrl && a.attempts === b.attempts && a.error === b.error && a.held === b.held && a.priority === b.priority && a.name === b.name;
}
