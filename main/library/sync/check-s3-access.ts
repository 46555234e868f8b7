import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { createS3Client } from './s3-client.ts';
import type { S3SyncConfig } from './s3-config.ts';

export type S3CheckOutcome = 'ok' | 'no-bucket' | 'denied' | 'unreachable' | 'error';

export interface S3Check {
  /** true: the bucket answered with these credentials. */
  ok: boolean;
  /** false when the server never answered: not the key's fault, so the key is kept (like Claude's check). */
  reachable: boolean;
  outcome: S3CheckOutcome;
  message: string;
}

export type S3CheckTarget = Pick<S3SyncConfig, 'bucket' | 'region' | 'accessKeyId' | 'secretAccessKey'> & { endpoint?: string | undefined };

/**
 * A test call with the S3 settings the user just entered: one HeadBucket (no body, cheapest
 * request that needs both a valid key and the bucket), one attempt (createS3Client sets
 * maxAttempts 1) and a short abort, so a wrong endpoint fails in seconds rather than hanging
 * in the SDK's socket timeouts.
 */
export async function checkS3Access(target: S3CheckTarget, opts: { timeoutMs?: number } = {}): Promise<S3Check> {
  const where = target.endpoint ?? `AWS (${target.region})`;
  const client = createS3Client(target);
  try {
    await client.send(new HeadBucketCommand({ Bucket: target.bucket }), { abortSignal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
    return { ok: true, reachable: true, outcome: 'ok', message: `S3 connection ok: bucket "${target.bucket}" on ${where} answered with this key.` };
  } catch (err) {
    return describeFailure(err, target.bucket, where);
  } finally {
    client.destroy();
  }
}

function describeFailure(err: unknown, bucket: string, where: string): S3Check {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  // HeadBucket has no response body, so the HTTP status is the only reliable signal.
  if (status === 404 || e.name === 'NotFound' || e.name === 'NoSuchBucket') {
    return { ok: false, reachable: true, outcome: 'no-bucket', message: `S3 bucket "${bucket}" was not found on ${where}: check the bucket name (and region).` };
  }
  if (status === 403 || status === 401 || e.name === 'Forbidden' || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch') {
    return { ok: false, reachable: true, outcome: 'denied', message: `S3 access denied to bucket "${bucket}" (HTTP ${status ?? 403}): the access key ID or secret access key is wrong, or the key may not use this bucket.` };
  }
  if (status === 301) {
    return { ok: false, reachable: true, outcome: 'error', message: `S3 bucket "${bucket}" is in another region: set the region in Settings → S3.` };
  }
  if (status !== undefined) {
    return { ok: false, reachable: true, outcome: 'error', message: `S3 answered the test call with HTTP ${status}${e.name ? ` (${e.name})` : ''}.` };
  }
  // No HTTP status: refused connection, DNS failure, TLS error or our timeout.
  const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'no answer in time' : (e.code ?? e.message ?? String(err));
  return { ok: false, reachable: false, outcome: 'unreachable', message: `S3 endpoint ${where} is unreachable (${why}): check the endpoint URL and your connection.` };
}
