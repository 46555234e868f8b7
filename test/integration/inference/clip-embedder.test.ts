import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClipEmbedder } from '../../../main/inference/clip-embedder.ts';
import type { Embedder } from '../../../main/inference/embedder.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { tinyClipPack } from '../../fixtures/tiny-packs.ts';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((a, b) => a + b * b, 0));

function gradient(width: number, height: number, k: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * k) % 256;
  return { width, height, data };
}

describe('CLIP embedder through the worker pool (tiny pack, CPU)', () => {
  let pool: WorkerPool;
  let clip: Embedder;

  beforeAll(async () => {
    pool = new WorkerPool({ providers: ['cpu'] });
    const { dir } = await tinyClipPack({ embedDim: 24 });
    clip = await createClipEmbedder(pool, dir);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('reads dim, model id and logit scale from the pack', () => {
    expect(clip.dim).toBe(24);
    expect(clip.modelId).toBe('test-clip-tiny');
    expect(clip.logitScale).toBe(100);
  });

  it('returns L2-normalised text embeddings; batched equals one by one', async () => {
    const texts = ['a photo of a cat', 'red sneaker on white background', 'watercolor fox'];
    const batch = await clip.embedTexts(texts);
    expect(batch).toHaveLength(3);
    for (const v of batch) {
      expect(v).toHaveLength(24);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    for (let i = 0; i < texts.length; i++) {
      const [single] = await clip.embedTexts([texts[i] ?? '']);
      single?.forEach((x, j) => expect(x).toBeCloseTo(batch[i]?.[j] ?? Number.NaN, 5));
    }
    expect([...(batch[0] ?? [])]).not.toEqual([...(batch[1] ?? [])]);
  });

  it('returns L2-normalised image embeddings for any size; batched equals one by one', async () => {
    const images = [gradient(64, 48, 3), gradient(30, 90, 7), gradient(224, 224, 11)];
    const batch = await clip.embedImages(images);
    expect(batch).toHaveLength(3);
    for (const v of batch) expect(norm(v)).toBeCloseTo(1, 5);
    for (let i = 0; i < images.length; i++) {
      const [single] = await clip.embedImages([images[i]!]);
      single?.forEach((x, j) => expect(x).toBeCloseTo(batch[i]?.[j] ?? Number.NaN, 5));
    }
    expect(await clip.embedImages([])).toEqual([]);
  });
});
