import { create } from 'zustand';
import type { BatchSummary } from '../../../preload/api.ts';

interface BatchesState {
  batches: Record<string, BatchSummary>;
  selectedId: string | null;
  taskId: string | null;
  setAll(list: BatchSummary[]): void;
  upsert(b: BatchSummary): void;
  remove(id: string): void;
  select(id: string | null): void;
  openTask(id: string | null): void;
}

/** Batch summaries (kept fresh by 'batch.updated') and what the Batches screen has selected. */
export const useBatches = create<BatchesState>((set, get) => ({
  batches: {},
  selectedId: null,
  taskId: null,
  setAll(list) {
    const batches: Record<string, BatchSummary> = {};
    // Keep synthetic (test) batches that the server does not know about.
    for (const [id, b] of Object.entries(get().batches)) if (id.startsWith('e2e-')) batches[id] = b;
    for (const b of list) batches[b.id] = b;
    set({ batches });
  },
  upsert(b) {
    set({ batches: { ...get().batches, [b.id]: b } });
  },
  remove(id) {
    const { [id]: _gone, ...rest } = get().batches;
    set({ batches: rest, selectedId: get().selectedId === id ? null : get().selectedId });
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
