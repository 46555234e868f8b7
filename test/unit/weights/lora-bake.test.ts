import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrtSession, OrtTensorClass } from '../../../workers/onnx/ort.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakeLoras, LoraRefused } from '../../../models/lora/bake-loras.ts';
import { writeSafetensors, type TensorToWrite } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack, LAYOUT_POOLED } from '../../../models/test-pack/layout-test-pack.ts';
import type { TestExportLayout } from '../../../models/test-pack/layout-unet-graph.ts';
import { importCheckpoint } from '../../../models/weights/import-checkpoint.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { referenceUnet, type Params } from './tiny-unet-reference.ts';
import { CTX, D2, maxAbsDiff, runUnet, writeCheckpoint } from './weights-fixtures.ts';

const BLK = 'down_blocks.1.attentions.0.transformer_blocks.0';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-lora-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Layer {
  /** diffusers parameter the layer patches (for the reference) */
  param: string;
  shape: number[];
  rank: number;
  alpha?: number;
  keys: { down: string; up: string; alpha?: string };
}

/** W += scale·(alpha/rank)·up·down with plain loops, on a copy of the parameters. */
function applyReference(params: Params, layers: Layer[], values: Map<string, { down: ArrayLike<number>; up: ArrayLike<number> }>, scale: number): Params {
  const out: Params = new Map([...params].map(([k, v]) => [k, Float32Array.from(v)]));
  for (const l of layers) {
    const w = out.get(l.param)!;
    const { down, up } = values.get(l.param)!;
    const outDim = l.shape[0]!;
    const inner = w.length / outDim;
    const k = (scale * (l.alpha ?? l.rank)) / l.rank;
    for (let o = 0; o < outDim; o++)
      for (let j = 0; j < inner; j++) {
        let acc = 0;
        for (let r = 0; r < l.rank; r++) acc += (up[o * l.rank + r] ?? 0) * (down[r * inner + j] ?? 0);
        w[o * inner + j] = (w[o * inner + j] ?? 0) + k * acc;
      }
  }
  return out;
}

async function writeLora(path: string, layers: Layer[], rng: SeededRandom, metadata: Record<string, string> = {}): Promise<Map<string, { down: ArrayLike<number>; up: ArrayLike<number> }>> {
  const values = new Map<string, { down: ArrayLike<number>; up: ArrayLike<number> }>();
  const tensors: TensorToWrite[] = [];
  for (const l of layers) {
    const [outDim = 0, ...rest] = l.shape;
    const inner = rest.reduce((a, b) => a * b, 1);
    const down = rng.gaussianArray(l.rank * inner, 0.5);
    const up = rng.gaussianArray(outDim * l.rank, 0.5);
    values.set(l.param, { down, up });
    const downShape = rest.length === 3 ? [l.rank, ...rest] : [l.rank, inner];
    const upShape = rest.length === 3 ? [outDim, l.rank, 1, 1] : [outDim, l.rank];
    tensors.push({ name: l.keys.down, shape: downShape, dtype: 'F16', values: down }, { name: l.keys.up, shape: upShape, dtype: 'F32', values: up });
    if (l.keys.alpha) tensors.push({ name: l.keys.alpha, shape: [], dtype: 'F32', values: [l.alpha ?? l.rank] });
  }
  await writeSafetensors(path, tensors, metadata);
  // The reference uses the values as stored (down is F16 on disk).
  const { toFloat16Array, float16BitsToFloat32 } = await import('../../../workers/onnx/float16.ts');
  for (const v of values.values()) v.down = Array.from(toFloat16Array(v.down), float16BitsToFloat32);
  return values;
}

const kohya = (m: string): Layer['keys'] => ({ down: `${m}.lora_down.weight`, up: `${m}.lora_up.weight`, alpha: `${m}.alpha` });

