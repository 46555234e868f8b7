import type { AppServices } from '../api/app-services.ts';
import { AppError } from '../core/app-error.ts';
import { loadS3Config, type S3SyncConfig } from '../library/sync/s3-config.ts';
import { loadSettings } from './app-settings.ts';

/**
 * The S3 target as the user configured it in Settings (bucket, prefix, endpoint...) with the
 * secret from the key store; a raw "s3" setting (CLI users) fills anything Settings leaves out.
 */
export async function resolveS3Config(s: Pick<AppServices, 'app' | 'secrets'>): Promise<S3SyncConfig> {
  const ui = loadSettings(s.app.db).s3;
  if (!ui.enabled) throw new AppError('BadInput', 'S3 sync is off: turn it on and fill in the bucket in Settings → S3');
  const secret = await s.secrets.s3.get();
  return loadS3Config(s.app.db, {
    bucket: ui.bucket || undefined,
    prefix: ui.prefix,
    region: ui.region || undefined,
    endpoint: ui.endpoint || undefined,
    publicBaseUrl: ui.publicBaseUrl || undefined,
    accessKeyId: ui.accessKeyId || undefined,
    storageClassForArchive: ui.storageClassForArchive || undefined,
    secretAccessKey: secret ?? undefined,
  });
}
