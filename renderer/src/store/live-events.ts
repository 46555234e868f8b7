import { subscribe } from '../api.ts';
import { useBatches } from './batches.ts';
import { queueTaskProgress, queueTaskUpdate } from './tasks.ts';

let started = false;

/** One app-wide subscription feeding the stores (screens read stores, not the socket). */
export function startLiveEvents(): void {
  if (started) return;
  started = true;
  subscribe('task.updated', queueTaskUpdate);
  subscribe('task.progress', queueTaskProgress);
  subscribe('batch.updated', (b) => useBatches.getState().upsert(b));
  subscribe('batch.deleted', ({ id }) => useBatches.getState().remove(id));
}
