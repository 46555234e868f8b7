import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError, type ErrorKind } from '../core/app-error.ts';
import { getBatch } from '../pipeline/ledger-api.ts';
import type { GenerateCapabilities } from '../pipeline/escalation.ts';
import type { GenerateRequest, GenerateStage } from '../pipeline/stages.ts';
import type { TaskRecord } from '../pipeline/types.ts';
import { recordAttemptProducer } from './attempt-producer.ts';
import type { CoordinatorHub, JobWatch, QueueHandle } from './coordinator-hub.ts';
import { decodePng, encodePng } from './job-processor.ts';
import { jobIdFor, type GenerateJobData, type GenerateJobResult, type VariantLora, type WorkerValidation } from './job-types.ts';
import type { PackIdentity } from './pack-identity.ts';
import { sha256Hex, workObjectKey } from './work-store.ts';

/** Ask workers holding this CLIP pack to embed and score (the profile is in the store under profileKey). */
export interface RemoteValidate {
  clipPackId: string;
  clipPackHash: string;
  profileKey: string;
}

export interface RemoteGenerateOptions {
  hub: CoordinatorHub;
  pack: PackIdentity;
  loraKey: string;
  /** The variant's LoRAs (canonical order); workers bake them onto the base pack. */
  loras?: VariantLora[];
  queueName: string;
  modelId: string;
  capabilities: GenerateCapabilities;
  validate?: RemoteValidate;
  /** Hands a worker's measurement of the returned image to the validate stage. */
  onValidation?: (image: RgbImage, v: WorkerValidation) => void;
}

type AnyJob = Job<GenerateJobData, GenerateJobResult>;

/**
 * The remote generation stage: the engine claims an attempt in the ledger exactly as for local
 * work, and this stage turns it into one BullMQ job (jobId = task key + attempt number) on the
 * pack variant's queue, waits for its state, then fetches the worker's PNG from the store and
 * verifies size and sha256 before handing pixels back. Validation, storing and the pass/retry
 * decision stay in the engine, so remote and local attempts are judged by the same code.
 */
export function remoteGenerate(o: RemoteGenerateOptions): GenerateStage {
  const { hub } = o;
  return {
    modelId: o.modelId,
    capabilities: o.capabilities,
    async generate(req, { signal, attempt, timings = {} }) {
      if (!attempt) throw new AppError('Internal', 'remote generation needs the claimed attempt (task and number) from the engine');
      const { task, n } = attempt;
      if (signal.aborted) throw new AppError('Cancelled', String(signal.reason ?? 'cancelled'));
      let t0 = performance.now();
      const handle = await hub.queueFor({ name: o.queueName, packId: o.pack.packId, packHash: o.pack.hash, loraKey: o.loraKey, ...(o.loras?.length ? { loras: o.loras } : {}) });
      const planHash = hashPlan(req);
      const adopted = await adoptEarlier(hub, handle, task, n, planHash);
      // Watch before adding: a job finished faster than the add's reply is still seen.
      const watch = hub.watch(adopted?.id ?? jobIdFor(task.taskKey, n));
      try {
        const job = adopted ?? (await enqueue(hub, handle, o, req, task, n, planHash, signal));
        timings['remoteEnqueue'] = performance.now() - t0;
        t0 = performance.now();
        const result = await waitFor(hub, handle, job, task, signal, watch, adopted !== null);
        timings['remoteWait'] = performance.now() - t0;
        t0 = performance.now();
        const png = await hub.store.get(result.pngKey, signal);
        if (png.length !== result.bytes || sha256Hex(png) !== result.sha256) {
          throw new AppError('Unavailable', `work object ${result.pngKey} does not match the worker's record (${png.length} bytes, expected ${result.bytes}); generating again`);
        }
        timings['remoteFetch'] = performance.now() - t0;
        t0 = performance.now();
        const image = await decodePng(png);
        if (image.width !== result.width || image.height !== result.height) {
          throw new AppError('Unavailable', `work object ${result.pngKey} is ${image.width}x${image.height}, the worker reported ${result.width}x${result.height}`);
        }
        timings['remoteDecode'] = performance.now() - t0;
        for (const [k, v] of Object.entries(result.timings)) if (typeof v === 'number') timings[k] = v;
        if (result.validation && o.onValidation) o.onValidation(image, result.validation);
        recordAttemptProducer(hub.db, task.id, n, { worker: result.worker, host: result.host, provider: result.provider, workerGenMs: result.timings['workerGenerate'] ?? null });
        return { image, gpuMs: result.gpuMs };
      } finally {
        watch.close();
      }
    },
  };
}

function hashPlan(req: GenerateRequest): string {
  return createHash('sha256').update(JSON.stringify([req.prompt, req.negativePrompt, req.params])).digest('hex').slice(0, 16);
}

/**
 * Reconciliation at claim time: a coordinator restarted mid-batch replays the interrupted
 * attempt's plan as attempt n. If an earlier attempt's job with the same plan is still queued,
 * running or already done, it is adopted (no second generation); any other leftover is dropped.
 */
async function adoptEarlier(hub: CoordinatorHub, h: QueueHandle, task: TaskRecord, n: number, planHash: string): Promise<AnyJob | null> {
  if (n <= 1) return null;
  const ks = Array.from({ length: Math.min(8, n - 1) }, (_, i) => n - 1 - i);
  // One round trip for all candidates (most retries find none).
  const jobs = (await Promise.all(ks.map((k) => h.queue.getJob(jobIdFor(task.taskKey, k))))) as (AnyJob | undefined)[];
  let adopted: AnyJob | null = null;
  for (const job of jobs) {
    if (!job) continue;
    const state = await job.getState();
    if (!adopted && job.data.planHash === planHash && state !== 'failed' && state !== 'unknown') adopted = job;
    else await hub.discard(h.queue, job);
  }
  return adopted;
}

