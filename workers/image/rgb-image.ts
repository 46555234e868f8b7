/**
 * The one in-memory image type shared by analysis, CLIP preprocessing and the pipeline:
 * 8-bit sRGB, 3 channels interleaved (alpha already composited or dropped), row-major.
 * Plain data so it crosses worker boundaries by transfer, not copy.
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array; // length = width * height * 3
}
