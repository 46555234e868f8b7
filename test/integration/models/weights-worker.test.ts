import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { bakeLorasInWorker, closeCpuJobs } from '../../../main/inference/cpu-jobs.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../../models/test-pack/layout-test-pack.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'assetql-weights-worker-'));
});
afterAll(async () => {
  await closeCpuJobs();
  await rm(root, { recursive: true, force: true });
});

// The app bakes in the weights worker (never on the main thread): results, byte counts and
// refusals must cross the thread boundary intact.
it('bakes in the weights worker, reporting bytes written, and refuses a LoRA for another model with its sentence', async () => {
  const base = join(root, 'base');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  const conv = 'lora_unet_down_blocks_1_resnets_0_conv1'; // [8, 8, 3, 3] in the layout test UNet
  const fits = join(root, 'fits.safetensors');
  await writeSafetensors(fits, [
    { name: `${conv}.lora_down.weight`, shape: [1, 8, 3, 3], dtype: 'F32', values: Array.from({ length: 72 }, (_, i) => Math.sin(i)) },
    { name: `${conv}.lora_up.weight`, shape: [8, 1, 1, 1], dtype: 'F32', values: [0.5, -0.25, 1, 2, 0, 1, -1, 0.125] },
  ]);
  let bytes = 0;
  const report = await bakeLorasInWorker({ baseDir: base, base: manifest, destDir: join(root, 'baked'), id: 'baked', name: 'baked', loras: [{ file: fits, name: 'fits', scale: 1 }] }, (n) => (bytes += n));
  expect(report.loras).toEqual([{ name: 'fits', applied: 1, unmatched: [] }]);
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual((await stat(join(root, 'baked', 'unet.onnx_data'))).size);

  const sd15 = join(root, 'sd15.safetensors');
  await writeSafetensors(sd15, [
    { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', shape: [1, 4], dtype: 'F32', values: [1, 2, 3, 4] },
    { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', shape: [4, 1], dtype: 'F32', values: [1, 2, 3, 4] },
  ]);
  const refused = bakeLorasInWorker({ baseDir: base, base: manifest, destDir: join(root, 'never'), id: 'never', name: 'never', loras: [{ file: sd15, name: 'sd15', scale: 1 }] });
  await expect(refused).rejects.toBeInstanceOf(AppError);
  await expect(refused).rejects.toMatchObject({ kind: 'BadInput', message: expect.stringMatching(/none of its 1 layers matches a layer of pack/) as unknown });
});
