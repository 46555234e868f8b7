import { WorkerError } from '../protocol.ts';
import type { ClipTokenizer } from '../clip/clip-tokenizer.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { idTensor, tensorToFloat32, type IdDtype } from '../onnx/tensors.ts';

/** Per-token conditioning [seq, hiddenDim] and the pooled vector [pooledDim] for one prompt. */
export interface PromptEmbeds {
  hidden: Float32Array;
  seqLen: number;
  hiddenDim: number;
  pooled: Float32Array;
}

/**
 * The penultimate hidden state, as SDXL conditions on: among outputs `hidden_states.N` take
 * N = max − 1 (hidden_states.11 of CLIP-L's 0..12, hidden_states.31 of bigG's 0..32).
 */
export function penultimateHiddenState(model: OnnxModel): string {
  const layers = [...model.outputs.keys()]
    .map((n) => /^hidden_states\.(\d+)$/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  if (layers.length === 0) throw new WorkerError('ModelMissing', `${model.label} exposes no hidden_states.N outputs`);
  const max = Math.max(...layers);
  return layers.includes(max - 1) ? `hidden_states.${max - 1}` : `hidden_states.${max}`;
}

async function runEncoder(model: OnnxModel, tokenizer: ClipTokenizer, text: string, pooledName: string | null): Promise<{ hidden: Float32Array; pooled: Float32Array | null; seqLen: number; dim: number }> {
  const ids = model.input('input_ids');
  const hiddenName = penultimateHiddenState(model);
  const fetch = pooledName ? [hiddenName, pooledName] : [hiddenName];
  const out = await model.run({ input_ids: idTensor(ids.dtype as IdDtype, tokenizer.encode(text), [1, tokenizer.maxLength]) }, fetch);
  const hiddenT = out[hiddenName]!;
  const [, seqLen = tokenizer.maxLength, dim = 0] = hiddenT.dims;
  return { hidden: tensorToFloat32(hiddenT), pooled: pooledName ? tensorToFloat32(out[pooledName]!) : null, seqLen, dim };
}

/** Both SDXL text encoders; hidden states concatenated on the last axis, pooled from encoder 2. */
export async function encodePrompt(te1: OnnxModel, tok1: ClipTokenizer, te2: OnnxModel, tok2: ClipTokenizer, text: string): Promise<PromptEmbeds> {
  const a = await runEncoder(te1, tok1, text, null);
  const b = await runEncoder(te2, tok2, text, te2.pickOutput('text_embeds').name);
  if (a.seqLen !== b.seqLen) throw new WorkerError('Inference', `text encoders disagree on sequence length (${a.seqLen} vs ${b.seqLen})`);
  const hiddenDim = a.dim + b.dim;
  const hidden = new Float32Array(a.seqLen * hiddenDim);
  for (let t = 0; t < a.seqLen; t++) {
    hidden.set(a.hidden.subarray(t * a.dim, (t + 1) * a.dim), t * hiddenDim);
    hidden.set(b.hidden.subarray(t * b.dim, (t + 1) * b.dim), t * hiddenDim + a.dim);
  }
  return { hidden, seqLen: a.seqLen, hiddenDim, pooled: b.pooled ?? new Float32Array(0) };
}

export function zeroEmbedsLike(e: PromptEmbeds): PromptEmbeds {
  return { hidden: new Float32Array(e.hidden.length), seqLen: e.seqLen, hiddenDim: e.hiddenDim, pooled: new Float32Array(e.pooled.length) };
}