async function enqueue(hub: CoordinatorHub, h: QueueHandle, o: RemoteGenerateOptions, req: GenerateRequest, task: TaskRecord, n: number, planHash: string, signal: AbortSignal): Promise<AnyJob> {
  const jobId = jobIdFor(task.taskKey, n);
  let initImageKey: string | undefined;
  if (req.initImage) {
    initImageKey = workObjectKey(hub.store.config, `${jobId}.init`, 'png');
    await hub.store.put(initImageKey, await encodePng(req.initImage), 'image/png', signal);
  }
  const data: GenerateJobData = {
    v: 1,
    taskKey: task.taskKey,
    taskId: task.id,
    batchId: task.batchId,
    rowIndex: task.rowIndex,
    attemptN: n,
    prompt: req.prompt,
    negativePrompt: req.negativePrompt,
    params: req.params,
    packId: o.pack.packId,
    packHash: o.pack.hash,
    ...(o.loraKey ? { loraKey: o.loraKey } : {}),
    ...(o.validate ? { validate: { ...o.validate, requested: { width: task.params.width, height: task.params.height } } } : {}),
    planHash,
    ...(initImageKey ? { initImageKey } : {}),
    pngKey: workObjectKey(hub.store.config, jobId, 'png'),
    metaKey: workObjectKey(hub.store.config, jobId, 'json'),
  };
  // Same jobId twice is a no-op in BullMQ: a retried add after a Redis blip cannot duplicate.
  const job = (await h.queue.add('generate', data, { jobId, priority: bullPriority(hub, task), attempts: 1 })) as AnyJob;
  if (signal.aborted) {
    // Paused or cancelled while the add was in flight: take it back at once.
    await hub.discard(h.queue, job).catch(() => undefined);
    throw new AppError('Cancelled', String(signal.reason ?? 'cancelled'));
  }
  return job;
}

/** BullMQ: 1 is served first, 0 means "no priority"; ours: higher batch/task priority first. */
function bullPriority(hub: CoordinatorHub, task: TaskRecord): number {
  const b = getBatch(hub.db, task.batchId)?.priority ?? 0;
  return Math.max(1, Math.min(2_000_000, 1_000_000 - Math.round(b) * 1000 - Math.round(task.priority)));
}

/**
 * Waits for the job's outcome. The completed event carries the worker's record, so the usual path
 * costs no Redis read; any other wake-up (a failed or removed event, or pollMs without news,
 * since events are a trimmed stream that a reconnect can miss) reads the job's state, which is
 * what counts. An adopted job is read at once: it may have finished long ago.
 */
async function waitFor(hub: CoordinatorHub, h: QueueHandle, job: AnyJob, task: TaskRecord, signal: AbortSignal, watch: JobWatch, readFirst: boolean): Promise<GenerateJobResult> {
  const id = job.id ?? '';
  let priority = job.opts.priority ?? 0;
  let read = readFirst;
  for (;;) {
    if (signal.aborted) {
      await hub.discard(h.queue, job).catch(() => undefined);
      throw new AppError('Cancelled', String(signal.reason ?? 'cancelled'));
    }
    const e = watch.event;
    if (e?.kind === 'completed') return e.result;
    if (read) {
      let state: string;
      let fresh: AnyJob | undefined;
      try {
        fresh = (await h.queue.getJob(id)) as AnyJob | undefined;
        state = fresh ? await fresh.getState() : 'missing';
      } catch {
        state = 'unreachable'; // Redis restarting: keep waiting, ioredis reconnects
      }
      if (fresh && state === 'completed' && fresh.returnvalue) return fresh.returnvalue;
      if (fresh && state === 'failed') {
        await hub.discard(h.queue, fresh).catch(() => undefined);
        throw failure(fresh.failedReason);
      }
      if (state === 'missing') {
        // Lost from Redis (flushed, or a Redis without persistence restarted): enqueue it again.
        job = (await h.queue.add('generate', job.data, { jobId: id, priority: job.opts.priority ?? 1, attempts: 1 })) as AnyJob;
      } else if (fresh && (state === 'prioritized' || state === 'waiting')) {
        const want = bullPriority(hub, task);
        if (want !== priority) {
          await fresh.changePriority({ priority: want }).catch(() => undefined);
          priority = want;
        }
      }
    }
    await watch.wait(hub.pollMs, signal);
    read = true;
  }
}

function failure(reason: string | undefined): AppError {
  try {
    const e = JSON.parse(reason ?? '') as { kind?: ErrorKind; message?: string; detail?: Record<string, unknown> };
    if (e.kind && e.message) {
      // A worker-side cancel we did not ask for (another coordinator, a worker shutting down) is transient here.
      return e.kind === 'Cancelled' ? new AppError('Unavailable', `worker stopped the job: ${e.message}`) : new AppError(e.kind, `worker: ${e.message}`, e.detail);
    }
  } catch {
    // BullMQ's own reasons (e.g. "job stalled more than allowable limit") are plain text.
  }
  return new AppError('Unavailable', `worker: ${reason ?? 'job failed'}`);
}
