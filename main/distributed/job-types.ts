import type { StyleScoresInput } from '../pipeline/records/style-scores.ts';
import type { GenerationParams } from '../pipeline/types.ts';

/** What the coordinator puts in one BullMQ job: one claimed attempt of one task. */
export interface GenerateJobData {
  v: 1;
  taskKey: string;
  taskId: string;
  batchId: string;
  rowIndex: number;
  attemptN: number;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  packId: string;
  packHash: string;
  /** The variant's LoRA set key ('' or absent: the plain pack); the worker generates on that variant. */
  loraKey?: string;
  /** Present when the coordinator wants a worker holding this CLIP pack to embed and score. */
  validate?: JobValidate;
  /** sha256 of the plan (prompt, negative, params): a replay adopts an earlier job only when equal. */
  planHash: string;
  /** Init image for img2img, PNG in the store (the coordinator uploads it). */
  initImageKey?: string;
  /** Store key the worker writes; deterministic per job id. The PNG carries the metadata (text chunk "assetql-work"). */
  pngKey: string;
  /** Where workers before the metadata moved into the PNG wrote it; still deleted at cleanup. */
  metaKey: string;
}

/** The attempt record a worker returns (BullMQ stores it as the job's return value). */
export interface GenerateJobResult {
  v: 1;
  worker: string;
  host: string;
  provider: string;
  gpu: string | null;
  gpuMs: number;
  pngKey: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  startedAt: number;
  endedAt: number;
  timings: Record<string, number>;
  /** The worker's measurement of the image (only when it held the job's CLIP pack). */
  validation?: WorkerValidation;
}

/** What the worker needs to run the engine's validate measurement itself. */
export interface JobValidate {
  clipPackId: string;
  clipPackHash: string;
  /** Store key of the style profile (content-addressed JSON, uploaded once by the coordinator). */
  profileKey: string;
  /** The task's requested size (the dimension check compares against it, not a downsized retry). */
  requested: { width: number; height: number };
}

/** The validate measurement made on the worker, with the CLIP pack it was made with. */
export interface WorkerValidation {
  clipPackId: string;
  clipPackHash: string;
  clipModelId: string | null;
  scores: StyleScoresInput;
  /** CLIP image embedding (float32 values as numbers: JSON keeps them exactly). */
  embedding: number[] | null;
  /** Time on the worker: CLIP encoder, and the whole measurement. */
  embedMs: number;
  ms: number;
}

/** One LoRA of a pack variant, by content: workers fetch or find the file by its sha256. */
export interface VariantLora {
  sha256: string;
  scale: number;
  name: string;
  bytes: number;
}

/** A queue's variant, registered by the coordinator so workers find queues for packs they hold. */
export interface QueueVariant {
  name: string;
  packId: string;
  packHash: string;
  loraKey: string;
  /** The LoRAs baked into this variant, in canonical order (empty or absent: the plain pack). */
  loras?: VariantLora[];
}

export const KEY_PREFIX = 'assetql';
export const QUEUES_KEY = `${KEY_PREFIX}:queues`;
export const WORKERS_KEY = `${KEY_PREFIX}:workers`;
export const workerKey = (id: string): string => `${KEY_PREFIX}:worker:${id}`;
export const cancelKey = (queue: string, jobId: string): string => `${KEY_PREFIX}:cancel:${queue}:${jobId}`;
/** BullMQ's own prefix (default "bull"); kept explicit so a shared Redis can be inspected. */
export const BULL_PREFIX = 'bull';

/** jobId = task key + attempt number: adding the same attempt twice is a no-op in BullMQ. */
export function jobIdFor(taskKey: string, attemptN: number): string {
  return `${taskKey}.a${attemptN}`;
}
