import sharp from 'sharp';
import { basename } from 'node:path';
import { WorkerError } from '../protocol.ts';
import type { RgbImage } from '../image/rgb-image.ts';

/** What the file was before we normalised it, kept for dimension checks and messages. */
export interface SourceInfo {
  /** File path, or the caller's label for a buffer; used in every error message. */
  name: string;
  format: string;
  /** Upright (EXIF-applied) size before any analysis downscale. */
  width: number;
  height: number;
  channels: number;
  hasAlpha: boolean;
  /** Bits per sample as sharp reports it ('uchar' = 8, 'ushort' = 16). */
  depth: string;
  /** EXIF orientation tag (1–8) when present; already applied to the pixels and to width/height. */
  orientation: number | undefined;
}

export interface DecodedImage extends RgbImage {
  source: SourceInfo;
}

export interface DecodeOptions {
  /** Label for a Buffer input in error messages (paths label themselves). */
  name?: string;
  /**
   * Largest accepted width × height, checked from the header BEFORE any pixel is decoded so a
   * decompression bomb cannot exhaust memory. Default 64 MP (8192 × 8192).
   */
  maxPixels?: number;
  /**
   * Shrink so the longest side is at most this (area-average, never enlarges). Analysis runs
   * at a fixed size anyway (see analysis-size.ts); asking sharp to do it here saves decode
   * memory for huge inputs.
   */
  maxSide?: number;
}

export const DEFAULT_MAX_PIXELS = 8192 * 8192;

/**
 * Decodes PNG / JPEG / WebP (anything sharp reads) into 8-bit sRGB RgbImage:
 * - EXIF orientation applied (`rotate()`), so a phone photo is analysed upright;
 * - alpha flattened onto WHITE: generated assets and brand art are shown on white more often
 *   than black, and a transparent background must not read as "black, low-key";
 * - grayscale expanded to RGB, 16-bit reduced to 8-bit, ICC/CMYK converted to sRGB;
 * - truncated or corrupt files fail (`failOn: 'truncated'`) instead of decoding grey blocks.
 */
export async function decodeImage(input: string | Buffer, options: DecodeOptions = {}): Promise<DecodedImage> {
  const name = typeof input === 'string' ? input : (options.name ?? '<buffer>');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  // limitInputPixels: false because we enforce our own limit with a better message below;
  // sharp's own check would still fire only after we have already refused.
  const open = (): sharp.Sharp => sharp(input, { failOn: 'truncated', limitInputPixels: false });

  let meta: sharp.Metadata;
  try {
    meta = await open().metadata();
  } catch (err) {
    throw badFile(name, err);
  }
  // Orientations 5–8 are quarter turns: the upright image has width and height swapped.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  if (!width || !height) {
    throw new WorkerError('BadInput', `${label(name)}: could not read the image size (format ${meta.format ?? 'unknown'})`, { file: name });
  }
  if (width * height > maxPixels) {
    throw new WorkerError(
      'BadInput',
      `${label(name)} is ${width}×${height} (${(width * height / 1e6).toFixed(1)} MP), over the ${(maxPixels / 1e6).toFixed(1)} MP limit; it was not decoded`,
      { file: name, width, height, maxPixels },
    );
  }

  let pipeline = open().rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
  if (options.maxSide && Math.max(width, height) > options.maxSide) {
    pipeline = pipeline.resize(options.maxSide, options.maxSide, { fit: 'inside', kernel: 'cubic', withoutEnlargement: true });
  }
  let out: { data: Buffer; info: sharp.OutputInfo };
  try {
    out = await pipeline.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw badFile(name, err);
  }
  const { info, data } = out;
  if (info.channels !== 3) {
    throw new WorkerError('Internal', `${label(name)}: expected 3 channels after normalising, got ${info.channels}`, { file: name });
  }
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    source: {
      name,
      format: meta.format ?? 'unknown',
      width,
      height,
      channels: meta.channels ?? 0,
      hasAlpha: meta.hasAlpha ?? false,
      depth: meta.depth ?? 'unknown',
      orientation: meta.orientation,
    },
  };
}

function label(name: string): string {
  return name === '<buffer>' ? 'image buffer' : `image ${name}`;
}

function badFile(name: string, err: unknown): WorkerError {
  const why = err instanceof Error ? err.message.trim() : String(err);
  return new WorkerError('BadInput', `${label(name)} could not be decoded (${basename(name)} is truncated, corrupt or not an image): ${why}`, {
    file: name,
    reason: why,
  });
}
