import type { BatchSummary, BatchView } from '../../preload/api.ts';
import type { AppServices } from './app-services.ts';
import { AppError } from '../core/app-error.ts';
import { getBatch, getTask, listTasks } from '../pipeline/ledger-api.ts';
import { attemptStats, batchSummaryDto, taskStats, taskSummaryDto } from './dto/pipeline-dto.ts';

/** Past this many changed rows one grouped stats query beats a query per row. */
const PER_ROW_STATS_MAX = 32;

/**
 * The one way a batch reaches the screens: its summary (counts by status) together with the
 * rows that changed since its previous push, read in ONE ledger transaction. Tiles used to come
 * from per-row 'task.updated' events and the counters from a throttled batch event, so a
 * screenshot could show three "DLQ" tiles under a "Review 2" counter; now both ride in the
 * same message, from the same moment.
 */
export interface BatchFeed {
  /** A row of the batch changed: it goes out with the batch's next push. */
  taskChanged(batchId: string, taskId: string): void;
  /** Pushes 'batch.updated' now and returns the summary it pushed (null for a batch that is gone). */
  publish(batchId: string): BatchSummary | null;
  /** The batch with every row, one snapshot (what a screen loads first, and re-polls). */
  view(batchId: string): BatchView;
  /** The batch was deleted: nothing more to push for it. */
  forget(batchId: string): void;
}

export function createBatchFeed(s: Pick<AppServices, 'app' | 'bus' | 'fileUrl'>): BatchFeed {
  const db = s.app.db;
  const dirty = new Map<string, Set<string>>();

  // One read-only (deferred) transaction: the summary and the rows see the same ledger, even
  // with another process (`assetql batch retry`) writing it at the time.
  const read = db.transaction((batchId: string, taskIds: readonly string[] | 'all'): BatchView | null => {
    const b = getBatch(db, batchId);
    if (!b) return null;
    const batch = batchSummaryDto(db, b);
    if (taskIds === 'all' || taskIds.length > PER_ROW_STATS_MAX) {
      const stats = attemptStats(db, batchId);
      const want = taskIds === 'all' ? null : new Set(taskIds);
      const rows = listTasks(db, { batchId }).filter((t) => !want || want.has(t.id));
      return { batch, tasks: rows.map((t) => taskSummaryDto(t, stats.get(t.id), s.fileUrl)) };
    }
    const tasks = taskIds.flatMap((id) => {
      const t = getTask(db, id);
      return t ? [taskSummaryDto(t, taskStats(db, id), s.fileUrl)] : [];
    });
    return { batch, tasks };
  }).deferred;

  return {
    taskChanged(batchId, taskId) {
      let set = dirty.get(batchId);
      if (!set) dirty.set(batchId, (set = new Set()));
      set.add(taskId);
    },
    publish(batchId) {
      const ids = [...(dirty.get(batchId) ?? [])];
      dirty.delete(batchId);
      const v = read(batchId, ids);
      if (v) s.bus.emit('batch.updated', v);
      return v?.batch ?? null;
    },
    view(batchId) {
      const v = read(batchId, 'all');
      if (!v) throw new AppError('NotFound', `no batch ${batchId}`, { batchId });
      return v;
    },
    forget(batchId) {
      dirty.delete(batchId);
    },
  };
}
