import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreUrl } from '../../../main/distributed/store-url.ts';
import { parseRedisUrl, redactUrl } from '../../../main/distributed/redis-connection.ts';
import { formatWorkersTable } from '../../../main/distributed/format-workers.ts';
import { jobIdFor } from '../../../main/distributed/job-types.ts';
import { variantLoraKey, variantQueueName } from '../../../main/distributed/pack-identity.ts';
import type { WorkerAd } from '../../../main/distributed/worker-registry.ts';

describe('store URL', () => {
  it('reads an S3-compatible endpoint with credentials, bucket and prefix', () => {
    const c = parseStoreUrl('https://AK%2F1:s3cr%40t@minio.lan:9000/assets/work/area?region=eu-west-1', {});
    expect(c).toMatchObject({ endpoint: 'https://minio.lan:9000', bucket: 'assets', prefix: 'work/area', region: 'eu-west-1', accessKeyId: 'AK/1', secretAccessKey: 's3cr@t' });
  });
  it('reads AWS s3:// with credentials from the environment', () => {
    const c = parseStoreUrl('s3://my-bucket/p', { AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' });
    expect(c).toMatchObject({ bucket: 'my-bucket', prefix: 'p', accessKeyId: 'k', secretAccessKey: 's' });
    expect(c.endpoint).toBeUndefined();
  });
  it('refuses missing credentials, a missing bucket and other schemes with a clear message', () => {
    expect(() => parseStoreUrl('s3://b', {})).toThrow(/no credentials/);
    expect(() => parseStoreUrl('http://k:s@host:9000/', {})).toThrow(/names no bucket/);
    expect(() => parseStoreUrl('ftp://k:s@host/b', {})).toThrow(/must start with http/);
  });
  it('never shows the secret', () => {
    expect(redactStoreUrl('http://key:secret@h:9000/b')).toBe('http://key:***@h:9000/b');
  });
});

describe('Redis URL', () => {
  it('accepts redis:// and rediss:// and redacts the password', () => {
    expect(parseRedisUrl('rediss://:pw@r.example:6380/2').protocol).toBe('rediss:');
    expect(redactUrl('redis://:hunter2@10.0.0.5:6379')).toBe('redis://:***@10.0.0.5:6379');
    expect(() => parseRedisUrl('http://x')).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => parseRedisUrl('not a url')).toThrow(/not a URL/);
  });
});

describe('queues and jobs', () => {
  it('one queue per pack variant; the LoRA set is order-independent; job ids are task key + attempt', () => {
    expect(variantQueueName('sdxl-base', 'abcd', '')).toBe('assetql-gen.sdxl-base.abcd');
    const l = (sha256: string, scale: number, name = 'x') => ({ sha256, scale, name, bytes: 1 });
    expect(variantLoraKey([])).toBe('');
    expect(variantLoraKey([l('aa', 0.5), l('bb', 1)])).toBe(variantLoraKey([l('bb', 1, 'renamed'), l('aa', 0.5)]));
    expect(variantLoraKey([l('aa', 0.5)])).not.toBe(variantLoraKey([l('aa', 0.6)]));
    expect(variantLoraKey([l('aa', 0.5)])).not.toBe(variantLoraKey([l('ab', 0.5)]));
    expect(jobIdFor('ff00', 3)).toBe('ff00.a3');
    expect(jobIdFor('ff00', 3)).not.toContain(':');
  });
});

describe('assetql workers table', () => {
  it('shows host, provider, GPU, packs, current job, rate and heartbeat age, without control characters', () => {
    const w: WorkerAd = {
      id: 'gpu1-1', host: 'gpu1\u001b[31m', pid: 1, version: '0.1.0', provider: 'cuda', gpu: 'NVIDIA H100', gpuMemoryMb: 81920,
      packs: [{ packId: 'sdxl-base', hash: '0123456789abcdef', version: '1' }], currentJob: { jobId: 'k.a1', batchId: 'b1234567890', rowIndex: 7, since: 0 },
      imagesPerMin: 12, completed: 3, failed: 0, startedAt: 0, lastHeartbeat: 9_000, local: false,
    };
    const t = formatWorkersTable([w], 10_000);
    expect(t).toMatch(/HOST\s+PROVIDER\s+GPU/);
    expect(t).toContain('NVIDIA H100 80 GB');
    expect(t).toContain('sdxl-base@01234567');
    expect(t).toContain('row 7 of b1234567');
    expect(t).toContain('1 s ago');
    expect(t).not.toContain('\u001b');
    expect(formatWorkersTable([])).toBe('No workers connected.');
  });
});
