import { describe, expect, it } from 'vitest';
import { analyseImage } from '../../../workers/analysis/analyse-image.ts';
import { decodeImage } from '../../../workers/analysis/decode-image.ts';
import { mergePalettes } from '../../../workers/analysis/palette.ts';
import { image, PHOTOS } from './images.ts';

describe('palette', () => {
  it.each(PHOTOS)('%s: identical across runs, k colours, weights sum to 1', async (name) => {
    const a = analyseImage(await decodeImage(image(name)));
    const b = analyseImage(await decodeImage(image(name)));
    expect(b.palette).toEqual(a.palette);
    expect(a.palette).toHaveLength(6);
    expect(a.palette.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
    for (const c of a.palette) {
      expect(c.hex).toMatch(/^#[0-9a-f]{6}$/);
      expect(c.name.length).toBeGreaterThan(2);
    }
    // Sorted by weight.
    expect([...a.palette].sort((x, y) => y.weight - x.weight)).toEqual(a.palette);
  });

  it('honours k and finds the two colours of a two-colour image', async () => {
    const data = new Uint8Array(40 * 40 * 3);
    for (let i = 0; i < 40 * 40; i++) { const left = i % 40 < 10; data.set(left ? [250, 10, 10] : [10, 10, 120], i * 3); }
    const a = analyseImage({ width: 40, height: 40, data }, { k: 4 });
    expect(a.palette.map((c) => c.name)).toEqual(['navy', 'red']);
    expect(a.palette[0]?.weight).toBeCloseTo(0.75, 6);
    expect(analyseImage(await decodeImage(image('coffee.png')), { k: 3 }).palette).toHaveLength(3);
  });

  it('merging one palette returns it unchanged', async () => {
    const a = analyseImage(await decodeImage(image('chelsea.png')));
    const merged = mergePalettes([a.palette]);
    expect(merged.map((c) => c.lab)).toEqual(a.palette.map((c) => c.lab));
    expect(merged.map((c) => c.weight)).toEqual(a.palette.map((c) => c.weight));
  });
});
