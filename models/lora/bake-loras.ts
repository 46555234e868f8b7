import type { SdxlManifest } from '../manifest.ts';
import { ONNX_FLOAT, ONNX_FLOAT16, type InitializerRef, type OnnxFile } from '../onnx-edit/onnx-file.ts';
import type { BytePool } from '../onnx-edit/byte-pool.ts';
import type { PatchValues } from '../onnx-edit/rewrite-onnx.ts';
import { SafetensorsFile } from '../safetensors/safetensors-file.ts';
import { writeDerivedPack, type Patch, type SdxlComponent } from '../weights/derived-pack.ts';
import { locateWeights } from '../weights/locate-weights.ts';
import { gatherParam, scatterParam, type WeightTarget } from '../weights/weight-target.ts';
import { fromFloat16Array } from '../../workers/onnx/float16.ts';
import { lowRankAdd } from '../../workers/onnx/low-rank-add.ts';
import { flatten, groupLoraKeys, sgmFlatToDiffusersFlat, type LoraLayer } from './lora-keys.ts';

export interface LoraChoice {
  /** Path to the LoRA's .safetensors. */
  file: string;
  /** Name for messages. */
  name: string;
  scale: number;
}

export interface BakeReport {
  /** Per LoRA: layers applied and layers that match nothing in the pack (named). */
  loras: Array<{ name: string; applied: number; unmatched: string[] }>;
}

export class LoraRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoraRefused';
  }
}

interface Delta {
  target: WeightTarget;
  factors: () => Promise<Factors>;
}

/** One layer's update as its two factors: ΔW = up·down with the scale already folded into up. */
interface Factors {
  up: Float32Array;
  down: Float32Array;
  rank: number;
  out: number;
  inner: number;
}

/**
 * Bakes LoRAs into a copy of the pack: for every matched layer W += scale · (alpha / rank) · up·down
 * (linear, 1×1 and k×k convolutions: down is [rank, in, kh, kw], up [out, rank, 1, 1]).
 * Components no LoRA touches are hard-linked, not copied.
 */
export interface BakeOptions {
  baseDir: string;
  base: SdxlManifest;
  destDir: string;
  id: string;
  name: string;
  loras: LoraChoice[];
  onBytes?: (n: number) => void;
}

export async function bakeLoras(o: BakeOptions): Promise<BakeReport> {
  const files = await Promise.all(o.loras.map((l) => SafetensorsFile.open(l.file)));
  try {
    const grouped = files.map((f) => groupLoraKeys(f.tensors.keys()));
    const report: BakeReport = { loras: o.loras.map((l, i) => ({ name: l.name, applied: 0, unmatched: [...(grouped[i]?.unknown ?? [])] })) };
    const matched = new Set<string>();
    const patchFor = async (component: SdxlComponent, file: OnnxFile): Promise<Patch | null> => {
      if (component !== 'unet' && component !== 'text_encoder' && component !== 'text_encoder_2') return null;
      if (!grouped.some((g) => g.layers.some((l) => l.component === component))) return null;
      const located = await locateWeights(file);
      const byFlat = new Map<string, string>();
      for (const name of located.params.keys()) if (name.endsWith('.weight')) byFlat.set(flatten(name.slice(0, -7)), name);
      const byInit = new Map<string, Delta[]>();
      grouped.forEach((g, i) => {
        for (const layer of g.layers) {
          if (layer.component !== component) continue;
          const param = resolve(layer, byFlat, located.params);
          const target = param ? located.params.get(param) : undefined;
          if (!target || !layer.down || !layer.up) continue;
          matched.add(`${i}:${layer.component}:${layer.module}`);
          const list = byInit.get(target.init) ?? [];
          list.push({ target, factors: () => factors(files[i]!, layer, o.loras[i]!.scale, target.paramShape) });
          byInit.set(target.init, list);
        }
      });
      if (byInit.size === 0) return null;
      return async (init, pool) => {
        const deltas = byInit.get(init.name);
        return deltas ? applyDeltas(file, init, deltas, pool) : null;
      };
    };
    await writeDerivedPack({ baseDir: o.baseDir, base: o.base, destDir: o.destDir, id: o.id, name: o.name, description: `${o.base.name} with ${o.loras.map((l) => `${l.name} ×${l.scale}`).join(', ')}`, patchFor, ...(o.onBytes ? { onBytes: o.onBytes } : {}) });
    grouped.forEach((g, i) => {
      const r = report.loras[i]!;
      for (const layer of g.layers) {
        if (matched.has(`${i}:${layer.component}:${layer.module}`)) r.applied += 1;
        else r.unmatched.push(`${layer.component}:${layer.module}`);
      }
      if (r.applied === 0) throw new LoraRefused(`${o.loras[i]!.file}: none of its ${g.layers.length} layers matches a layer of pack ${o.base.id} (is it a LoRA for another model, e.g. SD 1.5?)`);
    });
    return report;
  } finally {
    await Promise.all(files.map((f) => f.close()));
  }
}