describe.each<TestExportLayout>(['optimum', 'ort-optimized'])('LoRA bake on a %s export', (layout) => {
  it('matches W += scale·(alpha/rank)·up·down computed in plain maths, for every key format', async () => {
    const base = join(root, `base-${layout}`);
    const { manifest, graphs } = await createLayoutTestPack(base, layout);
    const ckptPath = join(root, `ckpt-${layout}.safetensors`);
    const ckpt = await writeCheckpoint(ckptPath, 3);
    const imported = join(root, `imported-${layout}`);
    const imp = await importCheckpoint({ checkpoint: ckptPath, baseDir: base, base: manifest, destDir: imported, id: 'imported', name: 'Imported' });

    // A kohya SDXL LoRA with original SGM block names (linear, 3×3 conv, 1×1 conv, both encoders).
    const kohyaLayers: Layer[] = [
      { param: `${BLK}.attn1.to_q.weight`, shape: [8, 8], rank: 2, alpha: 1, keys: kohya('lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q') },
      { param: 'down_blocks.1.resnets.0.conv1.weight', shape: [8, 8, 3, 3], rank: 3, alpha: 6, keys: kohya('lora_unet_input_blocks_4_0_in_layers_2') },
      { param: 'down_blocks.1.resnets.0.conv_shortcut.weight', shape: [8, 8, 1, 1], rank: 2, keys: kohya('lora_unet_input_blocks_4_0_skip_connection') },
      { param: `${BLK}.attn2.to_k.weight`, shape: [8, CTX], rank: 2, alpha: 2, keys: kohya('lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k') },
      { param: 'te2:q_proj', shape: [D2, D2], rank: 2, alpha: 1, keys: kohya('lora_te2_text_model_encoder_layers_0_self_attn_q_proj') },
      { param: 'te1:fc1', shape: [8, 8], rank: 1, keys: kohya('lora_te1_text_model_encoder_layers_0_mlp_fc1') },
    ];
    // diffusers / PEFT formats.
    const peftLayers: Layer[] = [
      { param: `${BLK}.attn1.to_v.weight`, shape: [8, 8], rank: 2, keys: { down: `unet.${BLK}.attn1.to_v.lora_A.weight`, up: `unet.${BLK}.attn1.to_v.lora_B.weight` } },
      { param: `${BLK}.attn2.to_v.weight`, shape: [8, CTX], rank: 2, keys: { down: `unet.${BLK}.attn2.to_v.lora.down.weight`, up: `unet.${BLK}.attn2.to_v.lora.up.weight` } },
      { param: `${BLK}.attn2.to_out.0.weight`, shape: [8, 8], rank: 1, keys: { down: `unet.${BLK}.attn2.processor.to_out_lora.down.weight`, up: `unet.${BLK}.attn2.processor.to_out_lora.up.weight` } },
      { param: 'te2:k_proj', shape: [D2, D2], rank: 2, keys: { down: 'text_encoder_2.text_model.encoder.layers.0.self_attn.k_proj.lora_A.weight', up: 'text_encoder_2.text_model.encoder.layers.0.self_attn.k_proj.lora_B.weight' } },
    ];
    const rng = new SeededRandom(11);
    const kohyaFile = join(root, `kohya-${layout}.safetensors`);
    const peftFile = join(root, `peft-${layout}.safetensors`);
    const kv = await writeLora(kohyaFile, kohyaLayers, rng, { ss_tag_frequency: '{"style": {"pixelart": 3}}' });
    const pv = await writeLora(peftFile, peftLayers, rng);
    const dest = join(root, `baked-${layout}`);
    const report = await bakeLoras({ baseDir: imported, base: imp.manifest, destDir: dest, id: 'baked', name: 'Baked', loras: [ { file: kohyaFile, name: 'kohya', scale: 0.7 }, { file: peftFile, name: 'peft', scale: -1.3 } ] });
    expect(report.loras).toEqual([
      { name: 'kohya', applied: 6, unmatched: [] },
      { name: 'peft', applied: 4, unmatched: [] },
    ]);

    const unetOnly = (ls: Layer[]): Layer[] => ls.filter((l) => !l.param.startsWith('te'));
    let params = applyReference(ckpt.unet, unetOnly(kohyaLayers), kv, 0.7);
    params = applyReference(params, unetOnly(peftLayers), pv, -1.3);
    const r = new SeededRandom(5);
    const H = 3;
    const L = 4;
    const sample = Float32Array.from(r.gaussianArray(4 * H * H, 1));
    const ehs = Float32Array.from(r.gaussianArray(L * CTX, 1));
    const te = Float32Array.from(r.gaussianArray(LAYOUT_POOLED, 1));
    expect(maxAbsDiff(await runUnet(dest, sample, H, ehs, L, te), referenceUnet(params, sample, H, H, ehs, L, CTX, te, LAYOUT_POOLED))).toBeLessThan(1e-4);
    expect(maxAbsDiff(await runUnet(imported, sample, H, ehs, L, te), referenceUnet(params, sample, H, H, ehs, L, CTX, te, LAYOUT_POOLED))).toBeGreaterThan(1e-2);

    // text_encoder_2: q_proj (kohya, 0.7) and k_proj (PEFT, −1.3) on top of the checkpoint's in_proj.
    const q = Float32Array.from(ckpt.inProj.subarray(0, D2 * D2));
    const k = Float32Array.from(ckpt.inProj.subarray(D2 * D2, 2 * D2 * D2));
    const v = Float32Array.from(ckpt.inProj.subarray(2 * D2 * D2));
    const tp: Params = new Map([['q', q], ['k', k]]);
    const qLayer = { ...kohyaLayers[4]!, param: 'q' };
    const kLayer = { ...peftLayers[3]!, param: 'k' };
    const qk = applyReference(applyReference(tp, [qLayer], new Map([['q', kv.get('te2:q_proj')!]]), 0.7), [kLayer], new Map([['k', pv.get('te2:k_proj')!]]), -1.3);
    const ids = BigInt64Array.from({ length: 77 }, (_, i) => BigInt((i * 13) % 300));
    const sBaked = await createOrtSession(join(dest, 'text_encoder_2.onnx'), {});
    const bakedOut = (await sBaked.run({ input_ids: new OrtTensorClass('int64', ids, [1, 77]) }))['hidden_states.31']!.data as Float32Array;
    await sBaked.release();
    const tok = graphs.text_encoder_2.values.get('text_model.embeddings.token_embedding.weight')!.data;
    const pos = graphs.text_encoder_2.values.get('text_model.embeddings.position_embedding.weight')!.data;
    const weights = [qk.get('q')!, qk.get('k')!, v];
    const want = new Float32Array(77 * D2);
    for (let s = 0; s < 77; s++) {
      const x = Array.from({ length: D2 }, (_, i) => (tok[Number(ids[s]) * D2 + i] ?? 0) + (pos[s * D2 + i] ?? 0));
      for (let o = 0; o < D2; o++) {
        let acc = 0;
        weights.forEach((w, part) => {
          acc += ckpt.inProjBias[part * D2 + o] ?? 0;
          for (let i = 0; i < D2; i++) acc += (w[o * D2 + i] ?? 0) * (x[i] ?? 0);
        });
        want[s * D2 + o] = Math.tanh(acc);
      }
    }
    expect(maxAbsDiff(bakedOut, want)).toBeLessThan(1e-4);
  });
});

it('refuses a LoRA none of whose layers fit the pack', async () => {
  const base = join(root, 'base-refuse');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  const file = join(root, 'sd15.safetensors');
  await writeSafetensors(file, [
    { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', shape: [1, 4], dtype: 'F32', values: [1, 2, 3, 4] },
    { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', shape: [4, 1], dtype: 'F32', values: [1, 2, 3, 4] },
  ]);
  const run = bakeLoras({ baseDir: base, base: manifest, destDir: join(root, 'never'), id: 'never', name: 'never', loras: [{ file, name: 'sd15', scale: 1 }] });
  await expect(run).rejects.toBeInstanceOf(LoraRefused);
  await expect(run).rejects.toThrow(/none of its 1 layers matches a layer of pack/);
});
