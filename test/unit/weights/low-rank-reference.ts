/** Inputs and the independent plain-maths reference for the low-rank update tests. */

/** Deterministic values in [-1, 1). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C + A·B with plain loops, in float64. */
export function reference(c: ArrayLike<number>, a: Float32Array, b: Float32Array, rows: number, cols: number, rank: number): Float64Array {
  const out = Float64Array.from(c);
  for (let o = 0; o < rows; o++) for (let j = 0; j < cols; j++) for (let r = 0; r < rank; r++) out[o * cols + j]! += a[o * rank + r]! * b[r * cols + j]!;
  return out;
}
