import { create } from 'zustand';
import type { BatchSummary } from '../../../preload/api.ts';

interface BatchesState {
  batches: Record<string, BatchSummary>;
  /**
   * Batches whose summary came with their rows (a 'batch.updated' push or batches.tasks): from
   * then on only such a snapshot may replace it. A summary alone (the list poll, an action's
   * answer) could be newer than the tiles on screen and show counts the tiles do not add up to.
   */
  viewed: Record<string, true>;
  selectedId: string | null;
  taskId: string | null;
  setAll(list: BatchSummary[]): void;
  upsert(b: BatchSummary): void;
  /** Summaries read together with their rows (the tasks store applies the rows in the same update). */
  setFromViews(list: BatchSummary[]): void;
  remove(id: string): void;
  select(id: string | null): void;
  openTask(id: string | null): void;
}

/** Batch summaries (kept fresh by 'batch.updated') and what the Batches screen has selected. */
export const useBatches = create<BatchesState>((set, get) => ({
  batches: {},
  viewed: {},
  selectedId: null,
  taskId: null,
  setAll(list) {
    const { batches: old, viewed } = get();
    const batches: Record<string, BatchSummary> = {};
    // Keep synthetic (test) batches that the server does not know about.
    for (const [id, b] of Object.entries(old)) if (id.startsWith('e2e-')) batches[id] = b;
    for (const b of list) batches[b.id] = (viewed[b.id] && old[b.id]) || b;
    set({ batches });
  },
  upsert(b) {
    const { batches, viewed } = get();
    if (viewed[b.id] && batches[b.id]) return;
    set({ batches: { ...batches, [b.id]: b } });
  },
  setFromViews(list) {
    if (!list.length) return;
    const batches = { ...get().batches };
    const viewed = { ...get().viewed };
    for (const b of list) {
      batches[b.id] = b;
      viewed[b.id] = true;
    }
    set({ batches, viewed });
  },
  remove(id) {
    const { [id]: _gone, ...rest } = get().batches;
    const { [id]: _seen, ...viewed } = get().viewed;
    set({ batches: rest, viewed, selectedId: get().selectedId === id ? null : get().selectedId });
  },
  select(id) {
    set({ selectedId: id, taskId: null });
  },
  openTask(id) {
    set({ taskId: id });
  },
}));

export function sortedBatches(batches: Record<string, BatchSummary>): BatchSummary[] {
  return Object.values(batches).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
