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
  return configWithSecret(s, (await s.secrets.s3.get()) ?? undefined);
}

/**
 * The same target for a connection test, which must work before sync is turned on (the user
 * checks the key while filling the form); secret overrides the stored one (a key being entered).
 */
export async function s3ConfigForCheck(s: Pick<AppServices, 'app' | 'secrets'>, secret?: string): Promise<S3SyncConfig> {
  return configWithSecret(s, secret ?? (await s.secrets.s3.get()) ?? undefined);
}

function configWithSecret(s: Pick<AppServices, 'app'>, secretAccessKey: string | undefined): S3SyncConfig {
  const ui = loadSettings(s.app.db).s3;
  return loadS3Config(s.app.db, {
    bucket: ui.bucket || undefined,
    prefix: ui.prefix,
    region: ui.region || undefined,
    endpoint: ui.endpoint || undefined,
    publicBaseUrl: ui.publicBaseUrl || undefined,
    accessKeyId: ui.accessKeyId || undefined,
    storageClassForArchive: ui.storageClassForArchive || undefined,
    secretAccessKey,
  });
}
