import type { SdxlManifest } from '../manifest.ts';
import type { InitializerRef, OnnxFile } from '../onnx-edit/onnx-file.ts';
import { SafetensorsFile } from '../safetensors/safetensors-file.ts';
import type { TensorInfo } from '../safetensors/safetensors-header.ts';
import { detectArchitecture } from './detect-architecture.ts';
import { writeDerivedPack, type Patch, type SdxlComponent } from './derived-pack.ts';
import { locateWeights, type ExportLayout } from './locate-weights.ts';
import { mapCheckpointName, type ComponentGroup, type MappedName } from './sgm-names.ts';
import { gatherParam, scatterParam, sameShape, type WeightTarget } from './weight-target.ts';

export class CheckpointRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointRefused';
  }
}

export interface ImportReport {
  packId: string;
  dir: string;
  /** Checkpoint tensors written into the pack. */
  mapped: number;
  /** Checkpoint keys with no place in the pack (named, with why). */
  unmapped: Array<{ key: string; reason: string }>;
  mismatched: Array<{ key: string; target: string; checkpointShape: number[]; packShape: number[] }>;
  /** Pack parameters the checkpoint did not provide (kept from the base). */
  keptFromBase: number;
  layouts: Partial<Record<SdxlComponent, ExportLayout>>;
  manifest: SdxlManifest;
}

const GROUP_OF: Record<SdxlComponent, ComponentGroup | null> = {
  unet: 'unet',
  text_encoder: 'text_encoder',
  text_encoder_2: 'text_encoder_2',
  vae_decoder: 'vae',
  vae_encoder: 'vae',
  image_proj: null,
};

interface Edit {
  key: string;
  mapped: MappedName;
  target: WeightTarget;
}

export interface ImportOptions {
  checkpoint: string;
  baseDir: string;
  base: SdxlManifest;
  destDir: string;
  id: string;
  name: string;
  onBytes?: (n: number) => void;
}

/**
 * Writes a new pack with the checkpoint's weights on the base pack's graphs. Tensors stream one
 * at a time from the checkpoint into the new pack's external data.
 */
export async function importCheckpoint(o: ImportOptions): Promise<ImportReport> {
  const ckpt = await SafetensorsFile.open(o.checkpoint);
  try {
    const verdict = detectArchitecture(ckpt.tensors);
    if (verdict.architecture !== 'sdxl') throw new CheckpointRefused(`${o.checkpoint}: ${verdict.description}`);
    const width = openClipWidth(ckpt);
    const mappedNames = new Map<string, MappedName[]>();
    const unmapped: ImportReport['unmapped'] = [];
    for (const key of ckpt.tensors.keys()) {
      const m = mapCheckpointName(key, width);
      if (m) mappedNames.set(key, m);
      else unmapped.push({ key, reason: 'not a parameter of an SDXL UNet, text encoder or VAE' });
    }
    const mismatched: ImportReport['mismatched'] = [];
    const layouts: ImportReport['layouts'] = {};
    const used = new Set<string>();
    let keptFromBase = 0;
    const patchFor = async (component: SdxlComponent, file: OnnxFile): Promise<Patch | null> => {
      const group = GROUP_OF[component];
      // A component the checkpoint does not touch keeps the base's files, whatever their layout.
      if (!group || ![...mappedNames.values()].some((l) => l.some((m) => m.group === group))) return null;
      const located = await locateWeights(file);
      layouts[component] = located.layout;
      const byInit = new Map<string, Edit[]>();
      for (const [key, targets] of mappedNames) {
        for (const mapped of targets) {
          if (mapped.group !== group) continue;
          const target = located.params.get(mapped.name);
          if (!target) continue;
          const shape = sourceShape(ckpt.info(key).shape, mapped);
          if (!sameShape(shape, target.paramShape)) {
            mismatched.push({ key, target: `${component}:${mapped.name}`, checkpointShape: shape, packShape: target.paramShape });
            used.add(key);
            continue;
          }
          used.add(key);
          const list = byInit.get(target.init) ?? [];
          list.push({ key, mapped, target });
          byInit.set(target.init, list);
        }
      }
      const patchedNames = new Set([...byInit.values()].flatMap((l) => l.map((e) => e.mapped.name)));
      for (const name of located.params.keys()) if (!patchedNames.has(name)) keptFromBase += 1;
      if (byInit.size === 0) return null;
      const reader = new CachedReader(ckpt);
      return async (init, pool) => {
        const edits = byInit.get(init.name);
        if (!edits) return null;
        const count = init.dims.reduce((a, b) => a * b, 1);
        const only = edits.length === 1 && edits[0]!.target.layout === 'same' ? edits[0]! : null;
        // The common case: one checkpoint tensor is the whole initializer, stored as the graph
        // wants it (fp16 → fp16, fp32 → fp32): its bytes go through untouched.
        if (only && storedAsIs(ckpt.info(only.key), only.mapped, init)) return { encoded: await ckpt.readRaw(only.key, pool), owned: true };
        if (only && only.target.paramShape.reduce((a, b) => a * b, 1) === count) return await reader.read(only.key, only.mapped);
        const covered = edits.reduce((n, e) => n + e.target.paramShape.reduce((a, b) => a * b, 1), 0) === count;
        const values = covered ? new Float32Array(count) : await file.readFloat32(init);
        for (const e of edits) scatterParam(e.target, values, await reader.read(e.key, e.mapped));
        return values;
      };
    };
    const manifest = await writeDerivedPack({
      baseDir: o.baseDir,
      base: o.base,
      destDir: o.destDir,
      id: o.id,
      name: o.name,
      description: `${o.base.name} with the weights of ${o.checkpoint.split(/[\\/]/).pop()}`,
      patchFor,
      ...(o.onBytes ? { onBytes: o.onBytes } : {}),
    });
    for (const key of mappedNames.keys()) if (!used.has(key)) unmapped.push({ key, reason: 'the base pack has no such parameter (or its export does not expose it)' });
    const mapped = used.size - new Set(mismatched.map((m) => m.key)).size;
    return { packId: o.id, dir: o.destDir, mapped, unmapped, mismatched, keptFromBase, layouts, manifest };
  } finally {
    await ckpt.close();
  }
}

