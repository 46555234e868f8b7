import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { createSdxlClient, type SdxlClient, type SdxlProgress } from '../../../main/inference/sdxl-client.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { tinySdxlPack } from '../../fixtures/tiny-packs.ts';

const same = (a: RgbImage, b: RgbImage): boolean => Buffer.from(a.data).equals(Buffer.from(b.data));

describe('SDXL through the worker pool on a tiny pack (CPU)', () => {
  let pool: WorkerPool;
  let client: SdxlClient;

  beforeAll(async () => {
    pool = new WorkerPool({ providers: ['cpu'] });
    const { dir } = await tinySdxlPack({ ipAdapter: { embedDim: 16, tokens: 4 } });
    client = await createSdxlClient(pool, dir);
    await client.generate({ prompt: 'warm-up', seed: 0, steps: 1 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('generates a valid PNG of the requested size, with one progress event per step', async () => {
    const progress: SdxlProgress[] = [];
    const r = await client.generate({ prompt: 'a photo of a cat', seed: 1, width: 64, height: 64, steps: 4 }, { onProgress: (p) => progress.push(p) });
    expect(r.image.width).toBe(64);
    expect(r.image.height).toBe(64);
    expect(r.image.data).toHaveLength(64 * 64 * 3);
    expect(r).toMatchObject({ seed: 1, steps: 4, sampler: 'euler', testPack: true, providers: ['cpu'] });
    expect(r.gpuMs).toBeGreaterThan(0);
    expect(progress.map((p) => `${p.step}/${p.totalSteps}`)).toEqual(['1/4', '2/4', '3/4', '4/4']);
    const png = await sharp(r.image.data, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 64, height: 64 });
    // Not a flat image: the tiny graph's output depends on the noise.
    expect(new Set(r.image.data).size).toBeGreaterThan(16);
  });

  it('is bit-identical for the same seed, different across seeds, prompts and negatives', async () => {
    const base = { prompt: 'red sneaker on white background', seed: 42, steps: 4 };
    const a = await client.generate(base);
    const b = await client.generate(base);
    expect(same(a.image, b.image)).toBe(true);
    expect(same(a.image, (await client.generate({ ...base, seed: 43 })).image)).toBe(false);
    expect(same(a.image, (await client.generate({ ...base, prompt: 'a blue fox' })).image)).toBe(false);
    expect(same(a.image, (await client.generate({ ...base, negativePrompt: 'blurry' })).image)).toBe(false);
  });

  it('generates non-square sizes', async () => {
    const r = await client.generate({ prompt: 'banner', seed: 3, width: 96, height: 48, steps: 2 });
    expect([r.image.width, r.image.height]).toEqual([96, 48]);
  });

  it.each(['euler', 'euler_a', 'dpmpp_2m_karras'] as const)('runs sampler %s deterministically', async (sampler) => {
    const a = await client.generate({ prompt: 'game asset icon', seed: 5, steps: 4, sampler });
    const b = await client.generate({ prompt: 'game asset icon', seed: 5, steps: 4, sampler });
    expect(a.sampler).toBe(sampler);
    expect(same(a.image, b.image)).toBe(true);
  });

  it('samplers give different images', async () => {
    const run = (sampler: 'euler' | 'euler_a' | 'dpmpp_2m_karras') => client.generate({ prompt: 'x', seed: 5, steps: 4, sampler });
    const [e, ea, dpm] = await Promise.all([run('euler'), run('euler_a'), run('dpmpp_2m_karras')]);
    expect(same(e.image, ea.image)).toBe(false);
    expect(same(e.image, dpm.image)).toBe(false);
  });

  it('cancels mid-run with AppError Cancelled', async () => {
    const ac = new AbortController();
    const steps: number[] = [];
    const err = await client
      .generate({ prompt: 'slow', seed: 1, steps: 40 }, { signal: ac.signal, onProgress: (p) => {
        steps.push(p.step);
        if (p.step === 2) ac.abort();
      } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('Cancelled');
    expect(steps.length).toBeLessThan(40);
    // The worker is still usable afterwards.
    expect((await client.generate({ prompt: 'after', seed: 1, steps: 1 })).image.width).toBe(64);
  });

  it('runs img2img with a strength, using fewer steps', async () => {
    const init: RgbImage = { width: 80, height: 80, data: new Uint8Array(80 * 80 * 3).map((_, i) => (i * 7) % 256) };
    const progress: SdxlProgress[] = [];
    const r = await client.generate({ prompt: 'a cat', seed: 9, steps: 10, initImage: init, strength: 0.5 }, { onProgress: (p) => progress.push(p) });
    expect(progress).toHaveLength(5);
    expect([r.image.width, r.image.height]).toEqual([64, 64]);
    const txt = await client.generate({ prompt: 'a cat', seed: 9, steps: 10 });
    expect(same(r.image, txt.image)).toBe(false);
    const again = await client.generate({ prompt: 'a cat', seed: 9, steps: 10, initImage: init, strength: 0.5 });
    expect(same(r.image, again.image)).toBe(true);
  });

  it('conditions on IP-Adapter image tokens when the pack has image_proj', async () => {
    const base = { prompt: 'a cat', seed: 11, steps: 3 };
    const plain = await client.generate(base);
    const withIp = await client.generate({ ...base, ipAdapter: { imageEmbeds: new Float32Array(16).fill(0.5), scale: 1 } });
    const otherIp = await client.generate({ ...base, ipAdapter: { imageEmbeds: new Float32Array(16).fill(-0.5), scale: 1 } });
    expect(same(plain.image, withIp.image)).toBe(false);
    expect(same(withIp.image, otherIp.image)).toBe(false);
    await expect(client.generate({ ...base, ipAdapter: { imageEmbeds: new Float32Array(5) } })).rejects.toMatchObject({ kind: 'BadInput' });
  });

  it('sends latent previews when asked', async () => {
    const previews: RgbImage[] = [];
    await client.generate({ prompt: 'x', seed: 1, steps: 2, preview: true }, { onProgress: (p) => p.preview && previews.push(p.preview) });
    expect(previews).toHaveLength(2);
    expect([previews[0]?.width, previews[0]?.height]).toEqual([8, 8]);
  });

  it('rejects bad requests with BadInput', async () => {
    await expect(client.generate({ prompt: 'x', seed: 1, width: 60 })).rejects.toMatchObject({ kind: 'BadInput', message: expect.stringContaining('multiples of 8') });
    await expect(client.generate({ prompt: 'x', seed: -1 })).rejects.toMatchObject({ kind: 'BadInput' });
    await expect(client.generate({ prompt: 'x', seed: 1, strength: 2, initImage: { width: 8, height: 8, data: new Uint8Array(192) } })).rejects.toMatchObject({ kind: 'BadInput' });
  });
});

describe('SDXL pack variants and failures', () => {
  let pool: WorkerPool;
  beforeAll(() => {
    pool = new WorkerPool({ providers: ['cpu'] });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('runs an fp16 pack with int64 [B] timesteps and a latent_sample VAE encoder', async () => {
    const { dir } = await tinySdxlPack({ float16: true, timestep: 'int64-batch', vaeEncoder: 'latent_sample', size: 32 });
    const client = await createSdxlClient(pool, dir);
    const a = await client.generate({ prompt: 'a photo', seed: 2, steps: 3, sampler: 'dpmpp_2m_karras' });
    const b = await client.generate({ prompt: 'a photo', seed: 2, steps: 3, sampler: 'dpmpp_2m_karras' });
    expect([a.image.width, a.image.height]).toEqual([32, 32]);
    expect(same(a.image, b.image)).toBe(true);
    const i2i = await client.generate({ prompt: 'a photo', seed: 2, steps: 4, initImage: a.image, strength: 0.75 });
    expect(i2i.image.width).toBe(32);
  });

  it('guidance ≤ 1 runs without CFG (distilled models)', async () => {
    const { dir } = await tinySdxlPack();
    const client = await createSdxlClient(pool, dir);
    const r = await client.generate({ prompt: 'turbo', seed: 1, steps: 1, guidance: 0 });
    expect(r.guidance).toBe(0);
  });

  it('img2img without a vae_encoder is BadInput', async () => {
    const { dir } = await tinySdxlPack({ vaeEncoder: false });
    const client = await createSdxlClient(pool, dir);
    await expect(client.generate({ prompt: 'x', seed: 1, initImage: { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3) } })).rejects.toMatchObject({ kind: 'BadInput' });
  });

  it('a pack with a missing file fails with ModelMissing naming the file', async () => {
    const { dir: src } = await tinySdxlPack();
    const dir = join(src, '..', 'broken');
    await createTestPack(dir, { kind: 'sdxl' });
    await rm(join(dir, 'unet.onnx'));
    await expect(createSdxlClient(pool, dir)).rejects.toMatchObject({ kind: 'ModelMissing', message: expect.stringContaining('unet.onnx') });
    await expect(createSdxlClient(pool, join(dir, 'nope'))).rejects.toMatchObject({ kind: 'ModelMissing', message: expect.stringContaining('manifest.json') });
  });
});
