import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import sharp from 'sharp';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError, toErrorData } from '../core/app-error.ts';
import type { SdxlClient } from '../inference/sdxl-client.ts';
import { toGenerateRequest } from '../pipeline/generate-request.ts';
import { setPngText } from '../library/png-chunks.ts';
import { CANCEL_RECHECK_MS } from './job-cancel.ts';
import { cancelKey, type GenerateJobData, type GenerateJobResult } from './job-types.ts';
import type { WorkerValidator } from './worker-validator.ts';
import { sha256Hex, type WorkStore } from './work-store.ts';

export interface ProcessorDeps {
  workerId: string;
  provider: string;
  gpu: string | null;
  redis: Redis;
  store: WorkStore;
  /** SDXL client per pack variant: base pack hash + LoRA set key ('' for the plain pack). */
  clientFor(packHash: string, loraKey: string): SdxlClient | undefined;
  /** Embeds and scores when this worker holds the job's CLIP pack. */
  validator?: WorkerValidator;
  /** Labelled stand-in for GPU time in tests and benchmarks (added to every image). */
  simulateGpuMs: number;
  onStart(job: Job<GenerateJobData>): void;
  onEnd(job: Job<GenerateJobData>, ok: boolean): void;
}

/**
 * One generation job on a worker machine: generate on the inference worker threads (ONNX
 * Runtime's run() blocks its thread, so it must not be the one that renews BullMQ's lock),
 * encode PNG, upload PNG + attempt metadata under the job's deterministic keys, and return the
 * attempt record. Errors travel as the app's {kind, message} JSON in the failure reason, so the
 * coordinator classifies them exactly as local errors (transient retry, OOM downsizing, DLQ).
 */
export function createProcessor(d: ProcessorDeps): (job: Job<GenerateJobData>, token?: string, cancelled?: AbortSignal) => Promise<GenerateJobResult> {
  return async (job, _token, cancelled) => {
    const data = job.data;
    const abort = new AbortController();
    // A pause or cancel reaches this job at once through BullMQ's per-job cancel (the worker
    // runtime calls cancelJob when the coordinator's message arrives); the cancel key, re-read
    // now and then, covers a message missed while Redis reconnected.
    cancelled?.addEventListener('abort', () => abort.abort('cancelled by the coordinator'), { once: true });
    const watch = setInterval(() => {
      d.redis.exists(cancelKey(job.queueName, job.id ?? '')).then(
        (n) => (n > 0 ? abort.abort('cancelled by the coordinator') : undefined),
        () => undefined,
      );
    }, CANCEL_RECHECK_MS);
    d.onStart(job);
    const startedAt = Date.now();
    let ok = false;
    try {
      const loraKey = data.loraKey ?? '';
      const client = d.clientFor(data.packHash, loraKey);
      if (!client) throw new AppError('ModelMissing', `this worker does not hold pack ${data.packId} (${data.packHash})${loraKey ? ` with LoRA set ${loraKey}` : ''}`);
      const timings: Record<string, number> = {};
      let t0 = performance.now();
      const initImage = data.initImageKey ? await decodePng(await d.store.get(data.initImageKey, abort.signal)) : undefined;
      const p = data.params;
      const res = await client.generate(
        toGenerateRequest(data.prompt, data.negativePrompt, p, initImage),
        { signal: abort.signal },
      );
      if (d.simulateGpuMs > 0) await sleep(d.simulateGpuMs, abort.signal);
      if (abort.signal.aborted) throw new AppError('Cancelled', String(abort.signal.reason));
      timings['workerGenerate'] = performance.now() - t0;
      // Scored from the generated pixels, which the PNG keeps exactly (lossless RGB), while the
      // PNG is encoded and uploaded. A measurement that fails here (profile object gone, CLIP
      // session error) is left to the coordinator.
      const measuring = data.validate ? (d.validator?.measure(res.image, data.validate) ?? Promise.resolve(null)).catch(() => null) : Promise.resolve(null);
      t0 = performance.now();
      // The attempt's metadata travels inside the PNG (a text chunk, as recipes do): one object
      // and one upload per job instead of two on the path of every image.
      const meta = { job: data, worker: d.workerId, host: hostname(), provider: d.provider, gpu: d.gpu, gpuMs: res.gpuMs + d.simulateGpuMs, startedAt, timings };
      const png = setPngText(await encodePng(res.image), WORK_META_KEYWORD, JSON.stringify(meta));
      timings['workerEncode'] = performance.now() - t0;
      t0 = performance.now();
      await d.store.put(data.pngKey, png, 'image/png', abort.signal);
      timings['workerUpload'] = performance.now() - t0;
      const validation = (await measuring) ?? undefined;
      if (validation) timings['workerValidate'] = validation.ms;
      const result: GenerateJobResult = {
        v: 1,
        worker: d.workerId,
        host: hostname(),
        provider: d.provider,
        gpu: d.gpu,
        gpuMs: res.gpuMs + d.simulateGpuMs,
        pngKey: data.pngKey,
        bytes: png.length,
        sha256: sha256Hex(png),
        width: res.image.width,
        height: res.image.height,
        startedAt,
        endedAt: Date.now(),
        timings,
        ...(validation ? { validation } : {}),
      };
      ok = true;
      return result;
    } catch (err) {
      const e = toErrorData(err);
      if (abort.signal.aborted || e.kind === 'Cancelled') throw new UnrecoverableError(JSON.stringify({ kind: 'Cancelled', message: e.message }));
      throw new Error(JSON.stringify(e));
    } finally {
      clearInterval(watch);
      d.onEnd(job, ok);
    }
  };
}

/** Text-chunk keyword of a work object's metadata (job, worker, timings). */
export const WORK_META_KEYWORD = 'assetql-work';

export async function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 3 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
}

export async function decodePng(png: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new AppError('BadInput', `expected an RGB PNG, got ${info.channels} channels`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
