import sharp from 'sharp';
import type { RgbImage } from '../image/rgb-image.ts';

export interface ClipImageSpec {
  size: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * CLIP preprocessing (openai/CLIP `_transform`): resize the shortest side to `size` with
 * bicubic filtering — sharp's `cubic` kernel is Catmull-Rom (Keys a = −0.5, PIL's BICUBIC) and,
 * like PIL, widens the kernel when downscaling — keeping the long side at ⌊size·long/short⌋
 * (torchvision truncates), centre crop size×size with offsets round((dim − size)/2), scale to
 * [0, 1], normalise per channel, lay out as CHW float32.
 */
export async function preprocessClipImage(image: RgbImage, spec: ClipImageSpec): Promise<Float32Array> {
  const { width, height } = image;
  const short = Math.min(width, height);
  const w = width === short ? spec.size : Math.floor((spec.size * width) / short);
  const h = height === short ? spec.size : Math.floor((spec.size * height) / short);
  const resized =
    w === width && h === height
      ? image.data
      : await sharp(image.data, { raw: { width, height, channels: 3 } })
          .resize(w, h, { kernel: 'cubic', fit: 'fill' })
          .raw()
          .toBuffer();
  const top = Math.round((h - spec.size) / 2);
  const left = Math.round((w - spec.size) / 2);
  const plane = spec.size * spec.size;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < spec.size; y++) {
    for (let x = 0; x < spec.size; x++) {
      const src = ((y + top) * w + (x + left)) * 3;
      for (let c = 0; c < 3; c++) {
        out[c * plane + y * spec.size + x] = ((resized[src + c] ?? 0) / 255 - (spec.mean[c] ?? 0)) / (spec.std[c] ?? 1);
      }
    }
  }
  return out;
}
