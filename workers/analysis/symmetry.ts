/** Block grid size for symmetry: compares layout (where the masses are), not pixel texture. */
const GRID = 32;

/**
 * Left–right and top–bottom symmetry: 1 − mean |block − mirrored block| over a 32×32 grid of
 * block-mean luma. 1 = perfect mirror; unrelated halves of a photo typically read 0.75–0.9.
 */
export function symmetry(luma: Float32Array, width: number, height: number): { symmetryLR: number; symmetryTB: number } {
  const gw = Math.min(GRID, width);
  const gh = Math.min(GRID, height);
  const sum = new Float64Array(gw * gh);
  const cnt = new Float64Array(gw * gh);
  for (let y = 0; y < height; y++) {
    const cy = Math.min(gh - 1, Math.floor((y * gh) / height));
    for (let x = 0; x < width; x++) {
      const c = cy * gw + Math.min(gw - 1, Math.floor((x * gw) / width));
      sum[c] = (sum[c] ?? 0) + (luma[y * width + x] ?? 0);
      cnt[c] = (cnt[c] ?? 0) + 1;
    }
  }
  const cell = (x: number, y: number): number => (sum[y * gw + x] ?? 0) / Math.max(1, cnt[y * gw + x] ?? 0);
  let lr = 0, tb = 0;
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      lr += Math.abs(cell(x, y) - cell(gw - 1 - x, y));
      tb += Math.abs(cell(x, y) - cell(x, gh - 1 - y));
    }
  }
  const n = gw * gh;
  return { symmetryLR: 1 - lr / n, symmetryTB: 1 - tb / n };
}
