import type { RgbImage } from '../image/rgb-image.ts';

/**
 * Linear latent → RGB approximation of the SDXL VAE (the factors ComfyUI and A1111 use for
 * their "latent2rgb" previews). Costs one 4×3 matrix per latent pixel instead of a VAE decode.
 */
const FACTORS = [
  [0.3651, 0.4232, 0.4341],
  [-0.2533, -0.0042, 0.1068],
  [0.1076, 0.1111, -0.0362],
  [-0.3165, -0.2492, -0.2188],
] as const;
const BIAS = [0.1084, -0.0175, -0.0011] as const;

/** `latents` are unscaled x₀ predictions [C, h, w]; returns an h×w image. */
export function latentPreview(latents: Float32Array, channels: number, height: number, width: number): RgbImage {
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let o = 0; o < 3; o++) {
      let v = BIAS[o] ?? 0;
      // Packs with other than 4 latent channels get the first 4 (or fewer): still a usable sketch.
      for (let c = 0; c < Math.min(channels, FACTORS.length); c++) v += (latents[c * plane + i] ?? 0) * (FACTORS[c]?.[o] ?? 0);
      data[i * 3 + o] = Math.min(255, Math.max(0, Math.round((v + 1) * 127.5)));
    }
  }
  return { width, height, data };
}
