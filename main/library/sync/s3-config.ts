import type { Database } from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../core/app-error.ts';
import { getSetting } from '../../db/settings-repo.ts';

export const S3_SETTINGS_KEY = 's3';
const MIB = 1024 * 1024;
/** S3 refuses parts under 5 MiB (except the last), so neither threshold nor part size may go lower. */
export const MIN_PART_SIZE = 5 * MIB;

export const s3SyncConfigSchema = z.object({
  bucket: z.string().min(3).max(63),
  prefix: z.string().default(''),
  /** S3-compatible server (MinIO, R2, s3rver…); omit for AWS. */
  endpoint: z.url().optional(),
  region: z.string().min(1).default('us-east-1'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** Public URL of the bucket root (or a CDN in front of it), used for Shopify image URLs. */
  publicBaseUrl: z.url().optional(),
  /** e.g. GLACIER_IR or DEEP_ARCHIVE, applied by applyArchiveStorageClass when assets are archived. */
  storageClassForArchive: z.string().optional(),
  multipartThreshold: z.number().int().min(MIN_PART_SIZE).default(16 * MIB),
  partSize: z.number().int().min(MIN_PART_SIZE).default(8 * MIB),
  concurrency: z.number().int().min(1).max(32).default(4),
  maxRetries: z.number().int().min(0).max(10).default(4),
  /** First backoff delay; doubles per retry (ARCHITECTURE: 1 s, 2 s, 4 s). */
  retryBaseMs: z.number().int().min(0).default(1000),
});

export type S3SyncConfig = z.infer<typeof s3SyncConfigSchema>;
export type S3SyncConfigInput = z.input<typeof s3SyncConfigSchema>;

/** Parses a config, naming the offending field in the error. */
export function parseS3Config(input: unknown, source = 'S3 config'): S3SyncConfig {
  const r = s3SyncConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    throw new AppError('BadInput', `${source}: "${field}" ${issue?.message ?? 'is invalid'}`, { field });
  }
  return r.data;
}

/** The 's3' setting merged with overrides (CLI flags); missing setting → clear BadInput. */
export function loadS3Config(db: Database, overrides: Partial<S3SyncConfigInput> = {}): S3SyncConfig {
  const stored = getSetting<Record<string, unknown> | null>(db, S3_SETTINGS_KEY, null);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  if (!stored && Object.keys(defined).length === 0) {
    throw new AppError(
      'BadInput',
      `S3 sync is not configured: save a setting "${S3_SETTINGS_KEY}" with { bucket, prefix, region, accessKeyId, secretAccessKey, endpoint?, publicBaseUrl? }`,
    );
  }
  return parseS3Config({ ...(stored ?? {}), ...defined }, `setting "${S3_SETTINGS_KEY}"`);
}

/** Identifies the destination in sync_state, so switching bucket or endpoint starts fresh. */
export function syncTarget(config: S3SyncConfig): string {
  return `${config.endpoint ?? 'aws'}|${config.bucket}`;
}
