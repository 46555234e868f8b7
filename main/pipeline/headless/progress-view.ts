import type { BatchProgressEvent } from '../events.ts';
import type { BatchSummary } from '../engine.ts';
import { statusInfo } from '../../../preload/api.ts';

export function formatDuration(ms: number | null): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One progress line: bar, the batch's status line (the app's batch list shows the same), in progress, rate, ETA. */
export function progressLine(e: BatchProgressEvent, width = 80): string {
  const s = e.statuses;
  const tail = `${s.line} · ${statusInfo('working').label} ${s.byStatus.working} | ${e.ratePerMin.toFixed(1)}/min ETA ${formatDuration(e.etaMs)}`;
  const barWidth = Math.max(10, Math.min(30, width - tail.length - 4));
  const filled = e.total ? Math.round((e.done / e.total) * barWidth) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${tail}`;
}

/**
 * The final table: rows by status with the app's labels (Ready split into passed by the check
 * and approved by hand), retried, time, GPU-seconds, rates.
 */
export function summaryTable(s: BatchSummary): string {
  const m = s.metrics;
  const rows: [string, string][] = [
    ['batch', `${s.batch.name} (${s.batch.id})`],
    ['state', s.batch.state],
    ['rows', String(s.counts.total)],
    ...s.counts.statuses.map((c): [string, string] => [
      c.label,
      c.status === 'ready' ? `${c.count} (passed ${m.decisions.passed}, approved by hand ${m.decisions.approved})` : String(c.count),
    ]),
    ['retried', String(s.retried)],
    ['time', formatDuration(m.elapsedMs)],
    ['GPU-seconds', m.gpuSeconds.toFixed(1)],
    ['pass rate', `${(m.passRate * 100).toFixed(1)}%`],
    ['error rate', `${(m.errorRate * 100).toFixed(1)}%`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/**
 * Exit 0 only when every row ended Ready, Needs review or On hold (a person decides next).
 * Counted by status, so a held row that was cancelled counts as Cancelled, not as held.
 */
export function runExitCode(s: BatchSummary): number {
  const c = s.counts;
  return c.byStatus.ready + c.byStatus.review + c.byStatus.held === c.total ? 0 : 1;
}
