import type { Database } from 'better-sqlite3';
import type { PipelineConfig } from './config.ts';
import type { PipelineEvents } from './events.ts';
import { controlOps, type ControlOps } from './engine/control-ops.ts';
import { Engine, type BatchSummary } from './engine/engine-core.ts';
import { reviewOps, type ReviewOps, type TaskEdits } from './engine/review-ops.ts';
import type { PipelineMetrics } from './metrics.ts';
import { computeMetrics } from './metrics.ts';
import type { BatchStages, StageResolver } from './stages.ts';

export type { BatchSummary, ControlOps, ReviewOps, TaskEdits };

export interface PipelineOptions {
  db: Database;
  /** Stages for a batch (resolved once per batch and cached), or one fixed set for every batch. */
  stages: StageResolver | BatchStages;
  config?: Partial<PipelineConfig>;
}

/**
 * The engine as the rest of the app sees it: lifecycle, events, run control and review. Every
 * ledger write behind these goes through pipeline/ledger/* and the state machine.
 */
export interface PipelineEngine extends ControlOps, ReviewOps {
  readonly config: PipelineConfig;
  /** Re-queues stale in-flight work, then starts the supervised stage loops. */
  start(): Promise<void>;
  /** Stops claiming, aborts in-flight generation (re-queued), drains validation/post, releases leases. */
  stop(): Promise<void>;
  on<K extends keyof PipelineEvents>(name: K, fn: (payload: PipelineEvents[K]) => void): () => void;
  metrics(batchId?: string | null): PipelineMetrics;
  /** Resolves when the batch is done, cancelled or paused (or already is). */
  waitForBatch(batchId: string, signal?: AbortSignal): Promise<BatchSummary>;
  summary(batchId: string): BatchSummary;
  /** Wakes the scheduler (after external ledger writes, e.g. a batch created by intake). */
  poke(): void;
}

export function createPipeline(opts: PipelineOptions): PipelineEngine {
  const e = new Engine(opts);
  return {
    config: e.config,
    start: () => e.start(),
    stop: () => e.stop(),
    on: (name, fn) => e.events.on(name, fn),
    metrics: (batchId) => computeMetrics(e.db, batchId ?? null),
    waitForBatch: (batchId, signal) => e.waitForBatch(batchId, signal),
    summary: (batchId) => e.summary(batchId),
    poke: () => e.wake(),
    ...controlOps(e),
    ...reviewOps(e),
  };
}
