import type { MetricsSnapshot } from '../../preload/api.ts';
import type { AppServices } from '../api/app-services.ts';
import { computeMetrics } from '../pipeline/metrics.ts';
import { DEFAULT_ALERTS, evaluateAlerts } from '../pipeline/alerts.ts';
import { loadSettings } from '../settings/app-settings.ts';
import { decisionRates } from '../api/dto/pipeline-dto.ts';

const SERIES_MINUTES = 30;

/**
 * The dashboard's data, read from the ledger (so it is right after a restart): the engine's
 * metrics, active alerts, and a per-minute series of finished attempts and error rate over the
 * last half hour.
 */
export function metricsSnapshot(s: Pick<AppServices, 'app'>, batchId: string | null): MetricsSnapshot {
  const m = computeMetrics(s.app.db, batchId);
  const since = Date.now() - SERIES_MINUTES * 60_000;
  const rows = s.app.db.prepare(`
    SELECT a.ended_at / 60000 AS minute, count(*) AS n, sum(a.outcome = 'error') AS errors
    FROM attempts a ${batchId ? 'JOIN tasks t ON t.id = a.task_id AND t.batch_id = @batchId' : ''}
    WHERE a.ended_at IS NOT NULL AND a.ended_at >= @since GROUP BY minute ORDER BY minute`).all({ since, ...(batchId ? { batchId } : {}) }) as { minute: number; n: number; errors: number }[];
  const settings = loadSettings(s.app.db);
  const alerts = evaluateAlerts(m, { ...DEFAULT_ALERTS, costUsd: settings.alerts.costUsd });
  return {
    at: new Date(m.at).toISOString(),
    queueDepth: m.queueDepth,
    throughputPerMin: m.throughputPerMin,
    etaSeconds: m.etaMs === null ? null : Math.round(m.etaMs / 1000),
    passRate: m.passRate,
    rates: decisionRates(m),
    retryRate: m.retryRate,
    dlqRate: m.dlqRate,
    errorRate: m.errorRate,
    gpuSeconds: m.gpuSeconds,
    apiTokens: m.llm.inputTokens + m.llm.outputTokens,
    apiCostUsd: m.llm.costUsd,
    scoreHistogram: { bins: m.scoreHistogram.edges, counts: m.scoreHistogram.counts },
    series: fillMinutes(rows, Math.floor(Date.now() / 60_000)),
    alerts: alerts.map((a) => ({
      id: `${a.kind}:${a.batchId ?? 'all'}`, level: a.kind === 'error-rate' || a.kind === 'cost' ? 'critical' : 'warning',
      message: a.message, batchId: a.batchId, at: new Date(a.at).toISOString(),
    })),
  };
}

/** One point per minute from the first active minute to now (idle minutes are real zeros). */
function fillMinutes(rows: { minute: number; n: number; errors: number }[], nowMinute: number): MetricsSnapshot['series'] {
  const first = rows[0]?.minute;
  if (first === undefined) return [];
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const out: MetricsSnapshot['series'] = [];
  for (let m = Math.min(first, nowMinute - 1); m <= nowMinute; m++) {
    const r = byMinute.get(m);
    out.push({ t: m * 60_000, throughput: r?.n ?? 0, errorRate: r && r.n ? r.errors / r.n : 0 });
  }
  return out;
}
