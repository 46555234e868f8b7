import { NamedGraph, scopeName } from './named-graph.ts';
import type { IoDecl } from './write-component.ts';

export type TestExportLayout = 'optimum' | 'ort-optimized';

/** Sizes of the tiny layout UNet: one down block with a resnet and one transformer block. */
export const LAYOUT_UNET = { latentChannels: 4, hidden: 8, heads: 2, ffInner: 16 } as const;
export const BLOCK = 'down_blocks.1.attentions.0.transformer_blocks.0';
export const RESNET = 'down_blocks.1.resnets.0';

/**
 * A UNet with SDXL's I/O and real module names, exported in one of two layouts:
 * - `optimum`: what `optimum-cli export onnx` produces — convs/norms/biases under their
 *   parameter names, Linear weights transposed under `onnx::MatMul_N` behind nodes named
 *   `/down_blocks.1/attentions.0/transformer_blocks.0/attn1/to_q/MatMul`;
 * - `ort-optimized`: the same after ONNX Runtime's UNet attention fusion — self-attention Q/K/V
 *   in one `MatMul_QKV_0` weight and cross-attention K/V in `MatMul_KV_0`, interleaved per head
 *   and reshaped to [B, S, heads, 3|2, headDim]. (The CPU provider has no packed
 *   MultiHeadAttention, so the tiny graph unpacks with Split and attends with plain ops.)
 */
