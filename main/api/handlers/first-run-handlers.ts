import type { AppServices } from '../app-services.ts';
import { freeBytesAt } from '../../../models/downloader/disk-space.ts';

/** What the first-run panel needs beyond models.list: the free disk space for a download. */
export function registerFirstRunHandlers(s: AppServices): void {
  s.registry.handle('models.storage', async () => {
    const dir = s.app.dataDir.models;
    const freeBytes = await freeBytesAt(dir).catch(() => null);
    return { dir, freeBytes };
  });
}
