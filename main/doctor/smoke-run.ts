import { AppError, toErrorData } from '../core/app-error.ts';
import type { SdxlManifest } from '../../models/manifest.ts';
import type { ProviderName } from '../../workers/onnx/providers.ts';
import { generate } from '../../workers/sdxl/generate.ts';
import { SdxlPack } from '../../workers/sdxl/sdxl-pack.ts';

export interface SmokeResult {
  provider: ProviderName;
  ok: boolean;
  /** Session creation for the four SDXL components. */
  loadMs?: number;
  /** Text encode (both encoders) + 2 denoising steps (CFG, batch 2) + VAE decode. */
  totalMs?: number;
  /** Time inside ONNX Runtime runs for the same work. */
  runMs?: number;
  /** The second denoising step alone (between the two progress events). */
  stepMs?: number;
  width?: number;
  height?: number;
  error?: string;
}

/**
 * Runs a random-weight SDXL test pack end to end (the same code path as real packs) on one
 * provider and times it. Its image is noise: this proves the installation, not quality.
 */
export async function smokeRun(dir: string, manifest: SdxlManifest, provider: ProviderName): Promise<SmokeResult> {
  const providers = provider === 'cpu' ? ['cpu'] : [provider, 'cpu'];
  let pack: SdxlPack | undefined;
  try {
    const t0 = performance.now();
    pack = await SdxlPack.load(dir, manifest, { providers });
    const loadMs = performance.now() - t0;
    const stamps: number[] = [];
    const res = await generate(pack, { prompt: 'a red cube on a table', seed: 1, steps: 2, guidance: 5 }, { onProgress: () => stamps.push(performance.now()) });
    if (res.image.width !== res.width || res.image.data.length !== res.width * res.height * 3) {
      throw new AppError('Inference', `smoke image has the wrong size ${res.image.width}×${res.image.height}`);
    }
    const stepMs = stamps.length >= 2 ? (stamps[1] ?? 0) - (stamps[0] ?? 0) : undefined;
    return { provider, ok: true, loadMs, totalMs: res.totalMs, runMs: res.gpuMs, ...(stepMs !== undefined ? { stepMs } : {}), width: res.width, height: res.height };
  } catch (err) {
    return { provider, ok: false, error: toErrorData(err).message };
  } finally {
    await pack?.release().catch(() => undefined);
  }
}
