import type { AlertKind, PipelineAlert } from './events.ts';
import type { PipelineMetrics } from './metrics.ts';

export interface AlertThresholds {
  /** Share of closed attempts that errored (issue 6: 5%). */
  errorRate: number;
  dlq: number;
  queueDepth: number;
  costUsd: number;
  /** Error rate is noise on a handful of attempts; only judge it from this many on. */
  minAttemptsForErrorRate: number;
}

export const DEFAULT_ALERTS: AlertThresholds = { errorRate: 0.05, dlq: 10, queueDepth: 1000, costUsd: 5, minAttemptsForErrorRate: 20 };

/** The alerts a metrics snapshot crosses right now. */
export function evaluateAlerts(m: PipelineMetrics, t: AlertThresholds): PipelineAlert[] {
  const out: PipelineAlert[] = [];
  const add = (kind: AlertKind, value: number, threshold: number, message: string) =>
    out.push({ kind, batchId: m.batchId, value, threshold, message, at: m.at });
  if (m.attempts >= t.minAttemptsForErrorRate && m.errorRate > t.errorRate)
    add('error-rate', m.errorRate, t.errorRate, `error rate ${(m.errorRate * 100).toFixed(1)}% is above ${(t.errorRate * 100).toFixed(0)}%`);
  if (m.counts.dlq > t.dlq) add('dlq', m.counts.dlq, t.dlq, `${m.counts.dlq} tasks are in the review queue (more than ${t.dlq})`);
  if (m.queueDepth > t.queueDepth) add('queue-depth', m.queueDepth, t.queueDepth, `${m.queueDepth} tasks are queued (more than ${t.queueDepth})`);
  if (m.llm.costUsd > t.costUsd) add('cost', m.llm.costUsd, t.costUsd, `API cost $${m.llm.costUsd.toFixed(2)} is above $${t.costUsd.toFixed(2)}`);
  return out;
}

/** Fires each alert once when crossed and re-arms it when the value drops back below. */
export class AlertLatch {
  private readonly active = new Set<string>();

  update(scope: string | null, current: PipelineAlert[]): PipelineAlert[] {
    const prefix = `${scope ?? '*'}:`;
    const now = new Set(current.map((a) => prefix + a.kind));
    for (const k of [...this.active]) if (k.startsWith(prefix) && !now.has(k)) this.active.delete(k);
    const fresh = current.filter((a) => !this.active.has(prefix + a.kind));
    for (const a of fresh) this.active.add(prefix + a.kind);
    return fresh;
  }
}
