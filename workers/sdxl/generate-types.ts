import type { RgbImage } from '../image/rgb-image.ts';
import type { SamplerName } from './schedulers/samplers.ts';

/** One SDXL generation. Unset fields fall back to the pack manifest's defaults. */
export interface SdxlGenerateRequest {
  prompt: string;
  /** Empty or absent → all-zero negative embeddings (SDXL's force_zeros_for_empty_prompt). */
  negativePrompt?: string;
  /** Multiples of the VAE downscale (8). */
  width?: number;
  height?: number;
  steps?: number;
  /** Classifier-free guidance scale; ≤ 1 disables CFG (one UNet batch instead of two). */
  guidance?: number;
  sampler?: SamplerName;
  /** Non-negative safe integer; same seed + params → bit-identical image on the same provider. */
  seed: number;
  /** img2img source (any size; resized to width×height) and how much of it to re-noise (0–1]. */
  initImage?: RgbImage;
  strength?: number;
  /** IP-Adapter: image embeddings for the pack's image_proj component, and its weight. */
  ipAdapter?: { imageEmbeds: Float32Array; scale?: number };
  /** Send a cheap latent → RGB preview with every progress event. */
  preview?: boolean;
}

export interface SdxlProgress {
  /** 1-based index of the denoising step just finished. */
  step: number;
  totalSteps: number;
  /** Latent-resolution (width/8 × height/8) approximation of the current x₀ prediction. */
  preview?: RgbImage;
}

export interface SdxlGenerateResult {
  image: RgbImage;
  seed: number;
  width: number;
  height: number;
  steps: number;
  sampler: SamplerName;
  guidance: number;
  /** Time inside ONNX Runtime session runs (GPU time on a GPU provider). */
  gpuMs: number;
  totalMs: number;
  modelId: string;
  /** Execution providers the sessions were created with, in preference order. */
  providers: string[];
  /** True for random-weight packs: the image is noise. */
  testPack: boolean;
}
