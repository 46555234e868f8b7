import { copyFile, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertOnnxFileToFp16 } from '../../models/convert/convert-onnx-file.ts';
import { bakeLoras } from '../../models/lora/bake-loras.ts';
import { MANIFEST_FILE, SdxlManifest } from '../../models/manifest.ts';
import { OnnxFile } from '../../models/onnx-edit/onnx-file.ts';
import { rewriteOnnx } from '../../models/onnx-edit/rewrite-onnx.ts';
import { writeSafetensors, type TensorToWrite } from '../../models/safetensors/write-safetensors.ts';
import { createLayoutTestPack } from '../../models/test-pack/layout-test-pack.ts';
import { NamedGraph, scopeName } from '../../models/test-pack/named-graph.ts';
import { importCheckpoint } from '../../models/weights/import-checkpoint.ts';
import { defaultKernelHelpers } from '../../workers/onnx/kernel-threads.ts';
import type { BenchCase } from './bench-case.ts';

/**
 * 24 convolutions of [C, C, 3, 3] float32 (9.4 MB each at C = 512): a ≈ 226 MB UNet.
 * ASSETQL_BENCH_WEIGHTS_LAYERS scales it (e.g. 200 ≈ 1.9 GB) to show that peak memory while
 * importing stays flat however large the checkpoint is.
 */
const LAYERS = Math.max(3, Number(process.env['ASSETQL_BENCH_WEIGHTS_LAYERS'] ?? 24) || 24);
/**
 * Interleaved rounds of copy / import / bake; the figures are medians (this machine is shared and
 * noisy). One warm-up round first, not counted: its import and bake also paid for compiling the
 * code paths and kernels once per process, which every later bake in an app session skips.
 */
const ROUNDS = 5;
const WARM_UP = 1;
const C = 512;
const mod = (i: number): string => `down_blocks.${i % 3}.resnets.${Math.floor(i / 3)}.conv1`;

/** The bench pack and files; `half`: an fp16 UNet (as GPU packs ship) and an fp16 checkpoint (as most are). */
async function setup(root: string, half: boolean): Promise<{ base: string; manifest: SdxlManifest; ckpt: string; lora: string; ckptBytes: number }> {
  const base = join(root, 'base');
  const { manifest } = await createLayoutTestPack(base, 'optimum');
  // The big UNet: built inline, then moved to external data so reading it costs only the graph.
  const g = new NamedGraph(1);
  let x = g.input('sample', 'float32', ['batch_size', C, 'height', 'width']);
  for (let i = 0; i < LAYERS; i++) x = g.node('Conv', `${scopeName(mod(i))}/Conv`, [x, g.floats(`${mod(i)}.weight`, [C, C, 3, 3], new Float32Array(C * C * 9)), g.floats(`${mod(i)}.bias`, [C], new Float32Array(C))], undefined, { pads: { ints: [1, 1, 1, 1] } });
  g.output('out_sample', x, ['batch_size', C, 'height', 'width']);
  await g.write(root, 'big-unet.onnx', { inputs: [], outputs: [] });
  if (half) await convertOnnxFileToFp16(join(root, 'big-unet.onnx'), join(root, 'big-unet.onnx'));
  const r = await rewriteOnnx(await OnnxFile.read(join(root, 'big-unet.onnx')), join(base, 'unet.onnx'), 'unet.onnx_data');
  const next = SdxlManifest.parse({ ...manifest, components: { ...manifest.components, unet: { ...manifest.components.unet, sha256: undefined, size: r.onnxBytes, externalData: [{ file: 'unet.onnx_data', size: r.dataBytes }] } } });
  await writeFile(join(base, MANIFEST_FILE), JSON.stringify(next));
  const tensors: TensorToWrite[] = [{ name: 'unet.add_embedding.linear_1.weight', shape: [1, 2816], dtype: 'F32', values: new Float32Array(2816) }];
  const lora: TensorToWrite[] = [];
  for (let i = 0; i < LAYERS; i++) {
    tensors.push({ name: `unet.${mod(i)}.weight`, shape: [C, C, 3, 3], dtype: half ? 'F16' : 'F32', values: new Float32Array(C * C * 9).fill(0.01 * i) });
    const k = `lora_unet_${mod(i).replace(/\./g, '_')}`;
    lora.push({ name: `${k}.lora_down.weight`, shape: [16, C, 3, 3], dtype: 'F16', values: new Float32Array(16 * C * 9).fill(0.01) }, { name: `${k}.lora_up.weight`, shape: [C, 16, 1, 1], dtype: 'F16', values: new Float32Array(C * 16).fill(0.01) });
  }
  const ckpt = join(root, 'ckpt.safetensors');
  await writeSafetensors(ckpt, tensors);
  const loraPath = join(root, 'lora.safetensors');
  await writeSafetensors(loraPath, lora);
  // Setup wrote hundreds of megabytes: flush them now, so the first round does not share the
  // disk with the kernel writing back the bench's own setup.
  for (const f of [ckpt, loraPath, join(base, 'unet.onnx_data')]) {
    const fh = await open(f, 'r+');
    await fh.sync();
    await fh.close();
  }
  return { base, manifest: next, ckpt, lora: loraPath, ckptBytes: (await stat(ckpt)).size };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Runs `fn` while sampling RSS every 2 ms; returns seconds taken and the peak RSS above the start.
 * process.memoryUsage.rss() only (one syscall): the full process.memoryUsage() also walks the V8
 * heap spaces, and every 2 ms it took about a tenth of the timed work's CPU in a profile.
 */
async function timed(fn: () => Promise<unknown>): Promise<{ s: number; peakDeltaMB: number }> {
  global.gc?.();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 2);
  const t = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { s: (performance.now() - t) / 1000, peakDeltaMB: (peak - rss0) / 1024 ** 2 };
}

