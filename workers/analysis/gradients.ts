import type { CompositionMetrics, TextureMetrics } from './types.ts';

export const ORIENTATION_BINS = 12;
/** Sobel magnitude (normalised so a step of h in luma reads ≈ h) counted as an edge. */
export const EDGE_THRESHOLD = 0.08;
/** Upper edges of the magnitude bands; the last band is open. Log-spaced: blur moves mass down. */
export const MAGNITUDE_EDGES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32] as const;
/** Below this, a gradient's orientation is noise and is not counted. */
const ORIENTATION_MIN = 0.02;
/** Composition grid (cells per side) for negative space. */
const GRID = 16;
/** A grid cell whose mean gradient is below this is "empty" (negative space). */
const CALM_CELL = 0.02;

export interface GradientResult {
  texture: TextureMetrics;
  composition: Pick<CompositionMetrics, 'thirdsEnergy' | 'massX' | 'massY' | 'negativeSpace'>;
}

/**
 * One Sobel pass over the luma plane gathers texture (edge density, orientation and magnitude
 * histograms) and the edge-energy-based composition measures (thirds, visual mass, negative
 * space), so the plane is read once. Border pixels are skipped (no padding artefacts).
 */
export function gradientPass(luma: Float32Array, width: number, height: number): GradientResult {
  const orient = new Float64Array(ORIENTATION_BINS);
  const mags = new Float64Array(MAGNITUDE_EDGES.length + 1);
  const cellEnergy = new Float64Array(GRID * GRID);
  const cellCount = new Float64Array(GRID * GRID);
  // Rule-of-thirds weight per column/row: a separable Gaussian around 1/3 and 2/3.
  const tx = thirdsProfile(width);
  const ty = thirdsProfile(height);
  let edges = 0, sumMag = 0, count = 0, massX = 0, massY = 0, thirds = 0;
  const binScale = ORIENTATION_BINS / Math.PI;
  for (let y = 1; y < height - 1; y++) {
    const cy = Math.min(GRID - 1, Math.floor((y * GRID) / height));
    const wy = ty[y] ?? 0;
    const up = (y - 1) * width, mid = y * width, dn = (y + 1) * width;
    for (let x = 1; x < width - 1; x++) {
      const a = luma[up + x - 1] ?? 0, b = luma[up + x] ?? 0, c = luma[up + x + 1] ?? 0;
      const d = luma[mid + x - 1] ?? 0, f = luma[mid + x + 1] ?? 0;
      const g = luma[dn + x - 1] ?? 0, h = luma[dn + x] ?? 0, i = luma[dn + x + 1] ?? 0;
      const gx = (c + 2 * f + i - a - 2 * d - g) * 0.25;
      const gy = (g + 2 * h + i - a - 2 * b - c) * 0.25;
      const m = Math.sqrt(gx * gx + gy * gy);
      sumMag += m;
      count++;
      if (m > EDGE_THRESHOLD) edges++;
      let band = 0;
      while (band < MAGNITUDE_EDGES.length && m >= (MAGNITUDE_EDGES[band] ?? Infinity)) band++;
      mags[band] = (mags[band] ?? 0) + 1;
      if (m > ORIENTATION_MIN) {
        let ang = Math.atan2(gy, gx);
        if (ang < 0) ang += Math.PI;
        let bin = Math.floor(ang * binScale);
        if (bin >= ORIENTATION_BINS) bin = 0; // ang == π is the same orientation as 0
        orient[bin] = (orient[bin] ?? 0) + m;
      }
      massX += m * x;
      massY += m * y;
      // Product of the two 1-D bumps = a 2-D Gaussian around the nearest power point.
      thirds += m * (tx[x] ?? 0) * wy;
      const cell = cy * GRID + Math.min(GRID - 1, Math.floor((x * GRID) / width));
      cellEnergy[cell] = (cellEnergy[cell] ?? 0) + m;
      cellCount[cell] = (cellCount[cell] ?? 0) + 1;
    }
  }
  let calm = 0, cells = 0;
  for (let c = 0; c < GRID * GRID; c++) {
    const n = cellCount[c] ?? 0;
    if (n === 0) continue;
    cells++;
    if ((cellEnergy[c] ?? 0) / n < CALM_CELL) calm++;
  }
  const orientSum = orient.reduce((s, v) => s + v, 0);
  // Uniformity: how evenly edge energy spreads over the grid (1 / (1 + coefficient of
  // variation)). A texture (brick, grass) is stationary; a photo has a subject and calm areas.
  let cm = 0, cm2 = 0;
  for (let c = 0; c < GRID * GRID; c++) {
    const e = (cellCount[c] ?? 0) > 0 ? (cellEnergy[c] ?? 0) / (cellCount[c] ?? 1) : 0;
    cm += e; cm2 += e * e;
  }
  cm /= GRID * GRID;
  const cv = cm > 0 ? Math.sqrt(Math.max(0, cm2 / (GRID * GRID) - cm * cm)) / cm : 0;
  const n = Math.max(1, count);
  return {
    texture: {
      edgeDensity: edges / n,
      meanGradient: sumMag / n,
      uniformity: 1 / (1 + cv),
      // No edges at all: a flat orientation histogram ("no preferred direction").
      orientationHist: Array.from(orient, (v) => (orientSum > 0 ? v / orientSum : 1 / ORIENTATION_BINS)),
      magnitudeHist: Array.from(mags, (v) => v / n),
    },
    composition: {
      thirdsEnergy: sumMag > 0 ? thirds / sumMag : 0,
      massX: sumMag > 0 ? massX / sumMag / Math.max(1, width - 1) : 0.5,
      massY: sumMag > 0 ? massY / sumMag / Math.max(1, height - 1) : 0.5,
      negativeSpace: cells > 0 ? calm / cells : 0,
    },
  };
}

/** Gaussian bumps (σ = 1/12 of the side) centred on the 1/3 and 2/3 lines, peak 1. */
function thirdsProfile(size: number): Float32Array {
  const out = new Float32Array(size);
  const s = 1 / 12;
  for (let i = 0; i < size; i++) {
    const u = size > 1 ? i / (size - 1) : 0.5;
    const d = Math.min(Math.abs(u - 1 / 3), Math.abs(u - 2 / 3));
    out[i] = Math.exp(-(d * d) / (2 * s * s));
  }
  return out;
}
