import type { RgbImage } from '../image/rgb-image.ts';

/** 4 bits per channel: 4096 colour bins. Each bin keeps its pixels' mean colour, so palette
 * precision is not limited to the bin grid while k-means runs on ≤ 4096 samples, not pixels. */
export const BIN_BITS = 4;
const BINS = 1 << (BIN_BITS * 3);
const SHIFT = 8 - BIN_BITS;

/** Everything the single per-pixel pass gathers. */
export interface PixelStats {
  /** Rec.709 luma of gamma-encoded RGB, 0–1, row-major at the analysis size. */
  luma: Float32Array;
  width: number;
  height: number;
  meanLuma: number;
  lumaStd: number;
  meanSaturation: number;
  /** Mean (R − B)/255. */
  warmth: number;
  clippedShadows: number;
  clippedHighlights: number;
  /** Largest per-channel standard deviation (0–255 units), for the blank check. */
  maxChannelStd: number;
  /** Per bin: pixel count and channel sums (for the mean colour). */
  binCount: Uint32Array;
  binSum: Float64Array;
  /** Share of pixels in the 12 most common 6-bit-per-channel colours (flat fills → ≈1). */
  flatness: number;
}

/** One pass over the pixels: luma plane, lighting sums, clipping counts and the colour histogram. */
export function pixelStats(image: RgbImage): PixelStats {
  const { width, height, data } = image;
  const n = width * height;
  const luma = new Float32Array(n);
  const binCount = new Uint32Array(BINS);
  const binSum = new Float64Array(BINS * 3);
  // Fine histogram (6 bits/channel, 1 MB) only for flatness: flat fills hit few exact colours.
  const fine = new Uint32Array(1 << 18);
  let sumL = 0, sumL2 = 0, sumSat = 0, sumWarm = 0, dark = 0, bright = 0;
  let sr = 0, sg = 0, sb = 0, sr2 = 0, sg2 = 0, sb2 = 0;
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = data[p] ?? 0, g = data[p + 1] ?? 0, b = data[p + 2] ?? 0;
    const l = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    luma[i] = l;
    sumL += l; sumL2 += l * l;
    const mx = r > g ? (r > b ? r : b) : g > b ? g : b;
    const mn = r < g ? (r < b ? r : b) : g < b ? g : b;
    if (mx > 0) sumSat += (mx - mn) / mx;
    sumWarm += r - b;
    if (mx <= 2) dark++;
    else if (mn >= 253) bright++;
    sr += r; sg += g; sb += b; sr2 += r * r; sg2 += g * g; sb2 += b * b;
    const bin = ((r >> SHIFT) << (2 * BIN_BITS)) | ((g >> SHIFT) << BIN_BITS) | (b >> SHIFT);
    binCount[bin] = (binCount[bin] ?? 0) + 1;
    binSum[bin * 3] = (binSum[bin * 3] ?? 0) + r;
    binSum[bin * 3 + 1] = (binSum[bin * 3 + 1] ?? 0) + g;
    binSum[bin * 3 + 2] = (binSum[bin * 3 + 2] ?? 0) + b;
    const fb = ((r >> 2) << 12) | ((g >> 2) << 6) | (b >> 2);
    fine[fb] = (fine[fb] ?? 0) + 1;
  }
  const inv = 1 / Math.max(1, n);
  const meanLuma = sumL * inv;
  const std = (s: number, s2: number): number => Math.sqrt(Math.max(0, s2 * inv - (s * inv) ** 2));
  return {
    luma,
    width,
    height,
    meanLuma,
    lumaStd: std(sumL, sumL2),
    meanSaturation: sumSat * inv,
    warmth: (sumWarm * inv) / 255,
    clippedShadows: dark * inv,
    clippedHighlights: bright * inv,
    maxChannelStd: Math.max(std(sr, sr2), std(sg, sg2), std(sb, sb2)),
    binCount,
    binSum,
    flatness: topShare(fine, 12, n),
  };
}

/** Share of `total` held by the `top` largest counts (a tiny sorted insert, no full sort). */
function topShare(counts: Uint32Array, top: number, total: number): number {
  const best: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c === 0 || (best.length === top && c <= (best[top - 1] ?? 0))) continue;
    let j = best.length < top ? best.length : top - 1;
    if (best.length < top) best.push(c);
    while (j > 0 && (best[j - 1] ?? 0) < c) { best[j] = best[j - 1] ?? 0; j--; }
    best[j] = c;
  }
  return total > 0 ? best.reduce((s, v) => s + v, 0) / total : 0;
}
