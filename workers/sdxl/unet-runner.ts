import type { OnnxModel } from '../onnx/onnx-model.ts';
import { filledTensor, floatTensor, tensorToFloat32, type FloatDtype } from '../onnx/tensors.ts';
import { hasIpLayers as hasIp, IP_SCALE_INPUT, IP_TOKENS_INPUT } from './ip-adapter.ts';
import type { OrtTensor } from '../onnx/ort.ts';

/** Conditioning for one UNet call, already batched (2 rows with CFG: [negative, positive]). */
export interface UnetConditioning {
  batch: number;
  /** [batch, seq, hiddenDim] */
  hidden: Float32Array;
  seqLen: number;
  hiddenDim: number;
  /** [batch, pooledDim] */
  pooled: Float32Array;
  /** [batch, 6]: orig_h, orig_w, crop_top, crop_left, target_h, target_w */
  timeIds: Float32Array;
  /** IP-Adapter image tokens [batch, count, hiddenDim] and the decoupled attention's scale. */
  ip?: { tokens: Float32Array; count: number; scale: number };
}

/**
 * Feeds the UNet in the dtypes it declares. `timestep` comes in two export variants: rank-0
 * float (newer Optimum exports) or int64 [batch] (older ones) — chosen from inputMetadata.
 */
export async function runUnet(unet: OnnxModel, sample: Float32Array, latentShape: readonly [number, number, number], timestep: number, cond: UnetConditioning): Promise<Float32Array> {
  const [c, h, w] = latentShape;
  const B = cond.batch;
  const batchedSample = new Float32Array(B * sample.length);
  for (let b = 0; b < B; b++) batchedSample.set(sample, b * sample.length);
  const ts = unet.input('timestep');
  const feeds = {
    sample: floatTensor(unet.input('sample').dtype as FloatDtype, batchedSample, [B, c, h, w]),
    timestep: filledTensor(ts.dtype, timestep, ts.shape.length === 0 ? [] : [B]),
    encoder_hidden_states: floatTensor(unet.input('encoder_hidden_states').dtype as FloatDtype, cond.hidden, [B, cond.seqLen, cond.hiddenDim]),
    text_embeds: floatTensor(unet.input('text_embeds').dtype as FloatDtype, cond.pooled, [B, cond.pooled.length / B]),
    time_ids: floatTensor(unet.input('time_ids').dtype as FloatDtype, cond.timeIds, [B, cond.timeIds.length / B]),
  };
  const ipFeeds: Record<string, OrtTensor> = {};
  if (hasIp(unet)) {
    // A pack with IP-Adapter layers also serves requests without an image: scale 0 is exactly
    // the base UNet (the second attention is added with weight 0).
    const count = cond.ip?.count ?? (typeof unet.input(IP_TOKENS_INPUT).shape[1] === 'number' ? (unet.input(IP_TOKENS_INPUT).shape[1] as number) : 1);
    ipFeeds[IP_TOKENS_INPUT] = floatTensor(unet.input(IP_TOKENS_INPUT).dtype as FloatDtype, cond.ip?.tokens ?? new Float32Array(B * count * cond.hiddenDim), [B, count, cond.hiddenDim]);
    ipFeeds[IP_SCALE_INPUT] = floatTensor(unet.input(IP_SCALE_INPUT).dtype as FloatDtype, Float32Array.of(cond.ip?.scale ?? 0), [1]);
  }
  const out = await unet.run({ ...feeds, ...ipFeeds }, ['out_sample']);
  return tensorToFloat32(out.out_sample!);
}

/** ε = u + g·(c − u) over the [2, …] output; without CFG the single row is ε. */
export function applyGuidance(out: Float32Array, batch: number, guidance: number): Float32Array {
  if (batch === 1) return out;
  const n = out.length / 2;
  const eps = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    const u = out[j] ?? 0;
    eps[j] = u + guidance * ((out[n + j] ?? 0) - u);
  }
  return eps;
}
