import { join } from 'node:path';
import { createOrtSession, OrtTensorClass } from '../../../workers/onnx/ort.ts';
import { expect } from 'vitest';
import { writeSafetensors, type TensorToWrite } from '../../../models/safetensors/write-safetensors.ts';
import { LAYOUT_POOLED, LAYOUT_TE_DIMS } from '../../../models/test-pack/layout-test-pack.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { sgmUnetName, unetParamShapes, type Params } from './tiny-unet-reference.ts';

export const CTX = LAYOUT_TE_DIMS[0] + LAYOUT_TE_DIMS[1];
export const D2 = LAYOUT_TE_DIMS[1];

/** A tiny SDXL checkpoint in original SGM naming covering the whole tiny UNet. */
export async function writeCheckpoint(path: string, seed: number): Promise<{ unet: Params; inProj: Float32Array; inProjBias: Float32Array }> {
  const rng = new SeededRandom(seed);
  const unet: Params = new Map();
  const tensors: TensorToWrite[] = [];
  for (const [name, shape] of unetParamShapes(CTX, LAYOUT_POOLED)) {
    const values = rng.gaussianArray(shape.reduce((a, b) => a * b, 1), 0.4);
    unet.set(name, Float32Array.from(values));
    tensors.push({ name: sgmUnetName(name), shape, dtype: 'F32', values });
  }
  const inProj = Float32Array.from(rng.gaussianArray(3 * D2 * D2, 0.3));
  const inProjBias = Float32Array.from(rng.gaussianArray(3 * D2, 0.1));
  tensors.push({ name: 'conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight', shape: [3 * D2, D2], dtype: 'F32', values: inProj });
  tensors.push({ name: 'conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_bias', shape: [3 * D2], dtype: 'F32', values: inProjBias });
  tensors.push({ name: 'conditioner.embedders.1.model.text_projection', shape: [D2, LAYOUT_POOLED], dtype: 'F32', values: rng.gaussianArray(D2 * LAYOUT_POOLED, 0.3) });
  tensors.push({ name: 'conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc1.weight', shape: [8, 8], dtype: 'F32', values: rng.gaussianArray(64, 0.3) });
  // Reported, not written: a key no SDXL component has, and a shape the pack cannot take.
  tensors.push({ name: 'model.diffusion_model.not_a_real_layer.weight', shape: [2], dtype: 'F32', values: [1, 2] });
  tensors.push({ name: 'conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc2.weight', shape: [3, 3], dtype: 'F32', values: rng.gaussianArray(9, 1) });
  await writeSafetensors(path, tensors, { 'modelspec.architecture': 'stable-diffusion-xl-v1-base' });
  return { unet, inProj, inProjBias };
}

export async function runUnet(dir: string, sample: Float32Array, H: number, ehs: Float32Array, L: number, textEmbeds: Float32Array): Promise<Float32Array> {
  const s = await createOrtSession(join(dir, 'unet.onnx'), {});
  try {
    const out = await s.run({
      sample: new OrtTensorClass('float32', sample, [1, 4, H, H]),
      timestep: new OrtTensorClass('float32', Float32Array.of(500), []),
      encoder_hidden_states: new OrtTensorClass('float32', ehs, [1, L, CTX]),
      text_embeds: new OrtTensorClass('float32', textEmbeds, [1, LAYOUT_POOLED]),
      time_ids: new OrtTensorClass('float32', new Float32Array(6), [1, 6]),
    });
    return out.out_sample!.data as Float32Array;
  } finally {
    await s.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

