// First: native libraries loaded by the jobs' worker threads read this environment as they load.
import '../core/quiet-runtime.ts';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { ImageAnalysis } from '../../workers/analysis/types.ts';
import type { DecodedImage, DecodeOptions } from '../../workers/analysis/decode-image.ts';
import type { ProviderName, ProviderStatus } from '../../workers/onnx/provider-types.ts';
import type { SmokeResult } from '../../workers/sdxl/smoke-types.ts';
import type { BakeOptions, BakeReport } from '../../models/lora/bake-loras.ts';
import type { ImportOptions, ImportReport } from '../../models/weights/import-checkpoint.ts';
import type { IpAdapterInstallOptions, IpAdapterInstallReport } from '../../models/ip-adapter/install-ip-adapter.ts';
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

/**
 * Checkpoint import and LoRA baking stream gigabytes and do the low-rank maths for seconds to
 * minutes: they get a worker of their own, so an analysis or a decode never queues behind one
 * and the main thread only sees the byte counts.
 */
let weightsPool: WorkerPool | null = null;

function weightsWorker(): WorkerPool {
  weightsPool ??= new WorkerPool({ size: 1, providers: ['cpu'], unrefWhenIdle: true });
  return weightsPool;
}

export function bakeLorasInWorker(options: Omit<BakeOptions, 'onBytes'>, onBytes?: (n: number) => void): Promise<BakeReport> {
  return weightsWorker().run({ kind: 'weights.bakeLoras', options }, onBytes ? { onBytes } : {});
}

export function importCheckpointInWorker(options: Omit<ImportOptions, 'onBytes'>, onBytes?: (n: number) => void): Promise<ImportReport> {
  return weightsWorker().run({ kind: 'weights.importCheckpoint', options }, onBytes ? { onBytes } : {});
}

export function installIpAdapterInWorker(options: Omit<IpAdapterInstallOptions, 'onBytes'>, onBytes?: (n: number) => void): Promise<IpAdapterInstallReport> {
  return weightsWorker().run({ kind: 'weights.installIpAdapter', options }, onBytes ? { onBytes } : {});
}

/** Ends the workers (app shutdown, tests); the next job starts new ones. */
export async function closeCpuJobs(): Promise<void> {
  const p = pool;
  const w = weightsPool;
  pool = null;
  weightsPool = null;
  await Promise.all([p?.close(), w?.close()]);
}

/** Only the pixels travel: an image may carry extra fields (source info) the worker ignores. */
function plain(image: RgbImage): RgbImage {
  return { width: image.width, height: image.height, data: image.data };
}
