import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtSession, OrtTensorClass } from '../../../workers/onnx/ort.ts';
import { GraphBuilder } from '../../../models/test-pack/graph-builder.ts';
import { encodeModel } from '../../../models/test-pack/onnx-proto.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { convertOnnxFileToFp16 } from '../../../models/convert/convert-onnx-file.ts';
import { convertPackToFp16 } from '../../../models/convert/convert-pack.ts';
import { FP32_OPS } from '../../../models/convert/fp16-graph.ts';
import { readModel, setExternal, tensorBytes, writeModel } from '../../../models/onnx-graph/model-io.ts';
import { DT, num, type Model } from '../../../models/onnx-graph/onnx-schema.ts';
import { readPackManifest } from '../../../models/pack-store.ts';
import { sha256File } from '../../../models/downloader/hash-file.ts';

/**
 * Stated tolerance: the fp16 graph's outputs are within 1% of the fp32 graph's largest output
 * magnitude (max |fp16 − fp32| ≤ 0.01 · max |fp32|), run in real onnxruntime-node.
 */
const TOLERANCE = 0.01;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'assetql-fp16-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CLIP text-encoder pattern: embedding Gather, LayerNormalization, attention with Softmax, a hand-written norm (ReduceMean/Pow/Sqrt), GELU with Erf. */
function textEncoderGraph(): Uint8Array {
  const g = new GraphBuilder(11);
  const ids = g.input('input_ids', 'int64', [1, 8]);
  const D = 16;
  let x = g.op('Gather', [g.weight([50, D], 0.5), ids], { axis: { i: 0 } });
  x = g.add(x, g.weight([8, D], 0.2));
  const ln = g.op('LayerNormalization', [x, g.constFloat(new Array(D).fill(1), [D]), g.constFloat(new Array(D).fill(0), [D])], { axis: { i: -1 }, epsilon: { f: 1e-5 } });
  const q = g.matmul(ln, g.weight([D, D], 0.25));
  const k = g.matmul(ln, g.weight([D, D], 0.25));
  const v = g.matmul(ln, g.weight([D, D], 0.25));
  const scores = g.mul(g.matmul(q, g.op('Transpose', [k], { perm: { ints: [0, 2, 1] } })), g.constFloat([1 / Math.sqrt(D)], [1]));
  const attn = g.matmul(g.op('Softmax', [scores], { axis: { i: -1 } }), v);
  x = g.add(x, g.matmul(attn, g.weight([D, D], 0.25)));
  // LayerNorm written out as older exports do.
  const mean = g.op('ReduceMean', [x], { axes: { ints: [-1] } });
  const centred = g.op('Sub', [x, mean]);
  const variance = g.op('ReduceMean', [g.op('Pow', [centred, g.constFloat([2], [])])], { axes: { ints: [-1] } });
  const normed = g.op('Div', [centred, g.op('Sqrt', [g.add(variance, g.constFloat([1e-5], []))])]);
  // GELU: x·0.5·(1 + erf(x/√2))
  const h = g.matmul(normed, g.weight([D, 2 * D], 0.25));
  const gelu = g.mul(g.mul(h, g.constFloat([0.5], [])), g.add(g.op('Erf', [g.mul(h, g.constFloat([Math.SQRT1_2], []))]), g.constFloat([1], [])));
  const out = g.matmul(gelu, g.weight([2 * D, D], 0.2));
  g.output('last_hidden_state', out, 'float32', [1, 8, D]);
  return encodeModel(g.build('text_encoder'), 'fp16 test');
}

/** UNet pattern: timestep embedding (Range/Exp/Sin/Cos), Conv, GroupNorm as Reshape→InstanceNormalization→Reshape, SiLU, Resize with fp32 scales. */
function unetGraph(): Uint8Array {
  const g = new GraphBuilder(12);
  const sample = g.input('sample', 'float32', [1, 4, 8, 8]);
  const timestep = g.input('timestep', 'float32', [1]);
  const C = 8;
  const half = 4;
  const freqs = g.op('Exp', [g.mul(g.op('Range', [g.constFloat([0], []), g.constFloat([half], []), g.constFloat([1], [])]), g.constFloat([-Math.log(10000) / half], []))]);
  const args = g.mul(g.op('Unsqueeze', [timestep, g.constInt64([1], [1])]), g.op('Unsqueeze', [freqs, g.constInt64([0], [1])]));
  const temb0 = g.op('Concat', [g.op('Sin', [args]), g.op('Cos', [args])], { axis: { i: 1 } });
  const temb1 = g.matmul(temb0, g.weight([2 * half, C], 0.3));
  const temb = g.mul(temb1, g.op('Sigmoid', [temb1]));
  const conv = g.op('Conv', [sample, g.weight([C, 4, 3, 3], 0.2), g.weight([C], 0.1)], { pads: { ints: [1, 1, 1, 1] } });
  const grouped = g.op('Reshape', [conv, g.constInt64([1, 2, -1], [3])]);
  const inorm = g.op('InstanceNormalization', [grouped, g.constFloat([1, 1], [2]), g.constFloat([0, 0], [2])], { epsilon: { f: 1e-5 } });
  const back = g.op('Reshape', [inorm, g.op('Shape', [conv])]);
  const gn = g.add(g.mul(back, g.weight([C, 1, 1], 0.5)), g.weight([C, 1, 1], 0.1));
  const act = g.mul(gn, g.op('Sigmoid', [gn]));
  const withT = g.add(act, g.op('Unsqueeze', [temb, g.constInt64([2, 3], [2])]));
  const up = g.op('Resize', [withT, '', g.constFloat([1, 1, 2, 2], [4])], { });
  const out = g.op('Conv', [up, g.weight([4, C, 3, 3], 0.2), g.weight([4], 0.1)], { pads: { ints: [1, 1, 1, 1] }, strides: { ints: [2, 2] } });
  g.output('out_sample', out, 'float32', [1, 4, 8, 8]);
  return encodeModel(g.build('unet'), 'fp16 test');
}

