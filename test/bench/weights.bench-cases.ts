import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeLoras } from '../../models/lora/bake-loras.ts';
import { MANIFEST_FILE, SdxlManifest } from '../../models/manifest.ts';
import { OnnxFile } from '../../models/onnx-edit/onnx-file.ts';
import { rewriteOnnx } from '../../models/onnx-edit/rewrite-onnx.ts';
import { writeSafetensors, type TensorToWrite } from '../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../models/test-pack/layout-test-pack.ts';
import { NamedGraph, scopeName } from '../../models/test-pack/named-graph.ts';
import { importCheckpoint } from '../../models/weights/import-checkpoint.ts';
import type { BenchCase } from './bench-case.ts';

/** 24 convolutions of [C, C, 3, 3] float32 (9.4 MB each at C = 512): a ≈ 226 MB UNet. */
const LAYERS = 24;
const C = 512;
const mod = (i: number): string => `down_blocks.${i % 3}.resnets.${Math.floor(i / 3)}.conv1`;

async function setup(root: string): Promise<{ base: string; manifest: SdxlManifest; ckpt: string; lora: string; ckptBytes: number }> {
  const base = join(root, 'base');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  // The big UNet: built inline, then moved to external data so reading it costs only the graph.
  const g = new NamedGraph(1);
  let x = g.input('sample', 'float32', ['batch_size', C, 'height', 'width']);
  for (let i = 0; i < LAYERS; i++) x = g.node('Conv', `${scopeName(mod(i))}/Conv`, [x, g.floats(`${mod(i)}.weight`, [C, C, 3, 3], new Float32Array(C * C * 9)), g.floats(`${mod(i)}.bias`, [C], new Float32Array(C))], undefined, { pads: { ints: [1, 1, 1, 1] } });
  g.output('out_sample', x, ['batch_size', C, 'height', 'width']);
  await g.write(root, 'big-unet.onnx', { inputs: [], outputs: [] });
  const r = await rewriteOnnx(await OnnxFile.read(join(root, 'big-unet.onnx')), join(base, 'unet.onnx'), 'unet.onnx_data');
  const next = SdxlManifest.parse({ ...manifest, components: { ...manifest.components, unet: { ...manifest.components.unet, sha256: undefined, size: r.onnxBytes, externalData: [{ file: 'unet.onnx_data', size: r.dataBytes }] } } });
  await writeFile(join(base, MANIFEST_FILE), JSON.stringify(next));
  const tensors: TensorToWrite[] = [{ name: 'unet.add_embedding.linear_1.weight', shape: [1, 2816], dtype: 'F32', values: new Float32Array(2816) }];
  const lora: TensorToWrite[] = [];
  for (let i = 0; i < LAYERS; i++) {
    tensors.push({ name: `unet.${mod(i)}.weight`, shape: [C, C, 3, 3], dtype: 'F32', values: new Float32Array(C * C * 9).fill(0.01 * i) });
    const k = `lora_unet_${mod(i).replace(/\./g, '_')}`;
    lora.push({ name: `${k}.lora_down.weight`, shape: [16, C, 3, 3], dtype: 'F16', values: new Float32Array(16 * C * 9).fill(0.01) }, { name: `${k}.lora_up.weight`, shape: [C, 16, 1, 1], dtype: 'F16', values: new Float32Array(C * 16).fill(0.01) });
  }
  const ckpt = join(root, 'ckpt.safetensors');
  await writeSafetensors(ckpt, tensors);
  const loraPath = join(root, 'lora.safetensors');
  await writeSafetensors(loraPath, lora);
  return { base, manifest: next, ckpt, lora: loraPath, ckptBytes: (await stat(ckpt)).size };
}

export const cases: BenchCase[] = [
  {
    name: 'weights: checkpoint import and LoRA bake throughput, peak memory',
    baseline: 'fs.copyFile of the same checkpoint bytes (import) / of the UNet weight bytes (bake)',
    async run() {
      const root = await mkdtemp(join(tmpdir(), 'assetql-bench-weights-'));
      try {
        const s = await setup(root);
        const mb = s.ckptBytes / 1024 ** 2;
        let t = performance.now();
        await copyFile(s.ckpt, join(root, 'copy.safetensors'));
        const copyS = (performance.now() - t) / 1000;
        await rm(join(root, 'copy.safetensors'));
        global.gc?.();
        const rss0 = process.memoryUsage().rss;
        let peak = rss0;
        const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
        t = performance.now();
        await importCheckpoint({ checkpoint: s.ckpt, baseDir: s.base, base: s.manifest, destDir: join(root, 'imported'), id: 'imported', name: 'imported' });
        const importS = (performance.now() - t) / 1000;
        clearInterval(timer);
        t = performance.now();
        await bakeLoras({ baseDir: s.base, base: s.manifest, destDir: join(root, 'baked'), id: 'baked', name: 'baked', loras: [{ file: s.lora, name: 'l', scale: 0.5 }] });
        const bakeS = (performance.now() - t) / 1000;
        const unetBytes = (await stat(join(root, 'baked', 'unet.onnx_data'))).size / 1024 ** 2;
        return {
          figures: {
            checkpointMB: Math.round(mb),
            copyMBps: Math.round(mb / copyS),
            importMBps: Math.round(mb / importS),
            importVsCopy: Math.round((copyS / importS) * 100) / 100,
            bakeMBps: Math.round(unetBytes / bakeS),
            bakeVsCopy: Math.round((((unetBytes / mb) * copyS) / bakeS) * 100) / 100,
            peakRssDeltaMB: Math.round((peak - rss0) / 1024 ** 2),
          },
          notes: 'peak RSS sampled every 2 ms during import; one tensor (9.4 MB) is the working set',
        };
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  },
];
