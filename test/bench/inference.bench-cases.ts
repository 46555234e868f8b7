/**
 * Inference bench cases: on tiny random-weight packs by default (CPU, a smoke figure), or on
 * real packs when ASSETQL_BENCH_PACKS names a folder holding pack folders (`npm run bench:gpu`),
 * using the best available execution provider. Every figure is a ratio against a baseline
 * measured in the same run, so numbers from different machines compare.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { MANIFEST_FILE, PackManifest } from '../../models/manifest.ts';
import { createTestPack } from '../../models/test-pack/create-test-pack.ts';
import { ClipPack } from '../../workers/clip/clip-pack.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { detectProviders, resolveProviders } from '../../workers/onnx/providers.ts';
import { readPack } from '../../workers/onnx/read-pack.ts';
import { encodePrompt } from '../../workers/sdxl/encode-prompt.ts';
import { SdxlPack } from '../../workers/sdxl/sdxl-pack.ts';
import { SeededRandom } from '../../workers/sdxl/seeded-random.ts';
import { runUnet } from '../../workers/sdxl/unet-runner.ts';
import { decodeLatents } from '../../workers/sdxl/vae.ts';

export interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

interface Packs {
  sdxl: SdxlPack;
  clip: ClipPack;
  providers: string[];
  real: boolean;
}

let packs: Promise<Packs> | null = null;

function loadPacks(): Promise<Packs> {
  packs ??= (async () => {
    const root = process.env.ASSETQL_BENCH_PACKS;
    let sdxlDir: string | undefined;
    let clipDir: string | undefined;
    let providers = ['cpu'];
    if (root) {
      for (const entry of await readdir(root, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const raw = await readFile(join(root, entry.name, MANIFEST_FILE), 'utf8').catch(() => null);
        const m = raw ? PackManifest.safeParse(JSON.parse(raw)) : null;
        if (m?.success && m.data.kind === 'sdxl' && !m.data.distilled) sdxlDir ??= join(root, entry.name);
        if (m?.success && m.data.kind === 'clip') clipDir ??= join(root, entry.name);
      }
      providers = resolveProviders(await detectProviders()).chosen;
    }
    const tmp = await mkdtemp(join(tmpdir(), 'assetql-bench-'));
    if (!sdxlDir) await createTestPack((sdxlDir = join(tmp, 'sdxl')), { kind: 'sdxl' });
    if (!clipDir) await createTestPack((clipDir = join(tmp, 'clip')), { kind: 'clip' });
    const sdxl = await SdxlPack.load(sdxlDir, await readPack(sdxlDir, 'sdxl'), { providers });
    const clip = await ClipPack.load(clipDir, await readPack(clipDir, 'clip'), { providers });
    return { sdxl, clip, providers, real: !sdxl.manifest.testPack };
  })();
  return packs;
}

/** Median ms of `fn` over enough runs to fill ~300 ms (at least 3, after one warm-up). */
async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || (performance.now() - start < 300 && samples.length < 200)) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

/** Baseline for tensor work: copying a Float32Array of the same element count. */
function copyBaseline(elements: number): () => void {
  const src = new SeededRandom(1).gaussianArray(elements);
  return () => {
    new Float32Array(src);
  };
}

function note(p: Packs, extra: string): string {
  return `${p.real ? 'real packs' : 'tiny random-weight packs'} on ${p.providers.join('>')}; ${extra}`;
}

export const cases: BenchCase[] = [
  {
    name: 'inference: SDXL text encoding (both encoders, one prompt)',
    baseline: 'Float32Array copy of the [77 × context] conditioning it produces',
    async run() {
      const p = await loadPacks();
      const s = p.sdxl;
      const enc = await encodePrompt(s.textEncoder, s.tokenizer, s.textEncoder2, s.tokenizer2, 'a photo of a cat');
      const ms = await timeIt(() => encodePrompt(s.textEncoder, s.tokenizer, s.textEncoder2, s.tokenizer2, 'low-poly isometric treasure chest, game asset'));
      const base = await timeIt(copyBaseline(enc.hidden.length));
      return { figures: { ms, baselineMs: base, ratio: ms / base }, notes: note(p, `context ${enc.seqLen}×${enc.hiddenDim}`) };
    },
  },
  {
    name: 'inference: one SDXL UNet step (CFG batch 2)',
    baseline: 'Float32Array copy of the latent batch',
    async run() {
      const p = await loadPacks();
      const s = p.sdxl;
      const m = s.manifest;
      const enc = await encodePrompt(s.textEncoder, s.tokenizer, s.textEncoder2, s.tokenizer2, 'a photo of a cat');
      const h = m.defaults.height / m.vae.downscale;
      const w = m.defaults.width / m.vae.downscale;
      const C = m.vae.latentChannels;
      const x = new SeededRandom(1).gaussianArray(C * h * w);
      const row = [m.defaults.height, m.defaults.width, 0, 0, m.defaults.height, m.defaults.width];
      const cond = { batch: 2, hidden: concat(enc.hidden, enc.hidden), seqLen: enc.seqLen, hiddenDim: enc.hiddenDim, pooled: concat(enc.pooled, enc.pooled), timeIds: Float32Array.from([...row, ...row]) };
      const ms = await timeIt(() => runUnet(s.unet, x, [C, h, w], 500, cond));
      const base = await timeIt(copyBaseline(2 * x.length));
      return { figures: { ms, baselineMs: base, ratio: ms / base }, notes: note(p, `latents ${C}×${h}×${w}`) };
    },
  },
  {
    name: 'inference: SDXL VAE decode',
    baseline: 'Float32Array copy of the decoded [3 × H × W] image',
    async run() {
      const p = await loadPacks();
      const m = p.sdxl.manifest;
      const h = m.defaults.height / m.vae.downscale;
      const w = m.defaults.width / m.vae.downscale;
      const C = m.vae.latentChannels;
      const z = new SeededRandom(2).gaussianArray(C * h * w);
      const ms = await timeIt(() => decodeLatents(p.sdxl.vaeDecoder, z, [C, h, w], m.vae.scalingFactor));
      const base = await timeIt(copyBaseline(3 * m.defaults.width * m.defaults.height));
      return { figures: { ms, baselineMs: base, ratio: ms / base }, notes: note(p, `${m.defaults.width}×${m.defaults.height}`) };
    },
  },
  {
    name: 'inference: CLIP image embedding per image (batch of 4, 512×512 inputs)',
    baseline: 'sharp bicubic resize of the same image to the CLIP input size',
    async run() {
      const p = await loadPacks();
      const images = [1, 2, 3, 4].map((k) => noiseImage(512, 512, k));
      const size = p.clip.manifest.image.size;
      const ms = (await timeIt(() => p.clip.embedImages(images))) / images.length;
      const img = images[0]!;
      const base = await timeIt(() => sharp(img.data, { raw: { width: 512, height: 512, channels: 3 } }).resize(size, size, { kernel: 'cubic' }).raw().toBuffer());
      return { figures: { msPerImage: ms, baselineMs: base, ratio: ms / base }, notes: note(p, `input ${size}×${size}, dim ${p.clip.info.dim}`) };
    },
  },
];

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function noiseImage(width: number, height: number, seed: number): RgbImage {
  const rng = new SeededRandom(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextUint32() & 0xff;
  return { width, height, data };
}