async function run(path: string, feeds: Record<string, InstanceType<typeof OrtTensorClass>>, output: string): Promise<Float32Array> {
  const s = await createOrtSession(path, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  try {
    const out = (await s.run(feeds))[output];
    expect(out?.type).toBe('float32');
    return out!.data as Float32Array;
  } finally {
    await s.release();
  }
}

function relError(ref: Float32Array, got: Float32Array): number {
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(ref[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(ref[i]! - got[i]!));
  }
  return maxDiff / maxRef;
}

/** Checks where Casts sit: fp32 I/O, fp16 weights, blocked ops fed fp32, Resize scales fp32. */
function checkCastPlacement(m: Model, inputs: string[], outputs: string[]): void {
  const g = m.graph;
  const producer = new Map(g.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const init = new Map(g.initializer.map((t) => [t.name, t]));
  for (const name of inputs) {
    expect(g.input.find((i) => i.name === name)?.type?.tensorType?.elemType, name).toBe(DT.FLOAT);
    // A float graph input is consumed only through a Cast to fp16 (or by an fp32 op).
    for (const n of g.node.filter((x) => x.input.includes(name))) {
      expect(n.opType === 'Cast' ? num(n.attribute[0]?.i) : FP32_OPS.has(n.opType) ? DT.FLOAT : -1, `${name} → ${n.opType}`).not.toBe(-1);
    }
  }
  for (const name of outputs) {
    expect(g.output.find((o) => o.name === name)?.type?.tensorType?.elemType).toBe(DT.FLOAT);
    const p = producer.get(name);
    expect(p?.opType).toBe('Cast');
    expect(num(p?.attribute[0]?.i)).toBe(DT.FLOAT);
  }
  const fp32Producer = (name: string): boolean => {
    const t = init.get(name);
    if (t) return t.dataType === DT.FLOAT;
    const p = producer.get(name);
    if (!p) return g.input.some((i) => i.name === name && i.type?.tensorType?.elemType === DT.FLOAT);
    if (p.opType === 'Cast') return num(p.attribute[0]?.i) === DT.FLOAT;
    return FP32_OPS.has(p.opType) || ['Unsqueeze', 'Reshape', 'Mul', 'Add', 'Sub', 'Div'].includes(p.opType) && p.input.every((x) => !x || !init.has(x) || init.get(x)!.dataType !== DT.FLOAT16);
  };
  for (const n of g.node.filter((x) => FP32_OPS.has(x.opType))) {
    for (const i of n.input.filter((x) => x && (init.get(x)?.dataType ?? DT.FLOAT) !== DT.INT64)) expect(fp32Producer(i), `${n.opType} input ${i}`).toBe(true);
  }
  for (const n of g.node.filter((x) => x.opType === 'MatMul' || x.opType === 'Conv' || x.opType === 'Gather')) {
    const w = n.input.map((x) => init.get(x)).find((t) => t && t.dataType !== DT.INT64);
    if (w) expect(w.dataType, `${n.opType} weight`).toBe(DT.FLOAT16);
  }
  for (const n of g.node.filter((x) => x.opType === 'Resize')) expect(init.get(n.input[2]!)?.dataType).toBe(DT.FLOAT);
}

describe('fp16 conversion (portable pack)', () => {
  it('text-encoder pattern: within tolerance of fp32, fp32 I/O, LayerNorm/Softmax/ReduceMean/Pow/Sqrt kept fp32', async () => {
    const src = join(dir, 'te32.onnx');
    writeFileSync(src, textEncoderGraph());
    const dst = join(dir, 'te16.onnx');
    const stats = await convertOnnxFileToFp16(src, dst);
    expect(stats.initializersConverted).toBeGreaterThan(5);
    expect(stats.fp32Nodes).toBe(6);
    const ids = new OrtTensorClass('int64', BigInt64Array.from([3, 14, 15, 9, 26, 5, 35, 49].map(BigInt)), [1, 8]);
    const ref = await run(src, { input_ids: ids }, 'last_hidden_state');
    const got = await run(dst, { input_ids: ids }, 'last_hidden_state');
    const err = relError(ref, got);
    console.log(`text-encoder pattern: max |fp16 - fp32| / max |fp32| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
    expect(err).toBeGreaterThan(0); // it really computed in fp16
    const m = await readModel(dst);
    checkCastPlacement(m, [], ['last_hidden_state']);
    // Half the bytes for the weights.
    expect(readFileSync(dst).length).toBeLessThan(readFileSync(src).length * 0.7);
  });

  it('UNet pattern with external data: within tolerance, Casts at the boundaries, GroupNorm/Exp/Range fp32, Resize scales fp32', async () => {
    // Move the fp32 weights to an external file, as the Optimum UNet export stores them.
    const inline = join(dir, 'unet-inline.onnx');
    writeFileSync(inline, unetGraph());
    const m32 = await readModel(inline);
    let offset = 0;
    const chunks: Uint8Array[] = [];
    for (const t of m32.graph.initializer) {
      if ((await tensorBytes(t, dir)).length < 1024) continue;
      const bytes = await tensorBytes(t, dir);
      chunks.push(bytes);
      setExternal(t, t.dataType, 'unet32.onnx_data', offset, bytes.length);
      offset += bytes.length;
    }
    writeFileSync(join(dir, 'unet32.onnx_data'), Buffer.concat(chunks));
    const src = join(dir, 'unet32.onnx');
    await writeModel(src, m32);
    const dst = join(dir, 'out', 'unet16.onnx');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'out'));
    const stats = await convertOnnxFileToFp16(src, dst, { externalData: 'unet16.onnx_data' });
    expect(stats.castsInserted).toBeGreaterThan(3);
    const m16 = await readModel(dst);
    // Nothing points back at the fp32 source's weights.
    expect(m16.graph.initializer.every((t) => t.dataLocation !== 1 || t.externalData?.find((e) => e.key === 'location')?.value === 'unet16.onnx_data')).toBe(true);
    checkCastPlacement(m16, ['sample', 'timestep'], ['out_sample']);
    const sample = new Float32Array(256).map((_, i) => Math.sin(i * 0.37));
    const feeds = () => ({ sample: new OrtTensorClass('float32', sample, [1, 4, 8, 8]), timestep: new OrtTensorClass('float32', Float32Array.from([501]), [1]) });
    const ref = await run(src, feeds(), 'out_sample');
    const got = await run(dst, feeds(), 'out_sample');
    const err = relError(ref, got);
    console.log(`unet pattern: max |fp16 - fp32| / max |fp32| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
    expect(err).toBeGreaterThan(0);
  });

  it('builds a whole portable pack from an fp32 SDXL pack: UNet/text encoders fp16, VAE copied fp32, manifest declares GPU providers', async () => {
    const src = join(dir, 'sdxl-fp32');
    await createTestPack(src, { kind: 'sdxl', id: 'sdxl-base-1.0-fp32' });
    const stages: string[] = [];
    const out = join(dir, 'sdxl-portable');
    const res = await convertPackToFp16({ srcDir: src, outDir: out, onStage: (s) => stages.push(s) });
    expect(res.id).toBe('sdxl-base-1.0-portable-fp16');
    expect(stages, stages.join(' | ')).toEqual(expect.arrayContaining(['converting unet', 'copying vae_decoder', 'done']));
    const m = readPackManifest(out);
    expect(m.providers).toEqual(['cuda', 'dml', 'coreml', 'webgpu']);
    expect(m.convertedFrom?.packId).toBe('sdxl-base-1.0-fp32');
    expect(m.gpuMemory?.length).toBe(3);
    if (m.kind !== 'sdxl') throw new Error('kind');
    expect(m.components.unet.inputs['sample']?.dtype).toBe('float32');
    expect((await sha256File(join(out, m.components.unet.file))).sha256).toBe(m.components.unet.sha256);
    expect(readFileSync(join(out, m.components.vae_decoder.file)).equals(readFileSync(join(src, m.components.vae_decoder.file)))).toBe(true);
    const unet = await readModel(join(out, m.components.unet.file));
    expect(unet.graph.initializer.filter((t) => t.dataType === DT.FLOAT16).length).toBeGreaterThan(0);
    // A second convert into the same folder is refused rather than overwriting a pack.
    await expect(convertPackToFp16({ srcDir: src, outDir: out })).rejects.toThrow(/already holds a pack/);
    // Converting the result again is refused: it is not an fp32 pack.
    await expect(convertPackToFp16({ srcDir: out, outDir: join(dir, 'again') })).rejects.toThrow(/not an fp32 pack/);
  });
});
