import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtSession, OrtTensorClass } from '../../../workers/onnx/ort.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smokeRun } from '../../../workers/sdxl/smoke-run.ts';
import { writeSafetensors, type TensorToWrite } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack, LAYOUT_POOLED } from '../../../models/test-pack/layout-test-pack.ts';
import type { TestExportLayout } from '../../../models/test-pack/layout-unet-graph.ts';
import { importCheckpoint, CheckpointRefused } from '../../../models/weights/import-checkpoint.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { referenceUnet, unetParamShapes } from './tiny-unet-reference.ts';
import { CTX, D2, maxAbsDiff, runUnet, writeCheckpoint } from './weights-fixtures.ts';
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each<TestExportLayout>(['optimum', 'ort-optimized'])('checkpoint import onto a %s export', (layout) => {
  it('writes the checkpoint weights so ONNX Runtime matches a plain-maths reference to 1e-4', async () => {
    const base = join(root, `base-${layout}`);
    const { manifest, graphs } = await createLayoutTestPack(base, layout);
    const ckptPath = join(root, `ckpt-${layout}.safetensors`);
    const ckpt = await writeCheckpoint(ckptPath, 99);
    const dest = join(root, `imported-${layout}`);
    const report = await importCheckpoint({ checkpoint: ckptPath, baseDir: base, base: manifest, destDir: dest, id: `imported-${layout}`, name: 'Imported' });

    expect(report.layouts.unet).toBe(layout);
    expect(report.unmapped.map((u) => u.key)).toEqual(['model.diffusion_model.not_a_real_layer.weight']);
    expect(report.mismatched).toEqual([
      { key: 'conditioner.embedders.0.transformer.text_model.encoder.layers.0.mlp.fc2.weight', target: 'text_encoder:text_model.encoder.layers.0.mlp.fc2.weight', checkpointShape: [3, 3], packShape: [8, 8] },
    ]);
    expect(report.mapped).toBe(unetParamShapes(CTX, LAYOUT_POOLED).size + 4);

    const rng = new SeededRandom(5);
    const H = 3;
    const L = 5;
    const sample = Float32Array.from(rng.gaussianArray(4 * H * H, 1));
    const ehs = Float32Array.from(rng.gaussianArray(L * CTX, 1));
    const te = Float32Array.from(rng.gaussianArray(LAYOUT_POOLED, 1));
    const got = await runUnet(dest, sample, H, ehs, L, te);
    const want = referenceUnet(ckpt.unet, sample, H, H, ehs, L, CTX, te, LAYOUT_POOLED);
    expect(maxAbsDiff(got, want)).toBeLessThan(1e-4);
    // And the base pack really differs (the import changed something).
    expect(maxAbsDiff(await runUnet(base, sample, H, ehs, L, te), want)).toBeGreaterThan(1e-2);

    // OpenCLIP's packed in_proj lands in q/k/v_proj of text_encoder_2: hidden_states.31 is
    // tanh(q(x)+k(x)+v(x)) with x = token + position rows of the base pack.
    const s = await createOrtSession(join(dest, 'text_encoder_2.onnx'), {});
    const ids = BigInt64Array.from({ length: 77 }, (_, i) => BigInt((i * 37) % 500));
    const out = await s.run({ input_ids: new OrtTensorClass('int64', ids, [1, 77]) });
    await s.release();
    const tok = graphs.text_encoder_2.values.get('text_model.embeddings.token_embedding.weight')!.data;
    const pos = graphs.text_encoder_2.values.get('text_model.embeddings.position_embedding.weight')!.data;
    const h1 = new Float32Array(77 * D2);
    for (let sIdx = 0; sIdx < 77; sIdx++) {
      const x = Array.from({ length: D2 }, (_, i) => (tok[Number(ids[sIdx]) * D2 + i] ?? 0) + (pos[sIdx * D2 + i] ?? 0));
      for (let o = 0; o < D2; o++) {
        let acc = 0;
        for (let part = 0; part < 3; part++) {
          acc += ckpt.inProjBias[part * D2 + o] ?? 0;
          for (let i = 0; i < D2; i++) acc += (ckpt.inProj[(part * D2 + o) * D2 + i] ?? 0) * (x[i] ?? 0);
        }
        h1[sIdx * D2 + o] = Math.tanh(acc);
      }
    }
    expect(maxAbsDiff(out['hidden_states.31']!.data as Float32Array, h1)).toBeLessThan(1e-4);

    // The imported pack generates end to end.
    const smoke = await smokeRun(dest, 'cpu');
    expect(smoke.error).toBeUndefined();
    expect(smoke.ok).toBe(true);
  });
});

describe('checkpoint refusals', () => {
  const cases: Array<[string, TensorToWrite[], RegExp]> = [
    ['SD 1.5', [{ name: 'cond_stage_model.transformer.text_model.embeddings.position_ids', shape: [1], dtype: 'F32', values: [0] }, { name: 'model.diffusion_model.input_blocks.1.1.proj_in.weight', shape: [1], dtype: 'F32', values: [0] }], /Stable Diffusion 1\.x checkpoint/],
    ['SD 3', [{ name: 'model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight', shape: [1], dtype: 'F32', values: [0] }], /Stable Diffusion 3 checkpoint/],
    ['Flux', [{ name: 'double_blocks.0.img_attn.qkv.weight', shape: [1], dtype: 'F32', values: [0] }], /Flux checkpoint/],
    ['a LoRA', [{ name: 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight', shape: [1], dtype: 'F32', values: [0] }], /is a LoRA/],
  ];
  it.each(cases)('refuses %s with a sentence saying what it is', async (_label, tensors, message) => {
    const base = join(root, 'base-refusal');
    const { manifest } = await createLayoutTestPack(base, 'optimum');
    const path = join(root, `${_label}.safetensors`);
    await writeSafetensors(path, tensors);
    const run = importCheckpoint({ checkpoint: path, baseDir: base, base: manifest, destDir: join(root, 'never'), id: 'never', name: 'never' });
    await expect(run).rejects.toBeInstanceOf(CheckpointRefused);
    await expect(run).rejects.toThrow(message);
  });
});
