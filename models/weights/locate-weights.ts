import type { InitializerRef, NodeRef, OnnxFile } from '../onnx-edit/onnx-file.ts';
import type { WeightTarget } from './weight-target.ts';

export type ExportLayout = 'optimum' | 'ort-optimized';

export interface LocatedWeights {
  layout: ExportLayout;
  /** PyTorch parameter name (diffusers / transformers naming) → where it lives. */
  params: Map<string, WeightTarget>;
}

export class UnknownLayoutError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: unknown ONNX export layout, weights not patched (${why}). Supported: Hugging Face Optimum exports and ONNX Runtime transformer-optimised graphs of them.`);
    this.name = 'UnknownLayoutError';
  }
}

/** Parameter names as PyTorch's exporter keeps them: dotted module path + .weight/.bias. */
const PARAM_NAME = /^[A-Za-z_][\w]*(\.[\w]+)*\.(weight|bias)$|^[\w.]*(position_embedding|positional_embedding|class_embedding)(\.weight)?$/;
/** Node names the exporter derives from module paths: /down_blocks.1/attentions.0/…/to_q/MatMul */
const MODULE_NODE = /^\/(.+)\/(MatMul|Gemm)(_\d+)?$/;
const PACKED_PREFIX = /^MatMul_(QKV|KV)/;

/**
 * Maps every PyTorch parameter the graph holds to its initializer, for the layouts real SDXL
 * exports use. Anything it cannot attribute stays unmapped (reported by the caller); a graph
 * where nothing carries a module name is refused rather than guessed at.
 */
export async function locateWeights(file: OnnxFile): Promise<LocatedWeights> {
  const params = new Map<string, WeightTarget>();
  const inits = file.initializers;
  for (const init of inits.values()) {
    if (PARAM_NAME.test(init.name) && !init.name.startsWith('onnx::')) params.set(init.name, { init: init.name, layout: 'same', paramShape: init.dims });
  }
  let packedCount = 0;
  for (const node of file.nodes) {
    const weight = inits.get(node.input[1] ?? '');
    if (!weight || weight.dims.length !== 2) continue;
    if (node.opType === 'MatMul' && PACKED_PREFIX.test(node.name)) {
      packedCount += await locatePacked(file, node, weight, params);
      continue;
    }
    if (node.opType === 'Attention' && node.domain === 'com.microsoft') {
      packedCount += locateAttentionOp(file, node, weight, params);
      continue;
    }
    const m = MODULE_NODE.exec(node.name);
    if (!m || params.has(weight.name)) continue;
    const module = m[1]!.split('/').join('.');
    const [inDim = 0, outDim = 0] = weight.dims;
    if (node.opType === 'MatMul') params.set(`${module}.weight`, { init: weight.name, layout: 'transpose', paramShape: [outDim, inDim] });
    else if (node.intAttrs.transB === 1) params.set(`${module}.weight`, { init: weight.name, layout: 'same', paramShape: weight.dims });
    else params.set(`${module}.weight`, { init: weight.name, layout: 'transpose', paramShape: [outDim, inDim] });
  }
  if (params.size === 0) {
    throw new UnknownLayoutError(file.path, `none of its ${inits.size} initializers carries a module name and no MatMul/Gemm node is named after a module`);
  }
  return { layout: packedCount > 0 ? 'ort-optimized' : 'optimum', params };
}

/**
 * ORT's UNet attention fusion (fusion_attention_unet.py): `MatMul_QKV*` reads the block's
 * norm1 output (self-attention) and `MatMul_KV*` reads encoder_hidden_states (cross-attention);
 * the result is reshaped to [B, S, heads, 3|2, headDim] for MultiHeadAttention.
 */
async function locatePacked(file: OnnxFile, node: NodeRef, weight: InitializerRef, params: Map<string, WeightTarget>): Promise<number> {
  const kv = node.name.startsWith('MatMul_KV');
  const of = kv ? 2 : 3;
  const heads = await packedHeads(file, node.output[0] ?? '', of);
  if (heads === null) throw new UnknownLayoutError(file.path, `packed weight ${weight.name} (node ${node.name}) is not reshaped to [batch, seq, heads, ${of}, headDim]`);
  const attn = kv ? crossAttentionModule(file, node) : selfAttentionModule(file, node);
  if (!attn) throw new UnknownLayoutError(file.path, `cannot tell which attention layer packed weight ${weight.name} (node ${node.name}) belongs to`);
  const [inDim = 0, width = 0] = weight.dims;
  const names = kv ? ['to_k', 'to_v'] : ['to_q', 'to_k', 'to_v'];
  names.forEach((n, index) => params.set(`${attn}.${n}.weight`, { init: weight.name, layout: 'packed', index, of, heads, paramShape: [width / of, inDim] }));
  return 1;
}

/** com.microsoft Attention: weight [in, 3·hidden], Q|K|V in blocks; input 0 is norm1's output. */
function locateAttentionOp(file: OnnxFile, node: NodeRef, weight: InitializerRef, params: Map<string, WeightTarget>): number {
  const attn = selfAttentionModule(file, node);
  if (!attn) throw new UnknownLayoutError(file.path, `cannot tell which attention layer Attention node ${node.name} belongs to`);
  const [inDim = 0, width = 0] = weight.dims;
  ['to_q', 'to_k', 'to_v'].forEach((n, index) => params.set(`${attn}.${n}.weight`, { init: weight.name, layout: 'packed', index, of: 3, heads: null, paramShape: [width / 3, inDim] }));
  return 1;
}

async function packedHeads(file: OnnxFile, value: string, of: number): Promise<number | null> {
  for (const c of file.consumers(value)) {
    if (c.opType !== 'Reshape') continue;
    const shape = file.initializers.get(c.input[1] ?? '');
    if (!shape || shape.dataType !== 7 || shape.dims[0] !== 5) continue;
    const raw = await file.readRaw(shape);
    const dims = Array.from({ length: 5 }, (_, i) => Number(raw.readBigInt64LE(i * 8)));
    if (dims[3] === of && (dims[2] ?? 0) > 0) return dims[2]!;
  }
  return null;
}

/** The transformer block whose norm1 feeds this node: `/…/transformer_blocks.0/norm1/…`. */
function selfAttentionModule(file: OnnxFile, node: NodeRef): string | null {
  let value = node.input[0] ?? '';
  for (let hop = 0; hop < 4; hop++) {
    const p = file.producer(value);
    if (!p) return null;
    const m = /^\/(.+)\/norm1\//.exec(p.name);
    if (m) return `${m[1]!.split('/').join('.')}.attn1`;
    value = p.input[0] ?? '';
  }
  return null;
}

/** Follows the packed K/V forward to the attention that also reads `/…/attn2/to_q/MatMul`. */
function crossAttentionModule(file: OnnxFile, node: NodeRef): string | null {
  let frontier = [...(node.output[0] ? [node.output[0]] : [])];
  const seen = new Set<string>();
  for (let hop = 0; hop < 6 && frontier.length; hop++) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const c of file.consumers(v)) {
        if (seen.has(c.name)) continue;
        seen.add(c.name);
        for (const input of c.input) {
          const found = findQuery(file, input, 4);
          if (found) return found;
        }
        next.push(...c.output);
      }
    }
    frontier = next;
  }
  return null;
}

function findQuery(file: OnnxFile, value: string, hops: number): string | null {
  let v = value;
  for (let h = 0; h < hops; h++) {
    const p = file.producer(v);
    if (!p) return null;
    const m = /^\/(.+)\/to_q\/MatMul$/.exec(p.name);
    if (m) return m[1]!.split('/').join('.');
    v = p.input[0] ?? '';
  }
  return null;
}
