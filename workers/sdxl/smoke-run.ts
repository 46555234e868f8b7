import type { ProviderName } from '../onnx/provider-types.ts';
import { readPack } from '../onnx/read-pack.ts';
import { toWorkerErrorData, WorkerError } from '../protocol.ts';
import { generate } from './generate.ts';
import { SdxlPack } from './sdxl-pack.ts';
import type { SmokeResult } from './smoke-types.ts';

/**
 * Runs a random-weight SDXL test pack end to end (the same code path as real packs) on one
 * provider and times it. Its image is noise: this proves the installation, not quality. Runs in
 * a worker ('doctor.smoke'), with its own sessions: it must not reuse the worker's cached packs,
 * which were created for other providers.
 */
export async function smokeRun(dir: string, provider: ProviderName): Promise<SmokeResult> {
  const providers = provider === 'cpu' ? ['cpu'] : [provider, 'cpu'];
  let pack: SdxlPack | undefined;
  try {
    const manifest = await readPack(dir, 'sdxl');
    const t0 = performance.now();
    pack = await SdxlPack.load(dir, manifest, { providers });
    const loadMs = performance.now() - t0;
    const stamps: number[] = [];
    const res = await generate(pack, { prompt: 'a red cube on a table', seed: 1, steps: 2, guidance: 5 }, { onProgress: () => stamps.push(performance.now()) });
    if (res.image.width !== res.width || res.image.data.length !== res.width * res.height * 3) {
      throw new WorkerError('Inference', `smoke image has the wrong size ${res.image.width}×${res.image.height}`);
    }
    const stepMs = stamps.length >= 2 ? (stamps[1] ?? 0) - (stamps[0] ?? 0) : undefined;
    return { provider, ok: true, loadMs, totalMs: res.totalMs, runMs: res.gpuMs, ...(stepMs !== undefined ? { stepMs } : {}), width: res.width, height: res.height };
  } catch (err) {
    return { provider, ok: false, error: toWorkerErrorData(err).message };
  } finally {
    await pack?.release().catch(() => undefined);
  }
}
