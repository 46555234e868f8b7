import { WorkerError } from '../protocol.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { floatTensor, tensorToFloat32, type FloatDtype } from '../onnx/tensors.ts';

export interface ImageTokens {
  /** [tokens, hiddenDim] */
  data: Float32Array;
  tokens: number;
}

/**
 * IP-Adapter image conditioning: the pack's image_proj maps CLIP image embeddings to extra
 * context tokens appended to encoder_hidden_states. The UNet of such a pack is exported with
 * a dynamic sequence axis. `scale` weights the tokens — a simplification of IP-Adapter's
 * per-attention scale that keeps one UNet graph for every scale.
 */
export async function projectImageEmbeds(proj: OnnxModel, embeds: Float32Array, scale: number, hiddenDim: number): Promise<ImageTokens> {
  const input = [...proj.inputs.values()][0];
  const output = [...proj.outputs.values()][0];
  if (!input || !output) throw new WorkerError('ModelMissing', `${proj.label} has no inputs/outputs`);
  const want = input.shape.at(-1);
  if (typeof want === 'number' && want !== embeds.length) {
    throw new WorkerError('BadInput', `IP-Adapter expects ${want}-d image embeddings, got ${embeds.length}`);
  }
  const out = await proj.run({ [input.name]: floatTensor(input.dtype as FloatDtype, embeds, [1, embeds.length]) }, [output.name]);
  const t = out[output.name]!;
  const [, tokens = 0, dim = 0] = t.dims;
  if (dim !== hiddenDim) throw new WorkerError('Inference', `${proj.label} produces ${dim}-d tokens but the text context is ${hiddenDim}-d`);
  const data = tensorToFloat32(t);
  for (let j = 0; j < data.length; j++) data[j] = (data[j] ?? 0) * scale;
  return { data, tokens };
}

/** Appends image tokens after the text tokens of one [seq, dim] context. */
export function appendTokens(hidden: Float32Array, tokens: ImageTokens): Float32Array {
  const out = new Float32Array(hidden.length + tokens.data.length);
  out.set(hidden);
  out.set(tokens.data, hidden.length);
  return out;
}
