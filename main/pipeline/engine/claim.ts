import type { RgbImage } from '../../../workers/image/rgb-image.ts';
import type { StyleScores } from '../records/style-scores.ts';
import type { BatchStages } from '../stages.ts';
import type { AttemptPlan, BatchRecord, TaskRecord } from '../types.ts';

/** A claimed task with its open attempt; travels through the stage queues. */
export interface Claim {
  task: TaskRecord;
  batch: BatchRecord;
  plan: AttemptPlan;
  attemptId: number;
  attemptN: number;
  stages: BatchStages;
  abort: AbortController;
  timings: Record<string, number>;
  gpuMs: number;
}

export interface Generated extends Claim {
  image: RgbImage;
}

export interface Validated extends Generated {
  scores: StyleScores;
}
