import { GraphBuilder } from './graph-builder.ts';
import { FloatIo } from './float-io.ts';
import type { IoDecl } from './write-component.ts';

/** Rows in the token table: the full CLIP vocabulary, so any real token id is in range. */
export const CLIP_VOCAB_ROWS = 49408;

export interface TextEncoderGraph {
  g: GraphBuilder;
  inputs: IoDecl[];
  outputs: IoDecl[];
}

/**
 * A two-"layer" CLIP-like text encoder: token table + positions → dense → dense. Exposes the
 * real export's outputs: `hidden_states.{L-1}` and `.{L}` (L = 12 for CLIP-L, 32 for bigG),
 * `last_hidden_state`, and either `pooler_output` [B, d] or projected `text_embeds` [B, p].
 */
export function textEncoderGraph(opts: {
  seed: number;
  width: number;
  seqLen: number;
  idDtype: 'int32' | 'int64';
  lastLayer: number;
  pooled: { name: 'pooler_output' | 'text_embeds'; dim: number };
  floatDtype: 'float32' | 'float16';
}): TextEncoderGraph {
  const g = new GraphBuilder(opts.seed);
  const io = new FloatIo(g, opts.floatDtype);
  const d = opts.width;
  const ids = io.rawInput({ name: 'input_ids', dtype: opts.idDtype, shape: ['batch_size', 'sequence_length'] });
  const tokens = g.op('Gather', [g.weight([CLIP_VOCAB_ROWS, d], 1), ids], { axis: { i: 0 } });
  const x = g.add(tokens, g.weight([opts.seqLen, d], 0.5));
  const h1 = g.dense(x, d, d);
  const h2 = g.dense(h1, d, d);
  // The position table fixes the sequence length, and ORT reports the inferred 77, so declare it.
  const seq: (number | string)[] = ['batch_size', opts.seqLen, d];
  const mean = g.op('ReduceMean', [h2], { axes: { ints: [1] }, keepdims: { i: 0 } });
  const pooled = opts.pooled.name === 'text_embeds' ? g.matmul(mean, g.weight([d, opts.pooled.dim], 1 / Math.sqrt(d))) : mean;
  // Output order as in the Optimum export: pooled first, then last_hidden_state, then layers.
  io.output(opts.pooled.name, pooled, ['batch_size', opts.pooled.dim]);
  io.output('last_hidden_state', h2, seq);
  io.output(`hidden_states.${opts.lastLayer - 1}`, h1, seq);
  io.output(`hidden_states.${opts.lastLayer}`, h2, seq);
  return { g, inputs: io.inputs, outputs: io.outputs };
}
