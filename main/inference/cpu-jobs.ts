// First: native libraries loaded by the jobs' worker threads read this environment as they load.
import '../core/quiet-runtime.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { ImageAnalysis } from '../../workers/analysis/types.ts';
import type { DecodedImage, DecodeOptions } from '../../workers/analysis/decode-image.ts';
import type { ProviderName, ProviderStatus } from '../../workers/onnx/provider-types.ts';
import type { SmokeResult } from '../../workers/sdxl/smoke-types.ts';
import { WorkerPool } from './worker-pool.ts';

/**
 * Short CPU jobs that must not run on the main thread (the Electron main process serves the
 * UI): brand-DNA image analysis (pixel loops), image decoding, execution-provider probing and
 * the doctor smoke run (both load onnxruntime). They go to one process-wide worker, separate
 * from the generation pool so a 30-second SDXL run never queues an analysis behind it. The
 * worker starts on first use and does not keep a finished CLI command alive (unrefWhenIdle).
 */
let pool: WorkerPool | null = null;

function cpuPool(): WorkerPool {
  pool ??= new WorkerPool({ size: 1, providers: ['cpu'], unrefWhenIdle: true });
  return pool;
}

export function analyseInWorker(image: RgbImage, k?: number): Promise<ImageAnalysis> {
  return cpuPool().run({ kind: 'analysis.analyse', image: plain(image), ...(k === undefined ? {} : { k }) });
}

export function decodeInWorker(input: string | Buffer, options?: DecodeOptions): Promise<DecodedImage> {
  return cpuPool().run({ kind: 'image.decode', input, ...(options ? { options } : {}) });
}

export function detectProvidersInWorker(opts: { only?: ProviderName[]; probeTimeoutMs?: number } = {}): Promise<{ statuses: ProviderStatus[]; ortVersion: string }> {
  return cpuPool().run({ kind: 'providers.detect', ...opts });
}

export function smokeRunInWorker(packDir: string, provider: ProviderName): Promise<SmokeResult> {
  return cpuPool().run({ kind: 'doctor.smoke', packDir, provider });
}

/** Ends the worker (app shutdown, tests); the next job starts a new one. */
export async function closeCpuJobs(): Promise<void> {
  const p = pool;
  pool = null;
  await p?.close();
}

/** Only the pixels travel: an image may carry extra fields (source info) the worker ignores. */
function plain(image: RgbImage): RgbImage {
  return { width: image.width, height: image.height, data: image.data };
}
