import { WorkerError } from '../protocol.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { floatTensor, tensorToFloat32, type FloatDtype } from '../onnx/tensors.ts';

/** UNet inputs a pack gets from `assetql models ip-adapter install` (models/ip-adapter/). */
export const IP_TOKENS_INPUT = 'ip_tokens';
export const IP_SCALE_INPUT = 'ip_scale';

export interface ImageTokens {
  /** [tokens, hiddenDim] */
  data: Float32Array;
  tokens: number;
}

/**
 * IP-Adapter image conditioning as the paper defines it: the pack's image_proj maps the image
 * embedding to tokens, and the UNet (rewritten at install time) attends to them in a second,
 * decoupled cross-attention per layer with its own to_k_ip/to_v_ip weights, added with the
 * `ip_scale` input. The scale is not folded into the tokens.
 */
export async function projectImageEmbeds(proj: OnnxModel, embeds: Float32Array, hiddenDim: number): Promise<ImageTokens> {
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
  return { data: tensorToFloat32(t), tokens };
}

/** True when the pack's UNet carries the decoupled cross-attention layers. */
export function hasIpLayers(unet: OnnxModel): boolean {
  return unet.inputs.has(IP_TOKENS_INPUT) && unet.inputs.has(IP_SCALE_INPUT);
}
