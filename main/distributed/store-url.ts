import { AppError } from '../core/app-error.ts';
import { parseS3Config, type S3SyncConfig } from '../library/sync/s3-config.ts';

/**
 * The object store both roles share, as one URL so a worker needs nothing but flags:
 *   http(s)://KEY:SECRET@host:port/bucket[/prefix]   an S3-compatible server (MinIO, R2, s3rver…)
 *   s3://KEY:SECRET@bucket[/prefix]?region=eu-west-1 AWS S3
 * Credentials may instead come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Retries: 4 with
 * 250 ms base backoff (250, 500, 1000, 2000) — the work objects are small and a job should
 * not sit for the sync's multi-second backoff on one flaky request.
 */
export function parseStoreUrl(url: string, env: NodeJS.ProcessEnv = process.env): S3SyncConfig {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('BadInput', `store URL is not a URL: use http://KEY:SECRET@host:9000/bucket or s3://KEY:SECRET@bucket`);
  }
  const accessKeyId = decodeURIComponent(u.username) || env['AWS_ACCESS_KEY_ID'] || '';
  const secretAccessKey = decodeURIComponent(u.password) || env['AWS_SECRET_ACCESS_KEY'] || '';
  if (!accessKeyId || !secretAccessKey) {
    throw new AppError('BadInput', 'store URL has no credentials: put KEY:SECRET@ in the URL or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  }
  const path = u.pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  const region = u.searchParams.get('region') ?? env['AWS_REGION'] ?? 'us-east-1';
  let bucket: string | undefined;
  let prefix: string[];
  let endpoint: string | undefined;
  if (u.protocol === 's3:') {
    bucket = u.hostname;
    prefix = path;
  } else if (u.protocol === 'http:' || u.protocol === 'https:') {
    bucket = path[0];
    prefix = path.slice(1);
    endpoint = `${u.protocol}//${u.host}`;
  } else {
    throw new AppError('BadInput', `store URL must start with http://, https:// or s3:// (got "${u.protocol}")`);
  }
  if (!bucket) throw new AppError('BadInput', 'store URL names no bucket');
  return parseS3Config(
    { bucket, prefix: prefix.join('/'), region, accessKeyId, secretAccessKey, ...(endpoint ? { endpoint } : {}), maxRetries: 4, retryBaseMs: 250 },
    'store URL',
  );
}

/** The URL without its secret, for logs and the UI. */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid store URL)';
  }
}
