import type { BatchConfig } from './records/batch-config.ts';
import type { StyleScores } from './records/style-scores.ts';

/**
 * The pipeline's vocabulary: task and batch states (ARCHITECTURE.md → Pipeline states),
 * generation parameters and the persisted plan of a task's next attempt.
 */
export const TASK_STATES = [
  'pending',
  'preflight',
  'queued',
  'generating',
  'validating',
  'passed',
  'tagging',
  'ready',
  'failed',
  'retry',
  'dlq',
  'rejected',
  'dropped',
  'cancelled',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const BATCH_STATES = ['draft', 'running', 'paused', 'cancelled', 'done'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export type AttemptKind = 'initial' | 'style-retry' | 'transient-retry' | 'manual';
export type AttemptOutcome = 'passed' | 'failed' | 'error' | 'cancelled';

/** What one generation call needs beyond the prompt. Extra keys are carried through untouched. */
export interface GenerationParams {
  width: number;
  height: number;
  steps: number;
  guidance: number;
  sampler: string;
  seed: number;
  /** IP-Adapter style weight (0–1) when the pack has an image projection. */
  ipAdapterScale?: number;
  /** img2img: library-relative path of the init image (a previous attempt) and its strength. */
  initImagePath?: string;
  strength?: number;
  [extra: string]: unknown;
}

/** Why an attempt's params differ from the task's base params; recorded with the attempt. */
export interface EscalationNote {
  rung: number;
  applied: string[];
  /** Set when a rung could not be applied, e.g. the pack has neither IP-Adapter nor img2img. */
  notApplicable?: string;
}

/** The next try of a task, persisted in tasks.next_attempt so a restart replays it exactly. */
export interface AttemptPlan {
  kind: AttemptKind;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  escalation?: EscalationNote;
  /** Why this plan exists (e.g. "OutOfMemory: size lowered to 768x768"). */
  note?: string;
  /** Best of k: this plan is candidate `index` (1-based) of `of` in a round that began at attempt `roundStart`. */
  candidate?: CandidateNote;
  /** Edit & regenerate: this attempt starts a new line (review and approve look at the line's attempts). */
  lineStart?: boolean;
}

export interface CandidateNote {
  index: number;
  of: number;
  roundStart: number;
}

/** What the ledger decided for a row: passed by the engine, approved by a person, failed (review or rejected). */
export type TaskDecision = 'passed' | 'approved' | 'failed';

export interface BatchRecord {
  id: string;
  name: string;
  state: BatchState;
  priority: number;
  config: BatchConfig;
  /** Why the engine paused the batch (stage build failure, missing model file); null otherwise. */
  pauseReason: string | null;
  template: string | null;
  profileId: string | null;
  profileVersion: number | null;
  csvName: string | null;
  csvSha256: string | null;
  source: string;
  runKey: string | null;
  gpuMs: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export interface TaskRecord {
  id: string;
  batchId: string;
  rowIndex: number;
  taskKey: string;
  name: string;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  category: string | null;
  sourceRow: Record<string, string>;
  state: TaskState;
  priority: number;
  styleRetries: number;
  transientRetries: number;
  preflightConfidence: number | null;
  held: boolean;
  assetId: string | null;
  decision: TaskDecision | null;
  lastError: string | null;
  notBefore: number;
  leaseUntil: number | null;
  leaseOwner: string | null;
  nextAttempt: AttemptPlan | null;
  createdAt: number;
  updatedAt: number;
}

export interface AttemptRecord {
  id: number;
  taskId: string;
  n: number;
  kind: AttemptKind;
  prompt: string;
  negativePrompt: string;
  params: GenerationParams;
  outcome: AttemptOutcome | null;
  scores: StyleScores | null;
  /** scores.styleScore when present, for sorting and "best attempt" selection. */
  styleScore: number | null;
  errorKind: string | null;
  error: string | null;
  imagePath: string | null;
  gpuMs: number | null;
  timings: Record<string, number> | null;
  startedAt: number;
  endedAt: number | null;
}
