import type { AppServices } from '../api/app-services.ts';
import { archiveStaleAssets, purgeDeletedAssets } from '../library/lifecycle.ts';
import { onLibraryEvent } from '../library/library-events.ts';
import { applyArchiveStorageClass } from '../library/sync/archive-storage-class.ts';
import { loadSettings } from '../settings/app-settings.ts';
import { resolveS3Config } from '../settings/s3-settings.ts';

const SWEEP_MS = 6 * 3600_000;

/**
 * Library lifecycle in the background: active assets older than Settings → "archive after N
 * days" move to the archive folder and deleted assets older than "purge deleted after N days"
 * are removed for good (at launch and every 6 hours), and when S3 sync is on with
 * an archive storage class, archived objects are moved to that class too.
 */
export function startLifecycleRuntime(s: AppServices): void {
  const ctx = { db: s.app.db, dataDir: s.app.dataDir };
  const sweep = (): void => {
    const settings = loadSettings(s.app.db);
    void archiveStaleAssets(ctx, { days: settings.archiveAfterDays }).catch(() => undefined);
    // Deleted assets stay undeletable for Settings → "purge deleted after N days", then go for good.
    void purgeDeletedAssets(ctx, { olderThanDays: settings.purgeDeletedAfterDays }).catch(() => undefined);
  };
  const timer = setInterval(sweep, SWEEP_MS);
  timer.unref();
  setTimeout(sweep, 5_000).unref();

  const off = onLibraryEvent((e) => {
    if (e.type !== 'archived' || !loadSettings(s.app.db).s3.enabled) return;
    void resolveS3Config(s)
      .then((config) => (config.storageClassForArchive ? applyArchiveStorageClass({ db: s.app.db, config }, [e.assetId]) : null))
      .catch(() => undefined); // not synced yet or offline: the next sync uploads it as archived
  });
  s.onClose(() => {
    clearInterval(timer);
    off();
  });
}
