import type { SdxlManifest } from '../manifest.ts';
import type { OnnxFile } from '../onnx-edit/onnx-file.ts';
import { SafetensorsFile } from '../safetensors/safetensors-file.ts';
import { writeDerivedPack, type Patch, type SdxlComponent } from '../weights/derived-pack.ts';
import { locateWeights } from '../weights/locate-weights.ts';
import { gatherParam, scatterParam, type WeightTarget } from '../weights/weight-target.ts';
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
  compute: () => Promise<Float32Array>;
}

/**
 * Bakes LoRAs into a copy of the pack: for every matched layer W += scale · (alpha / rank) · up·down
 * (linear, 1×1 and k×k convolutions: down is [rank, in, kh, kw], up [out, rank, 1, 1]).
 * Components no LoRA touches are hard-linked, not copied.
 */
export async function bakeLoras(o: { baseDir: string; base: SdxlManifest; destDir: string; id: string; name: string; loras: LoraChoice[]; onBytes?: (n: number) => void }): Promise<BakeReport> {
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
          list.push({ target, compute: () => delta(files[i]!, layer, o.loras[i]!.scale, target.paramShape) });
          byInit.set(target.init, list);
        }
      });
      if (byInit.size === 0) return null;
      return async (init) => {
        const deltas = byInit.get(init.name);
        if (!deltas) return null;
        const values = await file.readFloat32(init);
        for (const d of deltas) {
          const w = gatherParam(d.target, values);
          const dw = await d.compute();
          for (let j = 0; j < w.length; j++) w[j] = (w[j] ?? 0) + (dw[j] ?? 0);
          scatterParam(d.target, values, w);
        }
        return values;
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

/** scale · (alpha / rank) · up·down, shaped like the target parameter. */
async function delta(file: SafetensorsFile, layer: LoraLayer, scale: number, paramShape: number[]): Promise<Float32Array> {
  const downInfo = file.info(layer.down!);
  const upInfo = file.info(layer.up!);
  const rank = downInfo.shape[0] ?? 1;
  const out = upInfo.shape[0] ?? 0;
  const inner = downInfo.shape.slice(1).reduce((a, b) => a * b, 1);
  const count = paramShape.reduce((a, b) => a * b, 1);
  if (out * inner !== count || (upInfo.shape[1] ?? 0) !== rank) {
    throw new LoraRefused(`${file.path}: layer ${layer.module} is up ${JSON.stringify(upInfo.shape)} · down ${JSON.stringify(downInfo.shape)}, which does not fit the pack's ${JSON.stringify(paramShape)}`);
  }
  const alpha = layer.alpha ? ((await file.readFloat32(layer.alpha))[0] ?? rank) : rank;
  const k = (scale * alpha) / rank;
  const down = await file.readFloat32(layer.down!);
  const up = await file.readFloat32(layer.up!);
  const dw = new Float32Array(count);
  for (let o = 0; o < out; o++) {
    for (let r = 0; r < rank; r++) {
      const u = (up[o * rank + r] ?? 0) * k;
      if (u === 0) continue;
      const row = r * inner;
      const base = o * inner;
      for (let j = 0; j < inner; j++) dw[base + j] = (dw[base + j] ?? 0) + u * (down[row + j] ?? 0);
    }
  }
  return dw;
}
