import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCommand } from '../../../main/cli/commands/sync.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { setSetting } from '../../../main/db/settings-repo.ts';
import { fakeIo, libraryWithAssets } from '../export/cli-fixture.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3('cli-bucket');
});
afterAll(async () => {
  await s3.close();
});

describe('assetql sync', () => {
  it('explains a missing configuration', async () => {
    const f = fakeIo(tmpdir());
    expect(await syncCommand.run(['--data-dir', mkdtempSync(join(tmpdir(), 'assetql-nosync-'))], f.io)).toBe(1);
    expect(f.err()).toMatch(/S3 sync is not configured: save a setting "s3"/);
  });

  it('dry-runs, uploads library files with credentials from the environment, then skips them', async () => {
    const { dataDir, ids } = await libraryWithAssets([
      { name: 'a', batch: 'b1', prompt: 'p' },
      { name: 'b', batch: 'b1', prompt: 'p' },
    ]);
    const ctx = openAppContext(dataDir);
    setSetting(ctx.db, 's3', { bucket: s3.bucket, prefix: 'cli', region: 'us-east-1', endpoint: s3.endpoint, retryBaseMs: 10 });
    ctx.close();
    const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

    const dry = fakeIo(tmpdir(), env);
    expect(await syncCommand.run(['--dry-run', '--json', '--data-dir', dataDir], dry.io)).toBe(0);
    const plan = JSON.parse(dry.out()) as { planned: string[]; uploaded: number };
    expect(plan.planned.sort()).toEqual([`cli/raw/b1/${ids[0]}.png`, `cli/raw/b1/${ids[1]}.png`, `cli/thumbnails/${ids[0]}.jpg`, `cli/thumbnails/${ids[1]}.jpg`].sort());
    expect(s3.puts()).toHaveLength(0);

    const run = fakeIo(tmpdir(), env);
    expect(await syncCommand.run(['--data-dir', dataDir], run.io)).toBe(0);
    expect(run.out()).toMatch(/Synced to cli-bucket: 4 uploaded, 0 unchanged, 0 failed/);
    expect(s3.puts()).toHaveLength(4);

    const again = fakeIo(tmpdir(), env);
    expect(await syncCommand.run(['--json', '--data-dir', dataDir], again.io)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ uploaded: 0, skipped: 4, failed: 0 });
    expect(s3.puts()).toHaveLength(4);
  });
});
