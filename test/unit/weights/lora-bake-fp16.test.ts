import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bakeLoras } from '../../../models/lora/bake-loras.ts';
import { convertOnnxFileToFp16 } from '../../../models/convert/convert-onnx-file.ts';
import { ONNX_FLOAT16, OnnxFile } from '../../../models/onnx-edit/onnx-file.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../../models/test-pack/layout-test-pack.ts';
import { locateWeights } from '../../../models/weights/locate-weights.ts';
import { gatherParam } from '../../../models/weights/weight-target.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-lora-fp16-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Deterministic values in [-0.5, 0.5). */
const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453) % 1) / 2);

// Real GPU packs store fp16 weights: the bake updates them in their own type (decoded into the
// kernel, encoded back), for a convolution and an Optimum MatMul weight stored transposed.
it('bakes into an fp16 pack: W += scale·(alpha/rank)·up·down within fp16 rounding, weights stay fp16', async () => {
  const base = join(root, 'base');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  await convertOnnxFileToFp16(join(base, manifest.components.unet.file), join(base, manifest.components.unet.file));
  const before = await OnnxFile.read(join(base, manifest.components.unet.file));
  const located = await locateWeights(before);
  const conv = 'down_blocks.1.resnets.0.conv1.weight';
  const linear = 'down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight';
  const convT = located.params.get(conv)!;
  const linT = located.params.get(linear)!;
  expect(linT.layout).toBe('transpose');
  expect(before.initializers.get(convT.init)!.dataType).toBe(ONNX_FLOAT16);

  const layers = [
    { param: conv, key: 'lora_unet_down_blocks_1_resnets_0_conv1', shape: convT.paramShape, rank: 2, alpha: 1 },
    { param: linear, key: 'lora_unet_down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q', shape: linT.paramShape, rank: 4, alpha: 4 },
  ];
  const lora = join(root, 'lora.safetensors');
  const factors = layers.map((l, i) => {
    const [out = 0, ...rest] = l.shape;
    const inner = rest.reduce((a, b) => a * b, 1);
    return { down: values(l.rank * inner, 2 * i + 1), up: values(out * l.rank, 2 * i + 2), out, inner };
  });
  await writeSafetensors(
    lora,
    layers.flatMap((l, i) => [
      { name: `${l.key}.lora_down.weight`, shape: [l.rank, ...l.shape.slice(1)], dtype: 'F32' as const, values: factors[i]!.down },
      { name: `${l.key}.lora_up.weight`, shape: [l.shape[0]!, l.rank, ...l.shape.slice(2).map(() => 1)], dtype: 'F32' as const, values: factors[i]!.up },
      { name: `${l.key}.alpha`, shape: [], dtype: 'F32' as const, values: [l.alpha] },
    ]),
  );
  const scale = 0.8;
  await bakeLoras({ baseDir: base, base: manifest, destDir: join(root, 'baked'), id: 'baked', name: 'baked', loras: [{ file: lora, name: 'l', scale }] });
  const after = await OnnxFile.read(join(root, 'baked', 'unet.onnx'));

  for (const [i, l] of layers.entries()) {
    const target = l.param === conv ? convT : linT;
    const w0 = gatherParam(target, await before.readFloat32(before.initializers.get(target.init)!));
    const baked = after.initializers.get(target.init)!;
    expect(baked.dataType).toBe(ONNX_FLOAT16);
    const w1 = gatherParam(target, await after.readFloat32(baked));
    const { down, up, out, inner } = factors[i]!;
    const k = (scale * l.alpha) / l.rank;
    let worst = 0;
    for (let o = 0; o < out; o++)
      for (let j = 0; j < inner; j++) {
        let acc = 0;
        for (let r = 0; r < l.rank; r++) acc += up[o * l.rank + r]! * down[r * inner + j]!;
        const want = w0[o * inner + j]! + k * acc;
        // One fp16 rounding of the result: half an ulp (2⁻¹¹ relative), plus float32 slack.
        worst = Math.max(worst, Math.abs(w1[o * inner + j]! - want) / (Math.abs(want) * 2 ** -11 + 1e-6));
      }
    expect(worst).toBeLessThanOrEqual(1.01);
    expect(Math.max(...w1.map((v, n) => Math.abs(v - w0[n]!)))).toBeGreaterThan(1e-3); // the LoRA did change it
  }
});
