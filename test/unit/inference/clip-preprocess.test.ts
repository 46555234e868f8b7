import { describe, expect, it } from 'vitest';
import { ClipManifest } from '../../../models/manifest.ts';
import { l2NormalizeRows } from '../../../workers/clip/l2-normalize.ts';
import { preprocessClipImage } from '../../../workers/clip/preprocess-image.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';

const image = ClipManifest.shape.image.parse({});

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { width, height, data };
}

describe('CLIP image preprocessing', () => {
  it('uses the ViT-L/14 constants from REFERENCE.md by default', () => {
    expect(image.size).toBe(224);
    expect(image.mean).toEqual([0.48145466, 0.4578275, 0.40821073]);
    expect(image.std).toEqual([0.26862954, 0.26130258, 0.27577711]);
  });

  it('resizes, crops to size×size CHW and normalises per channel', async () => {
    const rgb: [number, number, number] = [10, 128, 250];
    const out = await preprocessClipImage(solid(300, 200, rgb), image);
    expect(out).toHaveLength(3 * 224 * 224);
    const plane = 224 * 224;
    for (let c = 0; c < 3; c++) {
      const expected = ((rgb[c] ?? 0) / 255 - (image.mean[c] ?? 0)) / (image.std[c] ?? 1);
      // A uniform image stays uniform through any resampling kernel.
      expect(out[c * plane]).toBeCloseTo(expected, 5);
      expect(out[c * plane + plane - 1]).toBeCloseTo(expected, 5);
    }
  });

  it('centre-crops the long side', async () => {
    // Three 100-px bands red | green | blue: a 100×100 centre crop sees only green.
    const img = solid(300, 100, [0, 0, 0]);
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 300; x++) img.data[(y * 300 + x) * 3 + Math.floor(x / 100)] = 255;
    }
    const spec = { size: 100, mean: [0, 0, 0] as const, std: [1, 1, 1] as const };
    const out = await preprocessClipImage(img, spec);
    const plane = 100 * 100;
    expect(Math.max(...out.subarray(0, plane))).toBe(0); // red
    expect(Math.min(...out.subarray(plane, 2 * plane))).toBe(1); // green
    expect(Math.max(...out.subarray(2 * plane))).toBe(0); // blue
  });

  it('keeps the long side at ⌊size·long/short⌋ (torchvision truncation) and stays centred', async () => {
    // 301×100 → 677.25 wide at size 225 → 677; crop offset round((677 − 225)/2) = 226.
    const out = await preprocessClipImage(solid(301, 100, [255, 255, 255]), { size: 225, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(out).toHaveLength(3 * 225 * 225);
    expect(out.reduce((m, v) => Math.min(m, v), Infinity)).toBeCloseTo(1, 5);
  });
});

describe('l2NormalizeRows', () => {
  it('splits a batch into unit rows and leaves zero rows at zero', () => {
    const rows = l2NormalizeRows(Float32Array.from([3, 4, 0, 0]), 2);
    expect([...(rows[0] ?? [])]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect([...(rows[1] ?? [])]).toEqual([0, 0]);
  });
});
