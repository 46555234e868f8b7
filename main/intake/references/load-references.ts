import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../core/app-error.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import { averageHash, hammingDistance, NEAR_DUPLICATE_BITS } from './average-hash.ts';

export const MIN_REFERENCES = 1;
export const MAX_REFERENCES = 5;
export const MIN_SIDE = 256;
export const MAX_SIDE = 8192;
/** Checked from the header before decoding, so a decompression bomb never allocates. */
export const MAX_PIXELS = 40_000_000;
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const FORMATS = new Set(['png', 'jpeg', 'webp']);
export const REFERENCE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export interface LoadedReference {
  file: string;
  name: string;
  format: 'png' | 'jpeg' | 'webp';
  /** Upright size (EXIF orientation applied). */
  width: number;
  height: number;
  /** sha256 of the decoded upright RGB pixels: equal for the same picture in any container. */
  pixelSha256: string;
  /** 16×16 average hash for near-duplicate detection. */
  aHash: Uint8Array;
  /** Upright, metadata-free PNG (EXIF/GPS/ICC dropped) — what gets stored with a profile. */
  png: Buffer;
  rgb: RgbImage;
}

export interface ReferenceIssue {
  file: string;
  message: string;
}

export interface LoadReferencesResult {
  references: LoadedReference[];
  errors: ReferenceIssue[];
  warnings: ReferenceIssue[];
}

/**
 * Decodes and checks 1–5 reference images. A bad file is reported by name and left out;
 * exact duplicates (same decoded pixels) are dropped, near-duplicates kept with a warning
 * (they bias the profile towards one picture).
 */
export async function loadReferences(files: readonly string[]): Promise<LoadReferencesResult> {
  if (files.length < MIN_REFERENCES) throw new AppError('BadInput', `no reference images: give ${MIN_REFERENCES}–${MAX_REFERENCES} PNG, JPEG or WebP files`);
  if (files.length > MAX_REFERENCES) {
    throw new AppError('BadInput', `${files.length} reference images given; use at most ${MAX_REFERENCES} (the most representative ones)`, { count: files.length });
  }
  const references: LoadedReference[] = [];
  const errors: ReferenceIssue[] = [];
  const warnings: ReferenceIssue[] = [];
  for (const file of files) {
    try {
      const ref = await loadReference(file);
      const same = references.find((r) => r.pixelSha256 === ref.pixelSha256);
      if (same) {
        warnings.push({ file, message: `${basename(file)} is an exact duplicate of ${same.name}; ignored` });
        continue;
      }
      const near = references.find((r) => hammingDistance(r.aHash, ref.aHash) <= NEAR_DUPLICATE_BITS);
      if (near) warnings.push({ file, message: `${basename(file)} is nearly identical to ${near.name}; near-duplicates give that picture extra weight` });
      references.push(ref);
    } catch (err) {
      errors.push({ file, message: err instanceof AppError ? err.message : `${basename(file)}: ${(err as Error).message}` });
    }
  }
  return { references, errors, warnings };
}

/** Lists the images in a references folder (sorted by name) and loads them. */
export async function loadReferenceDir(dir: string): Promise<LoadReferencesResult> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch {
    throw new AppError('NotFound', `reference folder not found: ${dir}`, { file: dir });
  }
  const images = entries.filter((e) => REFERENCE_EXTENSIONS.has(extname(e).toLowerCase()) && !e.startsWith('.'));
  const ignored = entries.filter((e) => !images.includes(e) && !e.startsWith('.'));
  const result = await loadReferences(images.map((e) => join(dir, e)));
  for (const e of ignored) result.warnings.push({ file: join(dir, e), message: `${e} is not a PNG, JPEG or WebP image; ignored` });
  return result;
}

export async function loadReference(file: string): Promise<LoadedReference> {
  const name = basename(file);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new AppError('NotFound', `${name}: file not found (${file})`, { file });
  if (info.size > MAX_FILE_BYTES) throw new AppError('BadInput', `${name}: ${Math.round(info.size / 1e6)} MB is larger than the ${MAX_FILE_BYTES / 1e6} MB limit`, { file });
  const bytes = await readFile(file);
  let meta: sharp.Metadata;
  try {
    // Header only: nothing is decoded yet.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    const message = (err as Error).message;
    if (/unsupported image format/i.test(message)) throw new AppError('BadInput', `${name}: not a PNG, JPEG or WebP image`, { file });
    throw new AppError('BadInput', `${name}: the image header could not be read (${message}); is the file complete?`, { file });
  }
  if (!meta.format || !FORMATS.has(meta.format)) {
    throw new AppError('BadInput', `${name}: not a PNG, JPEG or WebP image${meta.format ? ` (it is ${meta.format})` : ''}`, { file });
  }
  const rotated = (meta.orientation ?? 1) >= 5;
  const width = rotated ? (meta.height ?? 0) : (meta.width ?? 0);
  const height = rotated ? (meta.width ?? 0) : (meta.height ?? 0);
  if (width * height > MAX_PIXELS) {
    throw new AppError('BadInput', `${name}: ${width}×${height} has more than ${MAX_PIXELS / 1e6} megapixels; downscale it first`, { file });
  }
  if (Math.max(width, height) > MAX_SIDE) throw new AppError('BadInput', `${name}: ${width}×${height} is larger than ${MAX_SIDE} px on a side`, { file });
  if (Math.min(width, height) < MIN_SIDE) {
    throw new AppError('BadInput', `${name}: ${width}×${height} is too small; the shortest side must be at least ${MIN_SIDE} px`, { file });
  }
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    raw = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate() // apply EXIF orientation
      .flatten({ background: '#ffffff' }) // transparent areas read as white paper, as designers expect
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new AppError('BadInput', `${name}: the image could not be decoded (${(err as Error).message}); is the file complete?`, { file });
  }
  const data = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength);
  const rgb: RgbImage = { width: raw.info.width, height: raw.info.height, data };
  const png = await sharp(raw.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } }).png().toBuffer(); // no withMetadata(): strips EXIF
  return {
    file,
    name,
    format: meta.format as LoadedReference['format'],
    width: rgb.width,
    height: rgb.height,
    pixelSha256: createHash('sha256').update(raw.data).digest('hex'),
    aHash: await averageHash(data, rgb.width, rgb.height),
    png,
    rgb,
  };
}
