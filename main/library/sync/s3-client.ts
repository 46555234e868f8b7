import { S3Client } from '@aws-sdk/client-s3';
import type { S3SyncConfig } from './s3-config.ts';

/**
 * client-s3 ≥ 3.729 adds CRC32 checksums to every request by default, which S3-compatible
 * servers (s3rver, older MinIO, R2 at the time) reject or mishandle (REFERENCE.md); we send
 * Content-MD5 ourselves, so checksums are only computed where an operation requires them.
 * Path-style addressing works with every S3-compatible server and with bucket names that
 * contain dots. The SDK's own retries are off (maxAttempts 1): retry.ts owns retry and backoff
 * so it can be observed, bounded and cancelled.
 */
export function createS3Client(config: Pick<S3SyncConfig, 'region' | 'accessKeyId' | 'secretAccessKey'> & { endpoint?: string | undefined }): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}
