import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseImage } from '../../../workers/analysis/analyse-image.ts';
import { textureDistance } from '../../../workers/analysis/compare.ts';
import { decodeImage } from '../../../workers/analysis/decode-image.ts';
import type { ImageAnalysis } from '../../../workers/analysis/types.ts';
import { buildProfile } from '../../../main/dna/build-profile.ts';
import { scoreImage, type StyleScores } from '../../../main/dna/score.ts';
import { image, PHOTOS, TEXTURES } from './images.ts';

const SUBJECTS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'] as const;

async function scoreAgainstSelf(name: string, variant: Buffer | string): Promise<StyleScores> {
  const profile = await buildProfile([{ name, image: await decodeImage(image(name)) }]);
  return scoreImage(await decodeImage(variant), profile);
}

describe('scores on real photos', () => {
  it.each(PHOTOS)('%s against itself scores perfect', async (name) => {
    const s = await scoreAgainstSelf(name, image(name));
    expect(s.colourDistance).toBe(0);
    expect(s.edgeSimilarity).toBeCloseTo(1, 6);
    expect(s.paramsFit).toBe(1);
    expect(s.styleScore).toBeCloseTo(1, 6);
    expect(s.clipSimilarity).toBeNull();
    expect(s.clipUnavailable).toMatch(/CLIP/);
    expect(s.pass.overall).toBe(true);
  });

  it.each(SUBJECTS)('%s: a hue shift moves colour a lot and edges little; a blur the reverse', async (name) => {
    const path = image(name);
    const self = await scoreAgainstSelf(name, path);
    const hue = await scoreAgainstSelf(name, await sharp(path).modulate({ hue: 180 }).png().toBuffer());
    const blur = await scoreAgainstSelf(name, await sharp(path).blur(3).png().toBuffer());
    // Hue: fails the colour target, edge similarity nearly unchanged.
    expect(hue.colourDistance).toBeGreaterThan(15);
    expect(self.edgeSimilarity - hue.edgeSimilarity).toBeLessThan(0.07);
    // Blur: a large edge drop, colour stays well within target.
    expect(self.edgeSimilarity - blur.edgeSimilarity).toBeGreaterThan(0.2);
    expect(blur.colourDistance).toBeLessThan(6);
    // And each change moves "its" metric far more than the other one does.
    expect(hue.colourDistance).toBeGreaterThan(3 * blur.colourDistance);
    expect(self.edgeSimilarity - blur.edgeSimilarity).toBeGreaterThan(3 * (self.edgeSimilarity - hue.edgeSimilarity));
  });

  it('flags requested dimensions and a blank image', async () => {
    const profile = await buildProfile([{ name: 'coffee', image: await decodeImage(image('coffee.png')) }]);
    const s = await scoreImage(await decodeImage(image('coffee.png')), profile, { requested: { width: 1024, height: 1024 } });
    expect(s.dimensions).toMatchObject({ ok: false, actual: { width: 600, height: 400 } });
    expect(s.pass.dimensions).toBe(false);
    expect(s.pass.overall).toBe(false);
    const blank = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const b = await scoreImage(await decodeImage(blank), profile);
    expect(b.artifacts.blank).toBe(true);
    expect(b.artifacts.nearUniform).toBe(true);
    expect(b.pass.artifacts).toBe(false);
    const white = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect((await scoreImage(await decodeImage(white), profile)).artifacts).toMatchObject({ clipped: true, clippedShare: 1 });
  });
});

describe('texture measures', () => {
  const analyses = new Map<string, ImageAnalysis>();
  beforeAll(async () => {
    for (const n of [...PHOTOS, ...TEXTURES]) analyses.set(n, analyseImage(await decodeImage(image(n))));
  });
  const tex = (a: string, b: string): number => textureDistance(analyses.get(a)!.texture, analyses.get(b)!.texture);
  const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;

  it.each(TEXTURES)('%s is closer to the other textures than to the photos', (t) => {
    const toTextures = mean(TEXTURES.filter((o) => o !== t).map((o) => tex(t, o)));
    const toPhotos = mean(PHOTOS.map((p) => tex(t, p)));
    expect(toTextures).toBeLessThan(toPhotos);
  });

  it('textures are stationary (uniform edge energy) and photos are not', () => {
    const minTexture = Math.min(...TEXTURES.map((t) => analyses.get(t)!.texture.uniformity));
    const maxPhoto = Math.max(...PHOTOS.map((p) => analyses.get(p)!.texture.uniformity));
    expect(minTexture).toBeGreaterThan(maxPhoto);
  });

  it('describes the photos plausibly', () => {
    const rocket = analyses.get('rocket.jpg')!;
    expect(rocket.lighting.key).toBe('low');
    expect(rocket.lighting.temperatureLabel).toBe('cool');
    expect(rocket.composition.negativeSpace).toBeGreaterThan(0.3);
    const coffee = analyses.get('coffee.png')!;
    expect(coffee.lighting.temperatureLabel).toBe('warm');
    expect(analyses.get('grass.png')!.lighting.saturation).toBe(0);
    // Brick courses are horizontal and vertical: orientation energy peaks at 0°/180°.
    const brick = analyses.get('brick.png')!.texture.orientationHist;
    expect((brick[0] ?? 0) + (brick[brick.length - 1] ?? 0)).toBeGreaterThan(0.5);
  });
});
