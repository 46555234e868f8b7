import { subscribe } from '../api.ts';
import { useBatches } from './batches.ts';
import { useToasts } from './toasts.ts';
import { queueTaskProgress, queueView } from './tasks.ts';

let started = false;

/** One app-wide subscription feeding the stores (screens read stores, not the socket). */
export function startLiveEvents(): void {
  if (started) return;
  started = true;
  // Tiles and counters come only from batch snapshots ('task.updated' is for one-row views:
  // the task drawer, the review queue), so they cannot disagree.
  subscribe('batch.updated', queueView);
  subscribe('task.progress', queueTaskProgress);
  subscribe('batch.deleted', ({ id }) => useBatches.getState().remove(id));
  // A hot-folder drop is announced wherever the user is (the list lives in Settings).
  subscribe('hotfolder.drop', (d) =>
    useToasts.getState().push(d.state === 'started' ? 'ok' : 'bad', d.state === 'started' ? `Hot folder: ${d.name}.csv started a batch` : `Hot folder: ${d.name}.csv failed — ${d.error ?? 'see failed/'}`),
  );
}
