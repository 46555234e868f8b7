import sharp from 'sharp';

/**
 * 16×16 average hash (256 bits) of an image's luminance. Near-duplicates — the same picture
 * resized, re-compressed or slightly retouched — land within a few bits; an 8×8 hash was too
 * coarse for flat illustrations that share a palette and layout.
 */
export const AHASH_SIDE = 16;
export const NEAR_DUPLICATE_BITS = 12; // ≈5% of 256 bits

export async function averageHash(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const grey = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .greyscale()
    .resize(AHASH_SIDE, AHASH_SIDE, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
  let sum = 0;
  for (const v of grey) sum += v;
  const mean = sum / grey.length;
  const bits = new Uint8Array((AHASH_SIDE * AHASH_SIDE) / 8);
  for (let i = 0; i < grey.length; i++) if ((grey[i] ?? 0) > mean) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = (a[i] ?? 0) ^ (b[i] ?? 0);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
