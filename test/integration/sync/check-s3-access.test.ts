import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCommand } from '../../../main/cli/commands/sync.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { setSetting } from '../../../main/db/settings-repo.ts';
import { checkS3Access } from '../../../main/library/sync/check-s3-access.ts';
import { fakeIo } from '../export/cli-fixture.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3('check-bucket');
});
afterAll(async () => {
  await s3.close();
});

const target = (extra: Partial<Parameters<typeof checkS3Access>[0]> = {}) => ({
  bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', ...extra,
});

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', () => res()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

describe('checking S3 access with one test call (local s3rver)', () => {
  it('says ok for the right bucket and key, with a single HeadBucket request', async () => {
    const before = s3.requests.length;
    const r = await checkS3Access(target());
    expect(r).toMatchObject({ ok: true, reachable: true, outcome: 'ok' });
    expect(r.message).toMatch(/S3 connection ok: bucket "check-bucket"/);
    expect(s3.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(['HEAD /check-bucket/']);
  });

  it('says the bucket was not found', async () => {
    const r = await checkS3Access(target({ bucket: 'no-such-bucket' }));
    expect(r).toMatchObject({ ok: false, reachable: true, outcome: 'no-bucket' });
    expect(r.message).toMatch(/bucket "no-such-bucket" was not found/);
  });

  it('says access was denied for an unknown key, without retrying', async () => {
    const before = s3.requests.length;
    const r = await checkS3Access(target({ accessKeyId: 'WRONGKEY' }));
    expect(r).toMatchObject({ ok: false, reachable: true, outcome: 'denied' });
    expect(r.message).toMatch(/access denied .*HTTP 403.* key is wrong/);
    expect(s3.requests.length - before).toBe(1);
  });

  it('says the endpoint is unreachable on a closed port', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const r = await checkS3Access(target({ endpoint }), { timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, reachable: false, outcome: 'unreachable' });
    expect(r.message).toMatch(new RegExp(`endpoint ${endpoint} is unreachable`));
  });

  it('assetql sync --check prints the sentence and exits 0 only when ok', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'assetql-check-'));
    const ctx = openAppContext(dataDir);
    setSetting(ctx.db, 's3', { bucket: s3.bucket, prefix: 'p', region: 'us-east-1', endpoint: s3.endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    ctx.close();
    const ok = fakeIo(tmpdir());
    expect(await syncCommand.run(['--check', '--data-dir', dataDir], ok.io)).toBe(0);
    expect(ok.out()).toMatch(/S3 connection ok/);
    expect(s3.puts()).toHaveLength(0);
    const missing = fakeIo(tmpdir());
    expect(await syncCommand.run(['--check', '--json', '--bucket', 'gone-bucket', '--data-dir', dataDir], missing.io)).toBe(1);
    expect(JSON.parse(missing.out())).toMatchObject({ ok: false, outcome: 'no-bucket' });
  });
});
