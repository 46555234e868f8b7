import { describe, expect, it } from 'vitest';
import { createScoringMatrix, dotScores } from '../../../main/library/dot-scores.ts';

function fill(m: Float32Array, seed: number): void {
  let s = seed;
  for (let i = 0; i < m.length; i++) m[i] = ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
}

describe('scoring matrix', () => {
  it('the WebAssembly SIMD kernel agrees with the JS loop (768-d)', () => {
    const sm = createScoringMatrix(257, 768);
    expect(sm.simd).toBe(true); // Node 20 has wasm SIMD; the fallback is tested below
    fill(sm.matrix, 3);
    const q = new Float32Array(768);
    fill(q, 11);
    const expected = new Float32Array(257);
    dotScores(sm.matrix, 768, q, expected);
    const got = sm.score(q);
    for (let i = 0; i < 257; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
    // Scores are a copy: a second query does not overwrite the first result.
    const again = sm.score(new Float32Array(768));
    expect(got[0]).toBeCloseTo(expected[0]!, 4);
    expect(again.every((x) => x === 0)).toBe(true);
  });

  it('falls back to JS for dims that are not a multiple of 16, or on request', () => {
    for (const [rows, dim, simd] of [[10, 20, undefined], [5, 32, false]] as const) {
      const sm = createScoringMatrix(rows, dim, simd === false ? { simd: false } : {});
      expect(sm.simd).toBe(false);
      fill(sm.matrix, 5);
      const q = new Float32Array(dim).fill(1);
      const got = sm.score(q);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += sm.matrix[r * dim + j]!;
        expect(got[r]).toBeCloseTo(s, 4);
      }
    }
  });

  it('handles an empty matrix', () => {
    expect(createScoringMatrix(0, 768).score(new Float32Array(768))).toHaveLength(0);
  });
});