/** Medians over interleaved rounds of: copy the checkpoint, import it, bake the LoRA. */
async function measure(half: boolean): Promise<{ figures: Record<string, number>; notes: string }> {
  const root = await mkdtemp(join(tmpdir(), 'assetql-bench-weights-'));
  try {
    const s = await setup(root, half);
    const mb = s.ckptBytes / 1024 ** 2;
    const importRatio: number[] = [];
    const bakeRatio: number[] = [];
    const importMBps: number[] = [];
    const bakeMBps: number[] = [];
    const copyMBps: number[] = [];
    let importPeak = 0;
    let bakePeak = 0;
    let unetMB = 0;
    for (let r = 0; r < WARM_UP + ROUNDS; r++) {
      const copy = await timed(() => copyFile(s.ckpt, join(root, 'copy.safetensors')));
      await rm(join(root, 'copy.safetensors'));
      const imp = await timed(() => importCheckpoint({ checkpoint: s.ckpt, baseDir: s.base, base: s.manifest, destDir: join(root, `imported-${r}`), id: 'imported', name: 'imported' }));
      const bake = await timed(() => bakeLoras({ baseDir: s.base, base: s.manifest, destDir: join(root, `baked-${r}`), id: 'baked', name: 'baked', loras: [{ file: s.lora, name: 'l', scale: 0.5 }] }));
      unetMB = (await stat(join(root, `baked-${r}`, 'unet.onnx_data'))).size / 1024 ** 2;
      await rm(join(root, `imported-${r}`), { recursive: true, force: true });
      await rm(join(root, `baked-${r}`), { recursive: true, force: true });
      if (r < WARM_UP) continue;
      copyMBps.push(mb / copy.s);
      importMBps.push(mb / imp.s);
      importRatio.push(copy.s / imp.s);
      bakeMBps.push(unetMB / bake.s);
      // The baseline for the bake: copying the UNet's bytes at this round's copy speed.
      bakeRatio.push(((unetMB / mb) * copy.s) / bake.s);
      importPeak = Math.max(importPeak, imp.peakDeltaMB);
      bakePeak = Math.max(bakePeak, bake.peakDeltaMB);
    }
    return {
      figures: {
        checkpointMB: Math.round(mb),
        unetMB: Math.round(unetMB),
        copyMBps: Math.round(median(copyMBps)),
        importMBps: Math.round(median(importMBps)),
        importVsCopy: round2(median(importRatio)),
        bakeMBps: Math.round(median(bakeMBps)),
        bakeVsCopy: round2(median(bakeRatio)),
        peakRssDeltaMB: Math.round(importPeak),
        bakePeakRssDeltaMB: Math.round(bakePeak),
      },
      notes: `medians of ${ROUNDS} interleaved rounds after ${WARM_UP} warm-up round; per round importVsCopy ${importRatio.map(round2).join('/')}, bakeVsCopy ${bakeRatio.map(round2).join('/')}; peak RSS above the start, sampled every 2 ms (max over rounds); LoRA kernel threads ${defaultKernelHelpers() + 1}; working set: a few tensors of ${((C * C * 9 * (half ? 2 : 4)) / 1024 ** 2).toFixed(1)} MB`,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export const cases: BenchCase[] = [
  {
    name: 'weights: checkpoint import and LoRA bake throughput, peak memory',
    baseline: 'fs.copyFile of the same checkpoint bytes (import) / of the UNet weight bytes (bake), timed in each round just before',
    run: () => measure(false),
  },
  {
    name: 'weights (fp16 pack, fp16 checkpoint): import and LoRA bake throughput, peak memory',
    baseline: 'fs.copyFile of the same checkpoint bytes (import) / of the UNet weight bytes (bake), timed in each round just before',
    run: () => measure(true),
  },
];
