import type { BatchCounts } from '../../../preload/api.ts';
import { statusTone } from './task-status.ts';

/** Segmented progress: one segment per finished status (Ready green, Needs review amber, …), out of total. */
export function ProgressBar(props: { counts: BatchCounts; label?: string }) {
  const c = props.counts;
  const pct = (n: number): string => `${c.total > 0 ? (n / c.total) * 100 : 0}%`;
  return (
    <div className="progress" role="progressbar" aria-label={props.label ?? 'progress'} aria-valuemin={0} aria-valuemax={c.total} aria-valuenow={c.done}>
      {c.statuses
        .filter((s) => s.final && s.count > 0)
        .map((s) => (
          <span key={s.status} className={`seg ${statusTone(s.status)}`} style={{ width: pct(s.count) }} />
        ))}
    </div>
  );
}
