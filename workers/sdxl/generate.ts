import { WorkerError } from '../protocol.ts';
import { encodePrompt, zeroEmbedsLike, type PromptEmbeds } from './encode-prompt.ts';
import type { SdxlGenerateRequest, SdxlGenerateResult, SdxlProgress } from './generate-types.ts';
import { hasIpLayers, projectImageEmbeds } from './ip-adapter.ts';
import { latentPreview } from './latent-preview.ts';
import { createSampler, predictX0, SAMPLERS, scaleModelInput } from './schedulers/samplers.ts';
import { img2imgStartIndex } from './schedulers/schedule.ts';
import type { SdxlPack } from './sdxl-pack.ts';
import { SeededRandom } from './seeded-random.ts';
import { applyGuidance, runUnet, type UnetConditioning } from './unet-runner.ts';
import { decodeLatents, encodeImage } from './vae.ts';

export interface GenerateHooks {
  onProgress?: (p: SdxlProgress) => void;
  /** Checked between denoising steps; true → WorkerError('Cancelled'). */
  isCancelled?: () => boolean;
}

/** Text- or image-to-image with one SDXL pack. Deterministic for a given seed and provider. */
export async function generate(pack: SdxlPack, req: SdxlGenerateRequest, hooks: GenerateHooks = {}): Promise<SdxlGenerateResult> {
  const t0 = performance.now();
  const runMs0 = await pack.runMs();
  const m = pack.manifest;
  const width = req.width ?? m.defaults.width;
  const height = req.height ?? m.defaults.height;
  const steps = req.steps ?? m.defaults.steps;
  const guidance = req.guidance ?? m.defaults.guidance;
  const sampler = req.sampler ?? 'euler';
  validate(req, width, height, steps, m.vae.downscale);
  const checkCancel = (): void => {
    if (hooks.isCancelled?.()) throw new WorkerError('Cancelled', 'generation cancelled');
  };

  // Conditioning: [negative, positive] when CFG is on.
  const positive = await encodePrompt(pack.textEncoder, pack.tokenizer, pack.textEncoder2, pack.tokenizer2, req.prompt);
  const cfg = guidance > 1;
  const negText = req.negativePrompt?.trim() ?? '';
  let negative: PromptEmbeds | null = null;
  if (cfg) negative = negText === '' ? zeroEmbedsLike(positive) : await encodePrompt(pack.textEncoder, pack.tokenizer, pack.textEncoder2, pack.tokenizer2, negText);
  const posHidden = positive.hidden;
  const negHidden = negative?.hidden ?? null;
  const seqLen = positive.seqLen;
  let ip: UnetConditioning['ip'];
  if (req.ipAdapter) {
    const proj = pack.imageProj();
    if (!proj || !hasIpLayers(pack.unet)) throw new WorkerError('BadInput', `pack ${m.id} has no IP-Adapter (install one with \`assetql models ip-adapter install\`)`);
    const model = await proj;
    const pos = await projectImageEmbeds(model, req.ipAdapter.imageEmbeds, positive.hiddenDim);
    // The unconditional row attends to the projection of a zero embedding, as diffusers does.
    const neg = cfg ? await projectImageEmbeds(model, new Float32Array(req.ipAdapter.imageEmbeds.length), positive.hiddenDim) : null;
    ip = { tokens: neg ? concat(neg.data, pos.data) : pos.data, count: pos.tokens, scale: req.ipAdapter.scale ?? 1 };
  }
  checkCancel();
  const timeRow = [height, width, 0, 0, height, width];
  const cond: UnetConditioning = {
    batch: cfg ? 2 : 1,
    hidden: negHidden ? concat(negHidden, posHidden) : posHidden,
    seqLen,
    hiddenDim: positive.hiddenDim,
    pooled: negative ? concat(negative.pooled, positive.pooled) : positive.pooled,
    timeIds: Float32Array.from(cfg ? [...timeRow, ...timeRow] : timeRow),
    ...(ip ? { ip } : {}),
  };

  // Latents and schedule. One seeded stream: initial noise first, then ancestral noise.
  const rng = new SeededRandom(req.seed);
  const C = m.vae.latentChannels;
  const h = height / m.vae.downscale;
  const w = width / m.vae.downscale;
  const shape = [C, h, w] as const;
  const s = createSampler(sampler, m.scheduler, steps, rng);
  const { sigmas, timesteps } = s.schedule;
  const noise = rng.gaussianArray(C * h * w);
  let start = 0;
  let x: Float32Array;
  if (req.initImage) {
    const encoder = pack.vaeEncoder();
    if (!encoder) throw new WorkerError('BadInput', `pack ${m.id} has no vae_encoder: img2img is not available`);
    start = img2imgStartIndex(steps, req.strength ?? 0.6);
    const init = await encodeImage(await encoder, req.initImage, width, height, C, m.vae.scalingFactor);
    const sigma = sigmas[start] ?? 0;
    x = new Float32Array(init.length);
    for (let j = 0; j < x.length; j++) x[j] = (init[j] ?? 0) + (noise[j] ?? 0) * sigma;
  } else {
    x = new Float32Array(noise.length);
    for (let j = 0; j < x.length; j++) x[j] = (noise[j] ?? 0) * s.schedule.initNoiseSigma;
  }

  const total = steps - start;
  for (let i = start; i < steps; i++) {
    checkCancel();
    const sigma = sigmas[i] ?? 0;
    const out = await runUnet(pack.unet, scaleModelInput(x, sigma), shape, timesteps[i] ?? 0, cond);
    const eps = applyGuidance(out, cond.batch, guidance);
    if (hooks.onProgress) {
      const preview = req.preview ? latentPreview(predictX0(x, eps, sigma), C, h, w) : undefined;
      hooks.onProgress({ step: i - start + 1, totalSteps: total, ...(preview ? { preview } : {}) });
    }
    x = s.step(i, x, eps);
    // Yield so a cancel message queued during this step is seen before the next one starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  checkCancel();

  const image = await decodeLatents(pack.vaeDecoder, x, shape, m.vae.scalingFactor);
  if (image.width !== width || image.height !== height) {
    throw new WorkerError('Inference', `VAE decoded ${image.width}×${image.height}, expected ${width}×${height}`);
  }
  return {
    image,
    seed: req.seed,
    width,
    height,
    steps,
    sampler,
    guidance,
    gpuMs: (await pack.runMs()) - runMs0,
    totalMs: performance.now() - t0,
    modelId: m.id,
    providers: [...pack.providers],
    testPack: m.testPack,
  };
}

function validate(req: SdxlGenerateRequest, width: number, height: number, steps: number, downscale: number): void {
  const bad = (msg: string): never => {
    throw new WorkerError('BadInput', msg);
  };
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width % downscale || height % downscale) {
    bad(`size ${width}×${height} must be positive multiples of ${downscale}`);
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > 1000) bad(`steps must be an integer in 1..1000, got ${steps}`);
  if (!Number.isSafeInteger(req.seed) || req.seed < 0) bad(`seed must be a non-negative integer, got ${req.seed}`);
  if (req.sampler && !(SAMPLERS as readonly string[]).includes(req.sampler)) bad(`unknown sampler ${req.sampler} (use ${SAMPLERS.join(', ')})`);
  if (req.strength !== undefined && !(req.strength > 0 && req.strength <= 1)) bad(`strength must be in (0, 1], got ${req.strength}`);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

