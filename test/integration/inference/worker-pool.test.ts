import { afterEach, describe, expect, it } from 'vitest';
import { createSdxlClient } from '../../../main/inference/sdxl-client.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { tinySdxlPack } from '../../fixtures/tiny-packs.ts';

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('rejects in-flight work with Internal when a worker crashes, then respawns it', async () => {
    pool = new WorkerPool({ providers: ['cpu'] });
    const { dir } = await tinySdxlPack();
    const client = await createSdxlClient(pool, dir);
    const before = await client.generate({ prompt: 'a cat', seed: 4, steps: 2 });
    await expect(pool.run({ kind: 'debug.crash' })).rejects.toMatchObject({ kind: 'Internal', message: expect.stringContaining('crashed') });
    const after = await client.generate({ prompt: 'a cat', seed: 4, steps: 2 });
    expect(Buffer.from(after.image.data).equals(Buffer.from(before.image.data))).toBe(true);
  });

  it('cancels queued work by seq before it starts, and rejects work after close', async () => {
    pool = new WorkerPool({ providers: ['cpu'] });
    const { dir } = await tinySdxlPack();
    const first = pool.submit({ kind: 'sdxl.generate', packDir: dir, request: { prompt: 'a', seed: 1, steps: 3 } });
    const second = pool.submit({ kind: 'sdxl.generate', packDir: dir, request: { prompt: 'b', seed: 1, steps: 3 } });
    pool.cancel(second.seq);
    await expect(first.result).resolves.toMatchObject({ seed: 1 });
    await expect(second.result).rejects.toMatchObject({ kind: 'Cancelled' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(pool.run({ kind: 'clip.info', packDir: dir }, { signal: aborted.signal })).rejects.toMatchObject({ kind: 'Cancelled' });
    await pool.close();
    await expect(pool.run({ kind: 'clip.info', packDir: dir })).rejects.toMatchObject({ kind: 'Unavailable' });
  });

  it('spreads work over several workers', async () => {
    pool = new WorkerPool({ providers: ['cpu'], size: 2 });
    const { dir } = await tinySdxlPack();
    const results = await Promise.all([1, 2, 3].map((seed) => pool!.run({ kind: 'sdxl.generate', packDir: dir, request: { prompt: 'x', seed, steps: 1 } })));
    expect(results.map((r) => r.seed)).toEqual([1, 2, 3]);
  });
});
