import type { AppServices } from '../app-services.ts';
import type { PipelineEngine } from '../../pipeline/engine.ts';
import type { BatchFeed } from '../batch-feed.ts';
import { requireBatch, batchAdminInfo, renameBatch, setBatchArchived } from '../../pipeline/ledger-api.ts';
import { batchSummaryDto } from '../dto/pipeline-dto.ts';
import { schemaBounds } from '../dto/schema-bounds.ts';
import { BatchConfigSchema } from '../../../preload/api.ts';
import { deleteBatchAndFiles, duplicateBatch, rerunFailed, type BatchAdminDeps } from '../../runtime/batch-admin-ops.ts';

/** The batch list (deleted hidden, archived on request) and rename/duplicate/re-run/archive/delete. */
export function registerBatchAdminHandlers(s: AppServices, engine: PipelineEngine, feed: BatchFeed): void {
  const db = s.app.db;
  const deps: BatchAdminDeps = { db, dataDir: s.app.dataDir, engine };
  // Through the feed: the push carries the rows this action changed (a re-run's queued rows)
  // with the new counts, and the answer is the summary that was pushed.
  const announce = (id: string) => feed.publish(id) ?? batchSummaryDto(db, requireBatch(db, id));

  s.registry.handle('batches.list', (arg) => {
    const info = batchAdminInfo(db);
    return engine
      .listBatches()
      .filter((b) => {
        const i = info.get(b.id);
        return !i?.deletedAt && (arg?.includeArchived || !i?.archivedAt);
      })
      .map((b) => batchSummaryDto(db, b));
  });
  s.registry.handle('batches.configBounds', () => schemaBounds(BatchConfigSchema));
  s.registry.handle('batches.rename', ({ id, name }) => (renameBatch(db, id, name), announce(id)));
  s.registry.handle('batches.archive', ({ id, archived }) => (setBatchArchived(db, id, archived), announce(id)));
  s.registry.handle('batches.duplicate', ({ id, changes }) => announce(duplicateBatch(deps, id, changes)));
  s.registry.handle('batches.rerunFailed', ({ id }) => {
    const queued = rerunFailed(deps, id);
    return { queued, batch: announce(id) };
  });
  s.registry.handle('batches.delete', async ({ id, deleteAssets }) => {
    const r = await deleteBatchAndFiles(deps, id, deleteAssets);
    feed.forget(id);
    s.bus.emit('batch.deleted', { id });
    return { id, ...r };
  });
}
