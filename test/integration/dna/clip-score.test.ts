import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreCommand } from '../../../main/cli/commands/score.ts';
import { buildProfile } from '../../../main/dna/build-profile.ts';
import { scoreImage } from '../../../main/dna/score.ts';
import { createClipEmbedder } from '../../../main/inference/clip-embedder.ts';
import type { Embedder } from '../../../main/inference/embedder.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { decodeImage } from '../../../workers/analysis/decode-image.ts';
import { tinyClipPack } from '../../fixtures/tiny-packs.ts';

const img = (n: string): string => resolve(process.cwd(), '../shared/data/images', n);

describe('style scores with CLIP (tiny random-weight pack, CPU)', () => {
  let pool: WorkerPool;
  let clip: Embedder;
  let packDir: string;
  beforeAll(async () => {
    pool = new WorkerPool({ providers: ['cpu'] });
    packDir = (await tinyClipPack({ embedDim: 16 })).dir;
    clip = await createClipEmbedder(pool, packDir);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('stores a centroid and scores an image against itself as 1', async () => {
    const refs = [{ name: 'coffee', image: await decodeImage(img('coffee.png')) }, { name: 'chelsea', image: await decodeImage(img('chelsea.png')) }];
    const single = await buildProfile(refs.slice(0, 1), { embedder: clip });
    expect(single.clipCentroid).toHaveLength(16);
    expect(single.clipModel).toEqual({ modelId: clip.modelId, dim: 16 });
    const self = await scoreImage(refs[0]!.image, single, { embedder: clip });
    expect(self.clipRaw).toBeCloseTo(1, 5);
    expect(self.clipSimilarity).toBeCloseTo(1, 5);
    expect(self.weights.clip).toBeCloseTo(0.4, 9);
    expect(self.styleScore).toBeCloseTo(1, 5);

    const pair = await buildProfile(refs, { embedder: clip });
    expect(pair.calibration.clipTypicalCosine).toBeGreaterThan(-1);
    expect(pair.calibration.clipTypicalCosine).toBeLessThan(1);
    // Without an embedder at score time the CLIP part is reported unavailable, not guessed.
    const noClip = await scoreImage(refs[0]!.image, pair);
    expect(noClip.clipSimilarity).toBeNull();
    expect(noClip.clipUnavailable).toMatch(/no CLIP embedder/);
    expect(noClip.weights.clip).toBe(0);
  });

  it('assetql score --clip-pack prints a CLIP similarity', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const io = { stdout, stderr: new PassThrough(), cwd: resolve(process.cwd(), '../shared/data/images'), env: {}, signal: new AbortController().signal };
    expect(await scoreCommand.run(['coffee.png', '--profile', 'coffee.png', '--clip-pack', packDir, '--json'], io)).toBe(0);
    const s = JSON.parse(out) as { clipSimilarity: number; clipRaw: number };
    expect(s.clipRaw).toBeCloseTo(1, 5);
    expect(s.clipSimilarity).toBeCloseTo(1, 5);
  });
});
