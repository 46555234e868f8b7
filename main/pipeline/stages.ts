import type { RgbImage } from '../../workers/image/rgb-image.ts';
import type { GenerateCapabilities } from './escalation.ts';
import type { StyleScores, StyleScoresInput } from './records/style-scores.ts';
import type { AttemptRecord, BatchRecord, GenerationParams, TaskRecord } from './types.ts';

/**
 * The engine's view of the other capabilities. Each stage is a small interface so the engine is
 * testable with real, cheap implementations (sharp-rendered images, threshold scoring) and is
 * wired to inference / brand DNA / library in wiring.ts. Stages throw AppError (or anything
 * with {kind, message}); the engine classifies the kind to retry, back off or dead-letter.
 */
export interface GenerateRequest {
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  /** Decoded init image for img2img (from params.initImagePath), when the plan uses it. */
  initImage?: RgbImage;
}

export interface StepProgress {
  step: number;
  steps: number;
  /** Optional low-resolution preview of the current latents. */
  preview?: RgbImage;
}

export interface GenerateOptions {
  signal: AbortSignal;
  onProgress?: (p: StepProgress) => void;
  /** The claimed attempt (task and attempt number): remote generation keys its job by it. */
  attempt?: { task: TaskRecord; n: number };
  /** The attempt's timings: a stage may add its own parts (remote generation: enqueue, wait, fetch). */
  timings?: Record<string, number>;
}

export interface GenerateStage {
  /** Model id recorded in task keys and assets. */
  readonly modelId: string;
  readonly capabilities: GenerateCapabilities;
  generate(req: GenerateRequest, opts: GenerateOptions): Promise<{ image: RgbImage; gpuMs: number }>;
}

/**
 * Scores measured for this exact image by another machine running the same validate code with
 * the same CLIP model (a distributed worker that holds the batch's CLIP pack).
 */
export interface PrecomputedValidation {
  scores: StyleScoresInput;
  embedding: Float32Array | null;
  /** CLIP model id the embedding came from (null: no CLIP). */
  clipModelId: string | null;
}

/** A validate stage measures; decidePass (records/decide-pass.ts) decides against the batch's thresholds. */
export interface ValidateStage {
  validate(
    image: RgbImage,
    ctx: {
      task: TaskRecord;
      prompt: string;
      /** Set by the distributed stages when the worker already measured the image. */
      precomputed?: PrecomputedValidation;
      /** The attempt's timings: a stage may add its own parts (e.g. clipEmbed, validateOnWorker). */
      timings?: Record<string, number>;
    },
  ): Promise<StyleScoresInput>;
}

/** Keeps a failed attempt's image for review, approve and img2img; returns a library-relative path. */
export interface ArchiveStage {
  keep(image: RgbImage, ctx: { task: TaskRecord; attemptN: number }): Promise<string>;
  load(relPath: string): Promise<RgbImage>;
}

export interface StoreInput {
  task: TaskRecord;
  image: RgbImage;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  scores: StyleScores;
  modelId: string;
}

/** Files the asset. MUST be idempotent by task.taskKey: a second call returns the first asset. */
export interface StoreStage {
  store(input: StoreInput): Promise<{ assetId: string }>;
  /** Un-approve: removes an asset this stage filed (row, file, index), so approving again files anew. */
  remove?(assetId: string): Promise<void>;
}

/** Work after storing (thumbnail, embedding, tagging). Runs alongside later generations. */
export interface PostStage {
  readonly name: string;
  run(ctx: { task: TaskRecord; assetId: string; image: RgbImage; scores: StyleScores }): Promise<void>;
}

/** Optional prompt pre-flight (pending → preflight → queued, or held when confidence is low). */
export interface PreflightStage {
  check(task: TaskRecord): Promise<{ confidence: number; hold: boolean }>;
}

/** Everything one batch runs with; resolved per batch because profile and pack can differ. */
export interface BatchStages {
  generate: GenerateStage;
  validate: ValidateStage;
  archive: ArchiveStage;
  store: StoreStage;
  post: PostStage[];
  preflight?: PreflightStage;
  /** The profile's style keywords for escalation rung 2. */
  styleKeywords: readonly string[];
  /** Called once when the engine no longer needs these stages (batch finished or engine stopped). */
  dispose?: () => Promise<void>;
}

export type StageResolver = (batch: BatchRecord) => Promise<BatchStages>;

export type { AttemptRecord };