function resolve(layer: LoraLayer, byFlat: Map<string, string>, params: Map<string, WeightTarget>): string | undefined {
  if (!layer.flat) return params.has(`${layer.module}.weight`) ? `${layer.module}.weight` : byFlat.get(flatten(layer.module));
  return byFlat.get(layer.module) ?? (layer.component === 'unet' ? byFlat.get(sgmFlatToDiffusersFlat(layer.module)) : undefined);
}

/**
 * The initializer with every delta added. A whole-initializer target (conv kernels, Gemm weights,
 * Optimum's transposed MatMul weights) is updated in its stored type, fp16 included (the Gemm
 * graph casts); a packed Q/K/V slice is gathered, updated and scattered back in float32.
 */
async function applyDeltas(file: OnnxFile, init: InitializerRef, deltas: Delta[], pool: BytePool): Promise<PatchValues> {
  if (init.dataType !== ONNX_FLOAT && init.dataType !== ONNX_FLOAT16) throw new LoraRefused(`${file.path}: weight ${init.name} has ONNX data type ${init.dataType}; LoRAs bake into float32 or float16 weights`);
  const half = init.dataType === ONNX_FLOAT16;
  // The LoRA factors (small) are read while the weights are.
  const [raw, ...all] = await Promise.all([file.readRaw(init, pool), ...deltas.map((d) => d.factors())]);
  const buf = raw.byteOffset % 4 === 0 ? raw : Buffer.from(new Uint8Array(raw));
  const w: Float32Array | Uint16Array = half ? new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2) : new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  const owned: Uint8Array = buf;
  const count = init.dims.reduce((a, b) => a * b, 1);
  let unpacked: Float32Array | null = null;
  for (const [n, d] of deltas.entries()) {
    const f = all[n]!;
    if (d.target.layout !== 'packed' && f.out * f.inner === count) {
      // Optimum's MatMul weight is Wᵀ [in, out]: Wᵀ += downᵀ·upᵀ.
      const t = d.target.layout === 'transpose';
      const args = { rows: t ? f.inner : f.out, cols: t ? f.out : f.inner, a: t ? f.down : f.up, b: t ? f.up : f.down, rank: f.rank, transposed: t };
      // In place, on the unpacked copy when an earlier delta needed one, else on the bytes read.
      await lowRankAdd({ c: unpacked ?? w, ...args });
      continue;
    }
    unpacked ??= w instanceof Float32Array ? w : fromFloat16Array(w);
    const param = gatherParam(d.target, unpacked);
    await lowRankAdd({ c: param, rows: f.out, cols: f.inner, a: f.up, b: f.down, rank: f.rank, transposed: false });
    scatterParam(d.target, unpacked, param);
  }
  if (unpacked && unpacked !== w) return unpacked;
  return { encoded: owned, owned: true };
}

/** up (scaled by scale · alpha / rank) and down as matrices, checked against the target parameter. */
async function factors(file: SafetensorsFile, layer: LoraLayer, scale: number, paramShape: number[]): Promise<Factors> {
  const downInfo = file.info(layer.down!);
  const upInfo = file.info(layer.up!);
  const rank = downInfo.shape[0] ?? 1;
  const out = upInfo.shape[0] ?? 0;
  const inner = downInfo.shape.slice(1).reduce((a, b) => a * b, 1);
  const count = paramShape.reduce((a, b) => a * b, 1);
  const upInner = upInfo.shape.slice(1).reduce((a, b) => a * b, 1);
  if (out * inner !== count || upInner !== rank) {
    throw new LoraRefused(`${file.path}: layer ${layer.module} is up ${JSON.stringify(upInfo.shape)} · down ${JSON.stringify(downInfo.shape)}, which does not fit the pack's ${JSON.stringify(paramShape)}`);
  }
  const [alphaValues, down, raw] = await Promise.all([layer.alpha ? file.readFloat32(layer.alpha) : null, file.readFloat32(layer.down!), file.readFloat32(layer.up!)]);
  const alpha = alphaValues ? (alphaValues[0] ?? rank) : rank;
  const k = (scale * alpha) / rank;
  // A copy (an F32 read is a view of the file's bytes), scaled in a plain loop: Float32Array.from
  // with a map function goes through the iterator protocol and boxes every element.
  const up = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) up[i] = raw[i]! * k;
  return { up, down, rank, out, inner };
}
