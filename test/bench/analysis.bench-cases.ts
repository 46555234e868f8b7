import { resolve } from 'node:path';
import sharp from 'sharp';
import { analyseImage } from '../../workers/analysis/analyse-image.ts';
import { decodeImage } from '../../workers/analysis/decode-image.ts';
import { buildProfile } from '../../main/dna/build-profile.ts';
import { scoreAnalysis } from '../../main/dna/score.ts';

interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export const cases: BenchCase[] = [
  {
    name: 'analysis: all non-CLIP metrics of a 1024×1024 image',
    baseline: 'sharp decoding the same 1024×1024 PNG to raw RGB (sharp.concurrency(1), one core)',
    async run() {
      const png = await sharp(resolve(process.cwd(), '../shared/data/images/astronaut.png')).resize(1024, 1024, { kernel: 'lanczos3' }).png().toBuffer();
      const previous = sharp.concurrency();
      sharp.concurrency(1); // per-core comparison: libvips may not use the other cores
      try {
        const profile = await buildProfile([{ name: 'coffee', image: await decodeImage(resolve(process.cwd(), '../shared/data/images/coffee.png')) }]);
        const decodeMs: number[] = [];
        const metricsMs: number[] = [];
        const image = await decodeImage(png);
        for (let i = 0; i < 12; i++) {
          let t = performance.now();
          await sharp(png).raw().toBuffer();
          decodeMs.push(performance.now() - t);
          t = performance.now();
          scoreAnalysis(analyseImage(image), null, profile);
          metricsMs.push(performance.now() - t);
        }
        // The first rounds warm the JIT and libvips caches.
        const d = median(decodeMs.slice(2));
        const m = median(metricsMs.slice(2));
        return {
          figures: { decodeMs: d, metricsMs: m, metricsOverDecode: m / d },
          notes: 'metrics = downscale to 512 + palette (k-means) + lighting + composition + texture + artifacts + scoring against a profile; goal ≤ 2× decode',
        };
      } finally {
        sharp.concurrency(previous);
      }
    },
  },
];
