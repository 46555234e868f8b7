import { DEFAULT_ALERTS, type AlertThresholds } from './alerts.ts';
import { DEFAULT_ESCALATION, type EscalationOptions } from './escalation.ts';
import type { BatchRecord } from './types.ts';

export interface PipelineConfig {
  /** GPU generations at once; 1 keeps one model resident and the GPU saturated. */
  generateConcurrency: number;
  /**
   * Live cap on generations at once, read before every claim (at most generateConcurrency). A
   * coordinator follows its live workers' capacity with it, and holds new claims at 0 while it
   * switches Redis/store settings; absent means generateConcurrency.
   */
  generateSlots?: () => number;
  validateConcurrency: number;
  postConcurrency: number;
  /** Bounded queues between stages: generation waits when validation's queue is full. */
  validateQueueSize: number;
  postQueueSize: number;
  /** In-flight lease length; renewed every leaseMs/3 while the engine lives. */
  leaseMs: number;
  /** Transient retry backoff: base, 2·base, 4·base (1 s, 2 s, 4 s by default). */
  backoffBaseMs: number;
  maxTransientRetries: number;
  /** Minimum interval between step-progress events of one task (50 ms → ≤ 20/s). */
  progressIntervalMs: number;
  batchProgressIntervalMs: number;
  /** How often alerts are evaluated (they need the heavier metrics query). */
  alertIntervalMs: number;
  /** Longest sleep when nothing is claimable (a control action wakes the loop sooner). */
  idlePollMs: number;
  alerts: AlertThresholds;
  escalation: EscalationOptions;
}

export const DEFAULT_CONFIG: PipelineConfig = {
  generateConcurrency: 1,
  validateConcurrency: 2,
  postConcurrency: 2,
  validateQueueSize: 4,
  postQueueSize: 8,
  leaseMs: 30_000,
  backoffBaseMs: 1000,
  maxTransientRetries: 3,
  progressIntervalMs: 50,
  batchProgressIntervalMs: 250,
  alertIntervalMs: 1000,
  idlePollMs: 1000,
  alerts: DEFAULT_ALERTS,
  escalation: DEFAULT_ESCALATION,
};

export function resolveConfig(partial: Partial<PipelineConfig> = {}): PipelineConfig {
  return {
    ...DEFAULT_CONFIG,
    ...partial,
    alerts: { ...DEFAULT_ALERTS, ...partial.alerts },
    escalation: { ...DEFAULT_ESCALATION, ...partial.escalation },
  };
}

/** Per-batch policy read from the saved BatchConfig. */
export function batchPolicy(batch: BatchRecord): { threshold: number; styleRetries: number; candidates: number } {
  return { threshold: batch.config.thresholds.style, styleRetries: batch.config.retries, candidates: batch.config.candidates };
}