export function layoutUnetGraph(seed: number, layout: TestExportLayout, ctx: number, pooledDim: number): { g: NamedGraph; inputs: IoDecl[]; outputs: IoDecl[] } {
  const { latentChannels: C, hidden: D, heads: N, ffInner: F } = LAYOUT_UNET;
  const hd = D / N;
  const g = new NamedGraph(seed);
  const sample = g.input('sample', 'float32', ['batch_size', C, 'height', 'width']);
  g.input('timestep', 'float32', []);
  const ehs = g.input('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', ctx]);
  const textEmbeds = g.input('text_embeds', 'float32', ['batch_size', pooledDim]);
  g.input('time_ids', 'float32', ['batch_size', 6]);

  const conv = (module: string, x: string, out: number, inC: number, k: number): string =>
    g.node('Conv', `${scopeName(module)}/Conv`, [x, g.weight(`${module}.weight`, [out, inC, k, k], 1 / Math.sqrt(inC * k * k)), g.weight(`${module}.bias`, [out], 0.1)], undefined, { pads: { ints: k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0] } });
  const path = (module: string): string => scopeName(module);
  /** nn.Linear on a 3-D input as torch.onnx exports it: MatMul(x, Wᵀ) [+ Add(bias)]. */
  const linear = (module: string, x: string, inDim: number, outDim: number, bias: boolean): string => {
    const mm = g.node('MatMul', `${path(module)}/MatMul`, [x, g.weight(null, [inDim, outDim], 1 / Math.sqrt(inDim))]);
    return bias ? g.node('Add', `${path(module)}/Add`, [mm, g.weight(`${module}.bias`, [outDim], 0.1)]) : mm;
  };
  const layerNorm = (module: string, x: string): string =>
    g.node('LayerNormalization', `${path(module)}/LayerNormalization`, [x, g.floats(`${module}.weight`, [D], Array.from({ length: D }, (_, i) => 1 + 0.05 * i)), g.weight(`${module}.bias`, [D], 0.1)], undefined, { axis: { i: -1 }, epsilon: { f: 1e-5 } });
  const heads = (x: string, name: string): string =>
    g.node('Transpose', `${name}/Transpose`, [g.node('Reshape', `${name}/Reshape`, [x, g.int64(`${name}/shape`, [0, 0, N, hd])])], undefined, { perm: { ints: [0, 2, 1, 3] } });
  const attend = (prefix: string, q: string, k: string, v: string): string => {
    const kt = g.node('Transpose', `${prefix}/kT`, [k], undefined, { perm: { ints: [0, 1, 3, 2] } });
    const scores = g.node('Mul', `${prefix}/scale`, [g.node('MatMul', `${prefix}/scores`, [q, kt]), g.floats(`${prefix}/scale_value`, [1], [1 / Math.sqrt(hd)])]);
    const probs = g.node('Softmax', `${prefix}/Softmax`, [scores], undefined, { axis: { i: -1 } });
    const o = g.node('Transpose', `${prefix}/merge/Transpose`, [g.node('MatMul', `${prefix}/weighted`, [probs, v])], undefined, { perm: { ints: [0, 2, 1, 3] } });
    return g.node('Reshape', `${prefix}/merge/Reshape`, [o, g.int64(`${prefix}/merge/shape`, [0, 0, D])]);
  };
  /** Packed [B,S,in]·W[in, N·of·hd] → reshape [B,S,N,of,hd] → per-part [B,N,S,hd]. */
  const unpack = (name: string, x: string, inDim: number, of: number): string[] => {
    const mm = g.node('MatMul', name, [x, g.weight(`${name}_weight`, [inDim, N * of * hd], 1 / Math.sqrt(inDim))]);
    const r = g.node('Reshape', `${name}/Reshape`, [mm, g.int64(`${name}/shape`, [0, 0, N, of, hd])]);
    const parts = Array.from({ length: of }, (_, i) => `${name}/part_${i}`);
    g.node('Split', `${name}/Split`, [r], parts, { axis: { i: 3 } });
    return parts.map((p, i) => g.node('Transpose', `${name}/part_${i}/Transpose`, [g.node('Squeeze', `${name}/part_${i}/Squeeze`, [p, g.int64(`${name}/part_${i}/axes`, [3])])], undefined, { perm: { ints: [0, 2, 1, 3] } }));
  };

  let h = conv('conv_in', sample, D, C, 3);
  h = g.node('Add', `${scopeName(RESNET)}/Add`, [conv(`${RESNET}.conv1`, h, D, D, 3), conv(`${RESNET}.conv_shortcut`, h, D, D, 1)]);
  const temb = g.node('Gemm', '/add_embedding/linear_1/Gemm', [textEmbeds, g.weight('add_embedding.linear_1.weight', [D, pooledDim], 1 / Math.sqrt(pooledDim)), g.weight('add_embedding.linear_1.bias', [D], 0.1)], undefined, { transB: { i: 1 } });
  h = g.node('Add', '/add_embedding/Add', [h, g.node('Unsqueeze', '/add_embedding/Unsqueeze', [temb, g.int64('/add_embedding/axes', [2, 3])])]);
  const hShape = g.node('Shape', '/down_blocks.1/attentions.0/Shape', [h]);
  let x = g.node('Transpose', '/down_blocks.1/attentions.0/Transpose', [g.node('Reshape', '/down_blocks.1/attentions.0/Reshape', [h, g.int64('/tokens/shape', [0, D, -1])])], undefined, { perm: { ints: [0, 2, 1] } });

  const n1 = layerNorm(`${BLOCK}.norm1`, x);
  let a1: string;
  if (layout === 'optimum') {
    const p = `${path(BLOCK)}/attn1`;
    a1 = attend(p, heads(linear(`${BLOCK}.attn1.to_q`, n1, D, D, false), `${p}/q`), heads(linear(`${BLOCK}.attn1.to_k`, n1, D, D, false), `${p}/k`), heads(linear(`${BLOCK}.attn1.to_v`, n1, D, D, false), `${p}/v`));
  } else {
    const [q, k, v] = unpack('MatMul_QKV_0', n1, D, 3);
    a1 = attend('Attention_0', q!, k!, v!);
  }
  x = g.node('Add', `${path(BLOCK)}/attn1/residual`, [x, linear(`${BLOCK}.attn1.to_out.0`, a1, D, D, true)]);

  const n2 = layerNorm(`${BLOCK}.norm2`, x);
  const q2 = heads(linear(`${BLOCK}.attn2.to_q`, n2, D, D, false), `${path(BLOCK)}/attn2/q`);
  let a2: string;
  if (layout === 'optimum') {
    const p = `${path(BLOCK)}/attn2`;
    a2 = attend(p, q2, heads(linear(`${BLOCK}.attn2.to_k`, ehs, ctx, D, false), `${p}/k`), heads(linear(`${BLOCK}.attn2.to_v`, ehs, ctx, D, false), `${p}/v`));
  } else {
    const [k, v] = unpack('MatMul_KV_0', ehs, ctx, 2);
    a2 = attend('MultiHeadAttention_0', q2, k!, v!);
  }
  x = g.node('Add', `${path(BLOCK)}/attn2/residual`, [x, linear(`${BLOCK}.attn2.to_out.0`, a2, D, D, true)]);

  const n3 = layerNorm(`${BLOCK}.norm3`, x);
  const ff = linear(`${BLOCK}.ff.net.2`, g.node('Tanh', `${path(BLOCK)}/ff/Tanh`, [linear(`${BLOCK}.ff.net.0.proj`, n3, D, F, true)]), F, D, true);
  x = g.node('Add', `${path(BLOCK)}/ff/residual`, [x, ff]);

  h = g.node('Reshape', '/down_blocks.1/attentions.0/Reshape_1', [g.node('Transpose', '/down_blocks.1/attentions.0/Transpose_1', [x], undefined, { perm: { ints: [0, 2, 1] } }), hShape]);
  const out = conv('conv_out', h, C, D, 3);
  g.output('out_sample', out, ['batch_size', C, 'height', 'width']);
  const inputs: IoDecl[] = [
    { name: 'sample', dtype: 'float32', shape: ['batch_size', C, 'height', 'width'] },
    { name: 'timestep', dtype: 'float32', shape: [] },
    { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch_size', 'sequence_length', ctx] },
    { name: 'text_embeds', dtype: 'float32', shape: ['batch_size', pooledDim] },
    { name: 'time_ids', dtype: 'float32', shape: ['batch_size', 6] },
  ];
  return { g, inputs, outputs: [{ name: 'out_sample', dtype: 'float32', shape: ['batch_size', C, 'height', 'width'] }] };
}
