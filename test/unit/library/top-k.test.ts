import { describe, expect, it } from 'vitest';
import { topK } from '../../../main/library/top-k.ts';
import { dotScores } from '../../../main/library/dot-scores.ts';

describe('topK', () => {
  it('matches a full sort on random data, best first', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const scores = Float32Array.from({ length: 5000 }, rand);
    const expected = [...scores].map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s || a.i - b.i).slice(0, 20);
    expect(topK(scores, 20).map((h) => h.index)).toEqual(expected.map((e) => e.i));
  });

  it('honours the accept filter and short inputs', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7]);
    expect(topK(scores, 10, (i) => i !== 1)).toEqual([
      { index: 3, score: scores[3] },
      { index: 2, score: scores[2] },
      { index: 0, score: scores[0] },
    ]);
  });

  it('dotScores handles dims that are not a multiple of 4', () => {
    const m = Float32Array.from([1, 2, 3, 4, 5, 0, 0, 0, 0, 1]);
    const out = new Float32Array(2);
    dotScores(m, 5, Float32Array.from([1, 1, 1, 1, 1]), out);
    expect([...out]).toEqual([15, 1]);
  });
});
