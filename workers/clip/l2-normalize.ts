/** Splits a [batch, dim] buffer into L2-normalised rows (cosine similarity = dot product). */
export function l2NormalizeRows(data: Float32Array, batch: number): Float32Array[] {
  const dim = data.length / batch;
  const rows: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const row = data.slice(b * dim, (b + 1) * dim);
    let sum = 0;
    for (const v of row) sum += v * v;
    const norm = Math.sqrt(sum);
    // A zero vector stays zero rather than becoming NaN.
    if (norm > 0) for (let i = 0; i < dim; i++) row[i] = (row[i] ?? 0) / norm;
    rows.push(row);
  }
  return rows;
}
