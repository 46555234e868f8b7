import type { BatchProgressEvent } from '../events.ts';
import type { BatchSummary } from '../engine.ts';

export function formatDuration(ms: number | null): string {
  if (ms == null || !Number.isFinite(ms)) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One progress line: bar, stage counts, rate, ETA. */
export function progressLine(e: BatchProgressEvent, width = 80): string {
  const c = e.counts;
  const stages = `gen ${c.generating} val ${c.validating} tag ${c.passed + c.tagging} ready ${c.ready} retry ${c.retry} review ${c.dlq}`;
  const tail = `${e.done}/${e.total} ${stages} | ${e.ratePerMin.toFixed(1)}/min ETA ${formatDuration(e.etaMs)}`;
  const barWidth = Math.max(10, Math.min(30, width - tail.length - 4));
  const filled = e.total ? Math.round((e.done / e.total) * barWidth) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${tail}`;
}

/** The final table: passed, retried, in review, failed, time, GPU-seconds. */
export function summaryTable(s: BatchSummary): string {
  const m = s.metrics;
  const failed = m.counts.cancelled + m.counts.dropped + (m.total - m.done - m.held);
  const rows: [string, string][] = [
    ['batch', `${s.batch.name} (${s.batch.id})`],
    ['state', s.batch.state],
    ['rows', String(m.total)],
    ['passed', String(m.decisions.passed)],
    ['approved', String(m.decisions.approved)],
    ['retried', String(s.retried)],
    ['in review', String(m.decisions.review + m.held)],
    ['rejected', String(m.decisions.rejected)],
    ['cancelled / not finished', String(failed)],
    ['time', formatDuration(m.elapsedMs)],
    ['GPU-seconds', m.gpuSeconds.toFixed(1)],
    ['pass rate', `${(m.passRate * 100).toFixed(1)}%`],
    ['error rate', `${(m.errorRate * 100).toFixed(1)}%`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/** Exit 0 only when every row ended passed (ready) or in review (DLQ or held). */
export function runExitCode(s: BatchSummary): number {
  const m = s.metrics;
  return m.counts.ready + m.counts.dlq + m.held === m.total ? 0 : 1;
}
