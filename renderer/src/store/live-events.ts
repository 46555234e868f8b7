import { subscribe } from '../api.ts';
import { useBatches } from './batches.ts';
import { useToasts } from './toasts.ts';
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
  // A hot-folder drop is announced wherever the user is (the list lives in Settings).
  subscribe('hotfolder.drop', (d) =>
    useToasts.getState().push(d.state === 'started' ? 'ok' : 'bad', d.state === 'started' ? `Hot folder: ${d.name}.csv started a batch` : `Hot folder: ${d.name}.csv failed — ${d.error ?? 'see failed/'}`),
  );
}
