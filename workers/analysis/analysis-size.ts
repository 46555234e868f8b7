import type { RgbImage } from '../image/rgb-image.ts';

/**
 * Every metric is computed at one analysis size (longest side 512 by default, never
 * enlarged). Edge density, gradient magnitudes and texture depend on scale: the same artwork
 * at 1024 px and at 512 px has different per-pixel gradients. Comparing a 1024² generation
 * with a 3000 px reference photo only makes sense at a common scale, and it also keeps
 * analysis cost fixed (≈262k pixels) whatever the input size.
 */
export const DEFAULT_ANALYSIS_SIDE = 512;

/** Area-average (box) downscale so the longest side is ≤ maxSide; returns the input if already small. */
export function toAnalysisSize(image: RgbImage, maxSide = DEFAULT_ANALYSIS_SIDE): RgbImage {
  const { width: w, height: h } = image;
  const longest = Math.max(w, h);
  if (longest <= maxSide) return image;
  // Integer ratios (1024 → 512, 2048 → 512: every SDXL size) take a plain f×f box average.
  if (w % maxSide === 0 && h % (w / maxSide) === 0 && w >= h) return boxDownscale(image, w / maxSide);
  if (h % maxSide === 0 && w % (h / maxSide) === 0 && h > w) return boxDownscale(image, h / maxSide);
  const scale = maxSide / longest;
  const ow = Math.max(1, Math.round(w * scale));
  const oh = Math.max(1, Math.round(h * scale));
  // Separable area average: rows first into a float buffer, then columns.
  const xs = coverage(w, ow);
  const tmp = new Float32Array(ow * h * 3);
  const src = image.data;
  for (let y = 0; y < h; y++) {
    const rowIn = y * w * 3;
    const rowOut = y * ow * 3;
    for (let ox = 0; ox < ow; ox++) {
      let r = 0, g = 0, b = 0;
      const start = xs.start[ox] ?? 0, end = xs.end[ox] ?? 0;
      for (let j = start; j < end; j++) {
        const wt = xs.weight[j] ?? 0;
        const p = rowIn + (xs.index[j] ?? 0) * 3;
        r += (src[p] ?? 0) * wt; g += (src[p + 1] ?? 0) * wt; b += (src[p + 2] ?? 0) * wt;
      }
      tmp[rowOut + ox * 3] = r; tmp[rowOut + ox * 3 + 1] = g; tmp[rowOut + ox * 3 + 2] = b;
    }
  }
  const ys = coverage(h, oh);
  const out = new Uint8Array(ow * oh * 3);
  const acc = new Float32Array(ow * 3);
  for (let oy = 0; oy < oh; oy++) {
    acc.fill(0);
    const start = ys.start[oy] ?? 0, end = ys.end[oy] ?? 0;
    for (let j = start; j < end; j++) {
      const wt = ys.weight[j] ?? 0;
      const row = (ys.index[j] ?? 0) * ow * 3;
      for (let i = 0; i < ow * 3; i++) acc[i] = (acc[i] ?? 0) + (tmp[row + i] ?? 0) * wt;
    }
    const o = oy * ow * 3;
    for (let i = 0; i < ow * 3; i++) out[o + i] = Math.round(acc[i] ?? 0);
  }
  return { width: ow, height: oh, data: out };
}

function boxDownscale(image: RgbImage, f: number): RgbImage {
  const { width: w, data: src } = image;
  const ow = Math.floor(w / f);
  const oh = Math.floor(image.height / f);
  const out = new Uint8Array(ow * oh * 3);
  const acc = new Uint32Array(ow * 3);
  const area = f * f;
  const half = area >> 1;
  for (let oy = 0; oy < oh; oy++) {
    acc.fill(0);
    for (let dy = 0; dy < f; dy++) {
      let p = (oy * f + dy) * w * 3;
      for (let ox = 0; ox < ow; ox++) {
        let r = 0, g = 0, b = 0;
        for (let dx = 0; dx < f; dx++, p += 3) { r += src[p]!; g += src[p + 1]!; b += src[p + 2]!; }
        const o = ox * 3;
        acc[o] = acc[o]! + r; acc[o + 1] = acc[o + 1]! + g; acc[o + 2] = acc[o + 2]! + b;
      }
    }
    const row = oy * ow * 3;
    for (let i = 0; i < ow * 3; i++) out[row + i] = ((acc[i]! + half) / area) | 0;
  }
  return { width: ow, height: oh, data: out };
}

/** For each output sample, the input samples it covers and their normalised overlap weights. */
function coverage(inSize: number, outSize: number): { start: Int32Array; end: Int32Array; index: Int32Array; weight: Float32Array } {
  const ratio = inSize / outSize;
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  const index: number[] = [];
  const weight: number[] = [];
  for (let o = 0; o < outSize; o++) {
    const a = o * ratio;
    const b = Math.min(inSize, (o + 1) * ratio);
    start[o] = index.length;
    for (let i = Math.floor(a); i < Math.ceil(b); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 1e-9) { index.push(i); weight.push(overlap / (b - a)); }
    }
    end[o] = index.length;
  }
  return { start, end, index: Int32Array.from(index), weight: Float32Array.from(weight) };
}