/** bigG's width (1280 in real checkpoints) from the tensors themselves, so tiny test ones work. */
function openClipWidth(ckpt: SafetensorsFile): number {
  for (const t of ckpt.tensors.values()) {
    if (/^conditioner\.embedders\.1\.model\.transformer\.resblocks\.\d+\.attn\.in_proj_weight$/.test(t.name)) return t.shape[1] ?? 1280;
  }
  return ckpt.tensors.get('conditioner.embedders.1.model.ln_final.weight')?.shape[0] ?? 1280;
}

/** safetensors dtype → the ONNX TensorProto data type with the same bytes. */
const ONNX_TYPE_OF: Partial<Record<TensorInfo['dtype'], number>> = { F32: 1, F16: 10, BF16: 16 };

/** Whether a checkpoint tensor's stored bytes are exactly the initializer's (no slicing, transposing or conversion). */
function storedAsIs(t: TensorInfo, m: MappedName, init: InitializerRef): boolean {
  return !m.rows && !(m.transpose && t.shape.length === 2) && ONNX_TYPE_OF[t.dtype] === init.dataType && t.byteLength === init.byteLength;
}

function sourceShape(shape: number[], m: MappedName): number[] {
  let s = shape;
  if (m.rows) s = [m.rows[1] - m.rows[0], ...s.slice(1)];
  if (m.transpose && s.length === 2) s = [s[1]!, s[0]!];
  return s;
}

/** Reads each checkpoint tensor once even when it feeds several targets (OpenCLIP in_proj). */
class CachedReader {
  private lastKey = '';
  private last: Float32Array = new Float32Array(0);
  constructor(private readonly ckpt: SafetensorsFile) {}

  async read(key: string, m: MappedName): Promise<Float32Array> {
    if (key !== this.lastKey) {
      this.last = await this.ckpt.readFloat32(key);
      this.lastKey = key;
    }
    const shape = this.ckpt.info(key).shape;
    let v = this.last;
    const cols = shape.slice(1).reduce((a, b) => a * b, 1);
    if (m.rows) v = v.slice(m.rows[0] * cols, m.rows[1] * cols);
    if (m.transpose && shape.length === 2) v = gatherParam({ init: key, layout: 'transpose', paramShape: [shape[1] ?? 0, v.length / (shape[1] || 1)] }, v);
    return v;
  }
}
