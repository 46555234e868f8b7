import { NamedGraph, scopeName } from './named-graph.ts';
import { CLIP_VOCAB_ROWS } from './text-encoder-graph.ts';
import type { IoDecl } from './write-component.ts';

/**
 * A CLIP text encoder with transformers' parameter names as Optimum exports it: token and
 * position tables under their names, Linear weights transposed behind
 * `/text_model/encoder/layers.0/self_attn/q_proj/MatMul`. One "layer": tanh(q+k+v projections)
 * then mlp fc1 → tanh → fc2; `text_projection` (bias-free) for the second encoder.
 */
export function layoutTextEncoderGraph(opts: { seed: number; width: number; seqLen: number; idDtype: 'int32' | 'int64'; lastLayer: number; projection?: number }): { g: NamedGraph; inputs: IoDecl[]; outputs: IoDecl[] } {
  const g = new NamedGraph(opts.seed);
  const d = opts.width;
  const ids = g.input('input_ids', opts.idDtype, ['batch_size', 'sequence_length']);
  const lin = (module: string, x: string, inDim: number, outDim: number, bias: boolean): string => {
    const p = scopeName(module);
    const mm = g.node('MatMul', `${p}/MatMul`, [x, g.weight(null, [inDim, outDim], 1 / Math.sqrt(inDim))]);
    return bias ? g.node('Add', `${p}/Add`, [mm, g.weight(`${module}.bias`, [outDim], 0.1)]) : mm;
  };
  const tok = g.node('Gather', '/text_model/embeddings/token_embedding/Gather', [g.weight('text_model.embeddings.token_embedding.weight', [CLIP_VOCAB_ROWS, d], 1), ids], undefined, { axis: { i: 0 } });
  const x = g.node('Add', '/text_model/embeddings/Add', [tok, g.weight('text_model.embeddings.position_embedding.weight', [opts.seqLen, d], 0.5)]);
  const L = 'text_model.encoder.layers.0';
  const qkv = g.node('Add', `${scopeName(L)}/self_attn/Add`, [g.node('Add', `${scopeName(L)}/self_attn/Add_1`, [lin(`${L}.self_attn.q_proj`, x, d, d, true), lin(`${L}.self_attn.k_proj`, x, d, d, true)]), lin(`${L}.self_attn.v_proj`, x, d, d, true)]);
  const h1 = g.node('Tanh', `${scopeName(L)}/self_attn/Tanh`, [qkv]);
  const h2 = lin(`${L}.mlp.fc2`, g.node('Tanh', `${scopeName(L)}/mlp/Tanh`, [lin(`${L}.mlp.fc1`, h1, d, d, true)]), d, d, true);
  const mean = g.node('ReduceMean', '/text_model/pool/ReduceMean', [h2], undefined, { axes: { ints: [1] }, keepdims: { i: 0 } });
  const pooledName = opts.projection ? 'text_embeds' : 'pooler_output';
  const pooled = opts.projection ? g.node('MatMul', '/text_projection/MatMul', [mean, g.weight(null, [d, opts.projection], 1 / Math.sqrt(d))]) : mean;
  const seq = ['batch_size', opts.seqLen, d];
  g.output(pooledName, pooled, ['batch_size', opts.projection ?? d]);
  g.output('last_hidden_state', h2, seq);
  g.output(`hidden_states.${opts.lastLayer - 1}`, h1, seq);
  g.output(`hidden_states.${opts.lastLayer}`, h2, seq);
  return {
    g,
    inputs: [{ name: 'input_ids', dtype: opts.idDtype, shape: ['batch_size', 'sequence_length'] }],
    outputs: [
      { name: pooledName, dtype: 'float32', shape: ['batch_size', opts.projection ?? d] },
      { name: 'last_hidden_state', dtype: 'float32', shape: seq },
      { name: `hidden_states.${opts.lastLayer - 1}`, dtype: 'float32', shape: seq },
      { name: `hidden_states.${opts.lastLayer}`, dtype: 'float32', shape: seq },
    ],
  };
}
