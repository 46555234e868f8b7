import { labToSrgb, rgbToHex, srgbToLab, SRGB_TO_LINEAR, linearRgbToLab } from './colour-space.ts';
import { colourName } from './colour-names.ts';
import { kmeansLab, type WeightedLab } from './kmeans-lab.ts';
import type { PixelStats } from './pixel-stats.ts';
import type { PaletteColour } from './types.ts';

export const DEFAULT_PALETTE_SIZE = 6;
export const PALETTE_SEED = 0x5eed;

/** The non-empty histogram bins as weighted Lab samples (weight = pixel share). */
export function binsToLab(stats: Pick<PixelStats, 'binCount' | 'binSum'>): WeightedLab {
  const { binCount, binSum } = stats;
  let used = 0, total = 0;
  for (let i = 0; i < binCount.length; i++) if ((binCount[i] ?? 0) > 0) { used++; total += binCount[i] ?? 0; }
  const lab = new Float64Array(used * 3);
  const weight = new Float64Array(used);
  let j = 0;
  for (let i = 0; i < binCount.length; i++) {
    const c = binCount[i] ?? 0;
    if (c === 0) continue;
    // Mean colour in LINEAR light, then to Lab: averaging gamma values would darken mixtures.
    const lr = (SRGB_TO_LINEAR[Math.round((binSum[i * 3] ?? 0) / c)] ?? 0);
    const lg = (SRGB_TO_LINEAR[Math.round((binSum[i * 3 + 1] ?? 0) / c)] ?? 0);
    const lb = (SRGB_TO_LINEAR[Math.round((binSum[i * 3 + 2] ?? 0) / c)] ?? 0);
    const [L, A, B] = linearRgbToLab(lr, lg, lb);
    lab[j * 3] = L; lab[j * 3 + 1] = A; lab[j * 3 + 2] = B;
    weight[j] = c / total;
    j++;
  }
  return { lab, weight };
}

/** Clusters weighted Lab samples into a named, weighted palette (deterministic: fixed seed). */
export function paletteFromSamples(samples: WeightedLab, k = DEFAULT_PALETTE_SIZE): PaletteColour[] {
  return kmeansLab(samples, { k, seed: PALETTE_SEED }).map((c) => ({
    hex: rgbToHex(labToSrgb(c.lab)),
    lab: [round(c.lab[0]), round(c.lab[1]), round(c.lab[2])],
    weight: c.weight,
    name: colourName(c.lab),
  }));
}

/** Merges several palettes (each weighted equally) into one of k colours: the profile palette. */
export function mergePalettes(palettes: readonly PaletteColour[][], k = DEFAULT_PALETTE_SIZE): PaletteColour[] {
  const all = palettes.flatMap((p) => p.map((c) => ({ c, w: c.weight / palettes.length })));
  const lab = new Float64Array(all.length * 3);
  const weight = new Float64Array(all.length);
  all.forEach(({ c, w }, i) => { lab.set(c.lab, i * 3); weight[i] = w; });
  return paletteFromSamples({ lab, weight }, k);
}

/** Palette entry from a user edit (hex + weight); Lab and name are derived. */
export function paletteColourFromHex(hex: string, weight: number, rgb: [number, number, number]): PaletteColour {
  const lab = srgbToLab(rgb[0], rgb[1], rgb[2]);
  return { hex: hex.toLowerCase(), lab: [round(lab[0]), round(lab[1]), round(lab[2])], weight, name: colourName(lab) };
}

// 4 decimals keeps JSON small and makes stored and freshly computed palettes compare equal.
function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
