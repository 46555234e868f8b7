import type { AppServices } from '../app-services.ts';
import { checkDatabase } from '../../db/check-database.ts';
import { reindexLibrary } from '../../library/reindex-library.ts';

/**
 * Settings → Maintenance: the same checks and repair as `assetql doctor --db` and
 * `assetql library rebuild`, on the folder this app already holds. (A database too damaged to
 * open never gets this far: the app's start-up error offers the rebuild instead.)
 */
export function registerMaintenanceHandlers(s: AppServices): void {
  s.registry.handle('app.checkDatabase', () => {
    const { path, bytes, ok, problems, ms } = checkDatabase(s.app.dataDir);
    return { path, bytes, ok, problems, ms };
  });
  s.registry.handle('library.rebuildIndex', async () => {
    const r = await reindexLibrary(s.app);
    if (r.restored > 0) s.bus.emit('library.changed', { assetIds: [] });
    return { scanned: r.scanned, restored: r.restored, alreadyIndexed: r.alreadyIndexed, batchesRecreated: r.batchesRecreated, skipped: r.skipped.slice(0, 100) };
  });
}
