import sharp from 'sharp';
import { WorkerError } from '../protocol.ts';
import type { RgbImage } from '../image/rgb-image.ts';
import type { OnnxModel } from '../onnx/onnx-model.ts';
import { floatTensor, tensorToFloat32, type FloatDtype } from '../onnx/tensors.ts';

/** latents / scalingFactor → VAE decoder → [-1, 1] NCHW → 8-bit RGB. */
export async function decodeLatents(vae: OnnxModel, latents: Float32Array, shape: readonly [number, number, number], scalingFactor: number): Promise<RgbImage> {
  const [c, h, w] = shape;
  const scaled = new Float32Array(latents.length);
  for (let j = 0; j < latents.length; j++) scaled[j] = (latents[j] ?? 0) / scalingFactor;
  const out = await vae.run({ latent_sample: floatTensor(vae.input('latent_sample').dtype as FloatDtype, scaled, [1, c, h, w]) }, ['sample']);
  const t = out.sample!;
  const [, channels = 3, H = 0, W = 0] = t.dims;
  if (channels !== 3) throw new WorkerError('Inference', `${vae.label} returned ${channels} channels, expected 3`);
  return chwToRgb(tensorToFloat32(t), W, H);
}

/** [-1, 1] CHW float → interleaved 8-bit RGB, clamped (NaNs from an fp16 overflow become 0). */
export function chwToRgb(data: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const rgb = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round(((data[c * plane + i] ?? 0) + 1) * 127.5);
      rgb[i * 3 + c] = Number.isFinite(v) ? Math.min(255, Math.max(0, v)) : 0;
    }
  }
  return { width, height, data: rgb };
}

/**
 * img2img: resize the source to the target size (sharp, Lanczos3), map to [-1, 1], encode, take
 * the mean of the latent distribution (first C channels of `latent_parameters` in newer
 * exports; older ones output `latent_sample` directly) and scale by the VAE factor.
 */
export async function encodeImage(encoder: OnnxModel, image: RgbImage, width: number, height: number, latentChannels: number, scalingFactor: number): Promise<Float32Array> {
  const pixels =
    image.width === width && image.height === height
      ? image.data
      : await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  const plane = width * height;
  const chw = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) chw[c * plane + i] = (pixels[i * 3 + c] ?? 0) / 127.5 - 1;
  const outName = encoder.pickOutput('latent_parameters', 'latent_sample').name;
  const out = await encoder.run({ sample: floatTensor(encoder.input('sample').dtype as FloatDtype, chw, [1, 3, height, width]) }, [outName]);
  const t = out[outName]!;
  const [, channels = 0, h = 0, w = 0] = t.dims;
  if (channels < latentChannels) throw new WorkerError('Inference', `${encoder.label} returned ${channels} latent channels, expected ≥ ${latentChannels}`);
  const mean = tensorToFloat32(t).subarray(0, latentChannels * h * w);
  const latents = new Float32Array(mean.length);
  for (let j = 0; j < mean.length; j++) latents[j] = (mean[j] ?? 0) * scalingFactor;
  return latents;
}
