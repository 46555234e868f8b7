import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installIpAdapter, IpAdapterRefused } from '../../../models/ip-adapter/install-ip-adapter.ts';
import { readPackManifest } from '../../../models/pack-store.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack, LAYOUT_POOLED } from '../../../models/test-pack/layout-test-pack.ts';
import { importCheckpoint } from '../../../models/weights/import-checkpoint.ts';
import { createOrtSession, OrtTensorClass } from '../../../workers/onnx/ort.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { referenceUnet } from './tiny-unet-reference.ts';
import { CTX, maxAbsDiff, runUnet, writeCheckpoint } from './weights-fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-ip-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const D = 8;
const T = 2;
const E = 6;

describe('faithful IP-Adapter by graph surgery', () => {
  it('adds scale·Attn(q, K_ip, V_ip) in every cross-attention; scale 0 is the base UNet', async () => {
    const base = join(root, 'base');
    const { manifest } = await createLayoutTestPack(base, 'optimum');
    const ckpt = await writeCheckpoint(join(root, 'ckpt.safetensors'), 21);
    const imported = join(root, 'imported');
    const imp = await importCheckpoint({ checkpoint: join(root, 'ckpt.safetensors'), baseDir: base, base: manifest, destDir: imported, id: 'imported', name: 'imported' });
    const rng = new SeededRandom(8);
    const k = Float32Array.from(rng.gaussianArray(D * CTX, 0.4));
    const v = Float32Array.from(rng.gaussianArray(D * CTX, 0.4));
    const adapter = join(root, 'ip-adapter_sdxl.safetensors');
    await writeSafetensors(adapter, [
      { name: 'image_proj.proj.weight', shape: [T * CTX, E], dtype: 'F32', values: rng.gaussianArray(T * CTX * E, 0.3) },
      { name: 'image_proj.proj.bias', shape: [T * CTX], dtype: 'F32', values: rng.gaussianArray(T * CTX, 0.1) },
      { name: 'image_proj.norm.weight', shape: [CTX], dtype: 'F32', values: new Float32Array(CTX).fill(1) },
      { name: 'image_proj.norm.bias', shape: [CTX], dtype: 'F32', values: new Float32Array(CTX) },
      { name: 'ip_adapter.1.to_k_ip.weight', shape: [D, CTX], dtype: 'F32', values: k },
      { name: 'ip_adapter.1.to_v_ip.weight', shape: [D, CTX], dtype: 'F32', values: v },
    ]);
    const dest = join(root, 'with-ip');
    const r = await installIpAdapter({ baseDir: imported, base: imp.manifest, adapter, destDir: dest, id: 'with-ip', name: 'with ip', headDim: 4 });
    expect(r).toEqual({ layers: 1, tokens: T, embedDim: E });
    const m = readPackManifest(dest);
    expect(m.kind === 'sdxl' && m.components.image_proj?.outputs['image_prompt_embeds']?.shape).toEqual(['batch_size', T, CTX]);

    const H = 3;
    const L = 4;
    const sample = Float32Array.from(rng.gaussianArray(4 * H * H, 1));
    const ehs = Float32Array.from(rng.gaussianArray(L * CTX, 1));
    const te = Float32Array.from(rng.gaussianArray(LAYOUT_POOLED, 1));
    const tokens = Float32Array.from(rng.gaussianArray(T * CTX, 1));
    const session = await createOrtSession(join(dest, 'unet.onnx'), {});
    const run = async (scale: number): Promise<Float32Array> => {
      const out = await session.run({
        sample: new OrtTensorClass('float32', sample, [1, 4, H, H]),
        timestep: new OrtTensorClass('float32', Float32Array.of(10), []),
        encoder_hidden_states: new OrtTensorClass('float32', ehs, [1, L, CTX]),
        text_embeds: new OrtTensorClass('float32', te, [1, LAYOUT_POOLED]),
        time_ids: new OrtTensorClass('float32', new Float32Array(6), [1, 6]),
        ip_tokens: new OrtTensorClass('float32', tokens, [1, T, CTX]),
        ip_scale: new OrtTensorClass('float32', Float32Array.of(scale), [1]),
      });
      return out['out_sample']!.data as Float32Array;
    };
    const baseOut = await runUnet(imported, sample, H, ehs, L, te);
    expect(maxAbsDiff(await run(0), baseOut)).toBeLessThan(1e-5);
    for (const scale of [0.6, 1.3]) {
      const want = referenceUnet(ckpt.unet, sample, H, H, ehs, L, CTX, te, LAYOUT_POOLED, { tokens, T, k, v, scale });
      expect(maxAbsDiff(await run(scale), want)).toBeLessThan(1e-4);
      expect(maxAbsDiff(await run(scale), baseOut)).toBeGreaterThan(1e-3);
    }
    await session.release();
  });

  it('refuses an adapter for another model (layer count) and a Plus adapter', async () => {
    const base = join(root, 'base2');
    const { manifest } = await createLayoutTestPack(base, 'optimum');
    const wrong = join(root, 'sd15-ip.safetensors');
    await writeSafetensors(wrong, [
      { name: 'image_proj.proj.weight', shape: [CTX, E], dtype: 'F32', values: new Float32Array(CTX * E) },
      { name: 'image_proj.norm.weight', shape: [CTX], dtype: 'F32', values: new Float32Array(CTX) },
      ...[1, 3, 5].flatMap((n) => [
        { name: `ip_adapter.${n}.to_k_ip.weight`, shape: [D, CTX], dtype: 'F32' as const, values: new Float32Array(D * CTX) },
        { name: `ip_adapter.${n}.to_v_ip.weight`, shape: [D, CTX], dtype: 'F32' as const, values: new Float32Array(D * CTX) },
      ]),
    ]);
    const run = installIpAdapter({ baseDir: base, base: manifest, adapter: wrong, destDir: join(root, 'never'), id: 'x', name: 'x', headDim: 4 });
    await expect(run).rejects.toBeInstanceOf(IpAdapterRefused);
    await expect(run).rejects.toThrow(/3 cross-attention adapters but the UNet has 1/);
    const plus = join(root, 'plus.safetensors');
    await writeSafetensors(plus, [{ name: 'image_proj.latents', shape: [1, 4, 8], dtype: 'F32', values: new Float32Array(32) }]);
    await expect(installIpAdapter({ baseDir: base, base: manifest, adapter: plus, destDir: join(root, 'never2'), id: 'x', name: 'x' })).rejects.toThrow(/IP-Adapter Plus/);
  });
});
