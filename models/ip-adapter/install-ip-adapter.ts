import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SdxlManifest } from '../manifest.ts';
import { concat, lengthDelimited, stringField, varintField } from '../onnx-edit/wire.ts';
import type { NodeRef, OnnxFile } from '../onnx-edit/onnx-file.ts';
import type { NewInitializer } from '../onnx-edit/rewrite-onnx.ts';
import { SafetensorsFile } from '../safetensors/safetensors-file.ts';
import { NamedGraph, scopeName } from '../test-pack/named-graph.ts';
import { writeDerivedPack } from '../weights/derived-pack.ts';
import { floatInputField, int64InitField, nodeField, renameNodeInput } from './node-bytes.ts';

export class IpAdapterRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpAdapterRefused';
  }
}

export const IP_TOKENS_INPUT = 'ip_tokens';
export const IP_SCALE_INPUT = 'ip_scale';

/** diffusers' attn_processors order: down_blocks, mid_block, up_blocks, by index at every level. */
function moduleOrder(path: string): number[] {
  const top = path.startsWith('down_blocks') ? 0 : path.startsWith('mid_block') ? 1 : 2;
  return [top, ...[...path.matchAll(/\.(\d+)/g)].map((m) => Number(m[1]))];
}

function compareOrder(a: string, b: string): number {
  const x = moduleOrder(a);
  const y = moduleOrder(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

interface CrossAttention {
  module: string;
  query: string;
  toOut: NodeRef;
  hidden: number;
}

/** Every cross-attention of an Optimum-layout UNet: `/…/attn2/to_q/MatMul` and `/…/attn2/to_out.0/MatMul`. */
function crossAttentions(unet: OnnxFile): CrossAttention[] {
  const out: CrossAttention[] = [];
  for (const n of unet.nodes) {
    const m = /^\/(.+)\/attn2\/to_q\/MatMul$/.exec(n.name);
    if (!m) continue;
    const prefix = m[1]!;
    const toOut = unet.nodes.find((x) => x.name === `/${prefix}/attn2/to_out.0/MatMul`);
    const w = unet.initializers.get(n.input[1] ?? '');
    if (!toOut || !w) throw new IpAdapterRefused(`${unet.path}: cross-attention ${prefix} has no to_out.0 MatMul or its to_q weight is not an initializer; only Optimum-layout UNets can take an IP-Adapter`);
    out.push({ module: prefix.split('/').join('.'), query: n.output[0]!, toOut, hidden: w.dims[1] ?? 0 });
  }
  if (out.length === 0) throw new IpAdapterRefused(`${unet.path}: no cross-attention layer named /…/attn2/to_q/MatMul (unknown or ORT-fused layout); the IP-Adapter needs an Optimum-layout UNet`);
  return out.sort((a, b) => compareOrder(a.module, b.module));
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c] ?? 0;
  return t;
}

/**
 * Installs an IP-Adapter (the h94/IP-Adapter .safetensors: `image_proj.*` and
 * `ip_adapter.{2k+1}.to_k_ip/to_v_ip.weight`) onto a pack by graph surgery, as the paper's
 * decoupled cross-attention: for every cross-attention layer,
 *   out = Attn(q, K_text, V_text) + ip_scale · Attn(q, ip_tokens·W_k_ipᵀ, ip_tokens·W_v_ipᵀ)
 * before to_out. `ip_scale` is a graph input, so one pack serves every scale (0 = the base UNet).
 * The adapter's image projection becomes the pack's image_proj component.
 */
export interface IpAdapterInstallOptions {
  baseDir: string;
  base: SdxlManifest;
  adapter: string;
  destDir: string;
  id: string;
  name: string;
  headDim?: number;
  onBytes?: (n: number) => void;
}

export interface IpAdapterInstallReport {
  layers: number;
  tokens: number;
  embedDim: number;
}

export async function installIpAdapter(o: IpAdapterInstallOptions): Promise<IpAdapterInstallReport> {
  const st = await SafetensorsFile.open(o.adapter);
  try {
    if ([...st.tensors.keys()].some((k) => k.startsWith('image_proj.latents') || k.includes('perceiver'))) {
      throw new IpAdapterRefused(`${o.adapter}: this is an IP-Adapter Plus (Resampler image projection), which is not supported yet; use the plain IP-Adapter (ImageProjModel)`);
    }
    const projW = st.tensors.get('image_proj.proj.weight');
    const normW = st.tensors.get('image_proj.norm.weight');
    if (!projW || !normW) throw new IpAdapterRefused(`${o.adapter}: no image_proj.proj / image_proj.norm tensors: not an IP-Adapter file`);
    const ctx = normW.shape[0] ?? 0;
    const embedDim = projW.shape[1] ?? 0;
    const tokens = (projW.shape[0] ?? 0) / ctx;
    if (!Number.isInteger(tokens) || tokens < 1) throw new IpAdapterRefused(`${o.adapter}: image_proj.proj [${projW.shape.join('×')}] is not tokens × ${ctx}`);
    const ipIndices = [...st.tensors.keys()].map((k) => /^ip_adapter\.(\d+)\.to_k_ip\.weight$/.exec(k)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);

    const manifest = await writeDerivedPack({
      baseDir: o.baseDir,
      base: o.base,
      destDir: o.destDir,
      id: o.id,
      name: o.name,
      description: `${o.base.name} with the IP-Adapter ${o.adapter.split(/[\\/]/).pop()} (decoupled cross-attention)`,
      patchFor: async () => null,
      ...(o.onBytes ? { onBytes: o.onBytes } : {}),
      surgeryFor: async (component, unet) => {
        if (component !== 'unet') return null;
        const layers = crossAttentions(unet);
        if (layers.length !== ipIndices.length) throw new IpAdapterRefused(`${o.adapter} has ${ipIndices.length} cross-attention adapters but the UNet has ${layers.length} cross-attention layers: it is for another model`);
        const fields: Uint8Array[] = [floatInputField(IP_TOKENS_INPUT, ['batch_size', tokens, ctx]), floatInputField(IP_SCALE_INPUT, [1])];
        const inits: NewInitializer[] = [];
        const replace = new Map<number, Uint8Array>();
        for (const [k, layer] of layers.entries()) {
          const n = ipIndices[k]!;
          const D = layer.hidden;
          const headDim = o.headDim ?? 64;
          if (D % headDim !== 0) throw new IpAdapterRefused(`${layer.module}: width ${D} is not a multiple of the head size ${headDim}`);
          const heads = D / headDim;
          const p = `${scopeName(layer.module)}/attn2/ip`;
          const kInfo = st.info(`ip_adapter.${n}.to_k_ip.weight`);
          if (kInfo.shape[0] !== D || kInfo.shape[1] !== ctx) throw new IpAdapterRefused(`ip_adapter.${n}.to_k_ip.weight is [${kInfo.shape.join('×')}], layer ${layer.module} needs [${D}×${ctx}]`);
          const kName = `ip_adapter.${n}.to_k_ip.weight_t`;
          const vName = `ip_adapter.${n}.to_v_ip.weight_t`;
          inits.push({ name: kName, dims: [ctx, D], dataType: 1, values: transpose(await st.readFloat32(`ip_adapter.${n}.to_k_ip.weight`), D, ctx) });
          inits.push({ name: vName, dims: [ctx, D], dataType: 1, values: transpose(await st.readFloat32(`ip_adapter.${n}.to_v_ip.weight`), D, ctx) });
          const heads4 = `${p}/heads_shape`;
          const merge = `${p}/merge_shape`;
          fields.push(int64InitField(heads4, [0, 0, heads, headDim]), int64InitField(merge, [0, 0, D]));
          fields.push(floatScalarField(`${p}/scale_value`, 1 / Math.sqrt(headDim)));
          const v = (s: string): string => `${p}/${s}`;
          fields.push(
            nodeField('MatMul', v('to_k_ip/MatMul'), [IP_TOKENS_INPUT, kName], [v('k')]),
            nodeField('MatMul', v('to_v_ip/MatMul'), [IP_TOKENS_INPUT, vName], [v('v')]),
            nodeField('Reshape', v('q/Reshape'), [layer.query, heads4], [v('q4')]),
            nodeField('Transpose', v('q/Transpose'), [v('q4')], [v('qh')], { perm: { ints: [0, 2, 1, 3] } }),
            nodeField('Reshape', v('k/Reshape'), [v('k'), heads4], [v('k4')]),
            nodeField('Transpose', v('k/Transpose'), [v('k4')], [v('kt')], { perm: { ints: [0, 2, 3, 1] } }),
            nodeField('Reshape', v('v/Reshape'), [v('v'), heads4], [v('v4')]),
            nodeField('Transpose', v('v/Transpose'), [v('v4')], [v('vh')], { perm: { ints: [0, 2, 1, 3] } }),
            nodeField('MatMul', v('scores'), [v('qh'), v('kt')], [v('s0')]),
            nodeField('Mul', v('scale'), [v('s0'), `${p}/scale_value`], [v('s')]),
            nodeField('Softmax', v('Softmax'), [v('s')], [v('probs')], { axis: { i: 3 } }),
            nodeField('MatMul', v('weighted'), [v('probs'), v('vh')], [v('o4')]),
            nodeField('Transpose', v('merge/Transpose'), [v('o4')], [v('o3')], { perm: { ints: [0, 2, 1, 3] } }),
            nodeField('Reshape', v('merge/Reshape'), [v('o3'), merge], [v('o')]),
            nodeField('Mul', v('ip_scale/Mul'), [v('o'), IP_SCALE_INPUT], [v('scaled')]),
            nodeField('Add', v('Add'), [layer.toOut.input[0]!, v('scaled')], [v('out')]),
          );
          const f = unet.graphFields[layer.toOut.fieldIndex]!;
          replace.set(layer.toOut.fieldIndex, renameNodeInput(unet.bytes, f.end, f.payloadStart, layer.toOut.input[0]!, v('out')));
        }
        return { appendFields: fields, addInitializers: inits, replaceFields: replace };
      },
    });
    // The adapter's ImageProjModel: LayerNorm(reshape(Linear(image_embeds))) → [B, tokens, ctx].
    const g = new NamedGraph(0);
    const e = g.input('image_embeds', 'float32', ['batch_size', embedDim]);
    const lin = g.node('Gemm', '/image_proj/proj/Gemm', [e, g.floats('image_proj.proj.weight', [tokens * ctx, embedDim], await st.readFloat32('image_proj.proj.weight')), g.floats('image_proj.proj.bias', [tokens * ctx], await st.readFloat32('image_proj.proj.bias'))], undefined, { transB: { i: 1 } });
    const r = g.node('Reshape', '/image_proj/Reshape', [lin, g.int64('/image_proj/shape', [0, tokens, ctx])]);
    const normB = st.tensors.has('image_proj.norm.bias') ? await st.readFloat32('image_proj.norm.bias') : new Float32Array(ctx);
    const out = g.node('LayerNormalization', '/image_proj/norm/LayerNormalization', [r, g.floats('image_proj.norm.weight', [ctx], await st.readFloat32('image_proj.norm.weight')), g.floats('image_proj.norm.bias', [ctx], normB)], undefined, { axis: { i: 2 }, epsilon: { f: 1e-5 } });
    g.output('image_prompt_embeds', out, ['batch_size', tokens, ctx]);
    const imageProj = await g.write(o.destDir, 'image_proj.onnx', { inputs: [{ name: 'image_embeds', dtype: 'float32', shape: ['batch_size', embedDim] }], outputs: [{ name: 'image_prompt_embeds', dtype: 'float32', shape: ['batch_size', tokens, ctx] }] });
    const unetSpec = manifest.components.unet;
    const next: SdxlManifest = {
      ...manifest,
      components: {
        ...manifest.components,
        unet: { ...unetSpec, inputs: { ...unetSpec.inputs, [IP_TOKENS_INPUT]: { dtype: 'float32', shape: ['batch_size', tokens, ctx] }, [IP_SCALE_INPUT]: { dtype: 'float32', shape: [1] } } },
        image_proj: imageProj,
      },
    };
    await writeFile(join(o.destDir, 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`);
    return { layers: ipIndices.length, tokens, embedDim };
  } finally {
    await st.close();
  }
}

/** A 1-element float initializer (GraphProto.initializer = 5), inline. */
function floatScalarField(name: string, value: number): Uint8Array {
  const raw = new Uint8Array(Float32Array.of(value).buffer);
  return lengthDelimited(5, concat([varintField(1, 1), varintField(2, 1), stringField(8, name), lengthDelimited(9, raw)]));
}
