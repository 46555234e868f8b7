import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { convertOnnxFileToFp16 } from '../../../models/convert/convert-onnx-file.ts';
import { ONNX_FLOAT16, OnnxFile } from '../../../models/onnx-edit/onnx-file.ts';
import { SafetensorsFile } from '../../../models/safetensors/safetensors-file.ts';
import { writeSafetensors, type TensorToWrite } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack, LAYOUT_POOLED } from '../../../models/test-pack/layout-test-pack.ts';
import { importCheckpoint } from '../../../models/weights/import-checkpoint.ts';
import { locateWeights } from '../../../models/weights/locate-weights.ts';
import { gatherParam } from '../../../models/weights/weight-target.ts';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../workers/onnx/float16.ts';
import { SeededRandom } from '../../../workers/sdxl/seeded-random.ts';
import { sgmUnetName, unetParamShapes } from './tiny-unet-reference.ts';
import { CTX } from './weights-fixtures.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-import-fp16-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

// Most SDXL checkpoints are fp16 and GPU packs store fp16 weights: a tensor stored exactly as the
// graph wants it is passed through byte for byte; an fp32 one is rounded once to fp16 (weights
// the converter kept in fp32, such as norms, take the checkpoint's values as they are).
it('imports fp16 and fp32 checkpoint tensors onto an fp16 pack: fp16 bytes pass through, fp32 values round once', async () => {
  const base = join(root, 'base');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  await convertOnnxFileToFp16(join(base, manifest.components.unet.file), join(base, manifest.components.unet.file));
  const rng = new SeededRandom(5);
  const tensors: TensorToWrite[] = [];
  const want = new Map<string, { values: ArrayLike<number>; dtype: 'F16' | 'F32' }>();
  [...unetParamShapes(CTX, LAYOUT_POOLED)].forEach(([name, shape], i) => {
    const values = rng.gaussianArray(shape.reduce((a, b) => a * b, 1), 0.4);
    const dtype = i % 2 === 0 ? 'F16' : 'F32';
    want.set(name, { values, dtype });
    tensors.push({ name: sgmUnetName(name), shape, dtype, values });
  });
  const ckpt = join(root, 'mixed.safetensors');
  await writeSafetensors(ckpt, tensors, { 'modelspec.architecture': 'stable-diffusion-xl-v1-base' });
  const report = await importCheckpoint({ checkpoint: ckpt, baseDir: base, base: manifest, destDir: join(root, 'imported'), id: 'imported', name: 'imported' });
  expect(report.mismatched).toEqual([]);
  expect(report.mapped).toBe(want.size);

  const out = await OnnxFile.read(join(root, 'imported', 'unet.onnx'));
  const located = await locateWeights(out);
  const st = await SafetensorsFile.open(ckpt);
  try {
    let passedThrough = 0;
    let halfWeights = 0;
    for (const [name, w] of want) {
      const target = located.params.get(name);
      expect(target, name).toBeDefined();
      const init = out.initializers.get(target!.init)!;
      const half = init.dataType === ONNX_FLOAT16;
      if (half && w.dtype === 'F16' && target!.layout === 'same') {
        expect(Buffer.compare(await out.readRaw(init), await st.readRaw(sgmUnetName(name))), name).toBe(0);
        passedThrough += 1;
      }
      if (half) halfWeights += 1;
      const f16 = (v: number): number => float16BitsToFloat32(float32ToFloat16Bits(v));
      // As stored in the checkpoint, then as the graph stores it (fp32 norms stay fp32).
      const expected = Array.from(w.values, (v) => {
        const stored = w.dtype === 'F16' ? f16(v) : Math.fround(v);
        return half ? f16(stored) : stored;
      });
      expect(Array.from(gatherParam(target!, await out.readFloat32(init))), name).toEqual(expected);
    }
    expect(halfWeights).toBeGreaterThan(want.size / 2);
    expect(passedThrough).toBeGreaterThan(0);
  } finally {
    await st.close();
  }
});
