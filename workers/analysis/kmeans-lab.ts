import { mulberry32 } from './prng.ts';

/** Weighted colour samples in Lab: lab = [L0,a0,b0, L1,a1,b1, ...], one weight per sample. */
export interface WeightedLab {
  lab: Float64Array;
  weight: Float64Array;
}

export interface Cluster {
  lab: [number, number, number];
  /** Share of the total weight, 0–1. */
  weight: number;
}

export interface KMeansOptions {
  k: number;
  seed?: number;
  maxIterations?: number;
}

/**
 * Weighted k-means in Lab with k-means++ seeding from a fixed-seed PRNG, so the same input
 * always yields the same clusters. Euclidean Lab (ΔE76) is used inside the loop because
 * centroids must be means; ΔE2000 is used later to compare finished palettes.
 * Returns clusters sorted by weight (desc), ties by lightness, empty clusters dropped.
 */
export function kmeansLab(points: WeightedLab, options: KMeansOptions): Cluster[] {
  const n = points.weight.length;
  const { lab, weight } = points;
  let total = 0;
  for (let i = 0; i < n; i++) total += weight[i] ?? 0;
  if (n === 0 || total <= 0) return [];
  const k = Math.max(1, Math.min(options.k, n));
  const rand = mulberry32(options.seed ?? 0x5eed);
  const centres = seedPlusPlus(lab, weight, n, k, total, rand);
  const kk = centres.length / 3;
  const assign = new Int32Array(n).fill(-1);
  const sums = new Float64Array(kk * 4);
  const maxIter = options.maxIterations ?? 50;

  for (let iter = 0; iter < maxIter; iter++) {
    let changed = 0;
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const L = lab[i * 3] ?? 0, A = lab[i * 3 + 1] ?? 0, B = lab[i * 3 + 2] ?? 0;
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < kk; c++) {
        const dl = L - (centres[c * 3] ?? 0), da = A - (centres[c * 3 + 1] ?? 0), db = B - (centres[c * 3 + 2] ?? 0);
        const d = dl * dl + da * da + db * db;
        if (d < bestD) { bestD = d; best = c; }
      }
      if (assign[i] !== best) { assign[i] = best; changed++; }
      const w = weight[i] ?? 0;
      sums[best * 4] = (sums[best * 4] ?? 0) + L * w;
      sums[best * 4 + 1] = (sums[best * 4 + 1] ?? 0) + A * w;
      sums[best * 4 + 2] = (sums[best * 4 + 2] ?? 0) + B * w;
      sums[best * 4 + 3] = (sums[best * 4 + 3] ?? 0) + w;
    }
    for (let c = 0; c < kk; c++) {
      const w = sums[c * 4 + 3] ?? 0;
      if (w > 0) {
        centres[c * 3] = (sums[c * 4] ?? 0) / w;
        centres[c * 3 + 1] = (sums[c * 4 + 1] ?? 0) / w;
        centres[c * 3 + 2] = (sums[c * 4 + 2] ?? 0) / w;
      }
    }
    if (changed === 0) break;
  }

  const out: Cluster[] = [];
  for (let c = 0; c < kk; c++) {
    const w = sums[c * 4 + 3] ?? 0;
    if (w <= 0) continue;
    out.push({ lab: [centres[c * 3] ?? 0, centres[c * 3 + 1] ?? 0, centres[c * 3 + 2] ?? 0], weight: w / total });
  }
  out.sort((a, b) => b.weight - a.weight || b.lab[0] - a.lab[0]);
  return out;
}

/** k-means++: first centre by weight, each next by weight × squared distance to the nearest. */
function seedPlusPlus(lab: Float64Array, weight: Float64Array, n: number, k: number, total: number, rand: () => number): Float64Array {
  const centres: number[] = [];
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = sample(weight, n, total, rand);
  for (let c = 0; c < k; c++) {
    centres.push(lab[pick * 3] ?? 0, lab[pick * 3 + 1] ?? 0, lab[pick * 3 + 2] ?? 0);
    if (c === k - 1) break;
    const cl = lab[pick * 3] ?? 0, ca = lab[pick * 3 + 1] ?? 0, cb = lab[pick * 3 + 2] ?? 0;
    const score = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const dl = (lab[i * 3] ?? 0) - cl, da = (lab[i * 3 + 1] ?? 0) - ca, db = (lab[i * 3 + 2] ?? 0) - cb;
      const d = Math.min(nearest[i] ?? Infinity, dl * dl + da * da + db * db);
      nearest[i] = d;
      const s = d * (weight[i] ?? 0);
      score[i] = s;
      sum += s;
    }
    // Every remaining sample coincides with a centre: fewer distinct colours than k.
    if (sum <= 1e-12) break;
    pick = sample(score, n, sum, rand);
  }
  return Float64Array.from(centres);
}

function sample(w: Float64Array, n: number, total: number, rand: () => number): number {
  let r = rand() * total;
  for (let i = 0; i < n; i++) {
    r -= w[i] ?? 0;
    if (r <= 0 && (w[i] ?? 0) > 0) return i;
  }
  for (let i = n - 1; i >= 0; i--) if ((w[i] ?? 0) > 0) return i;
  return 0;
}
