import type { BatchSummary, TaskStatus } from '../../../../preload/api.ts';
import { useStale } from '../../store/connection.ts';
import { statusTone } from '../../components/task-status.ts';
import { fmtDuration } from '../../hooks/format.ts';

// Always shown, so the row does not jump while a batch runs; the others (On hold, Rejected,
// Dropped, Cancelled) follow a person's action and appear when they have rows.
const ALWAYS: ReadonlySet<TaskStatus> = new Set(['waiting', 'working', 'ready', 'review']);

/**
 * The counts strip above the grid: the engine's counts by status with its labels (the tiles
 * below carry the same status and label), total, and time left.
 */
export function BatchCounts(props: { batch: BatchSummary }) {
  const c = props.batch.counts;
  const stale = useStale();
  return (
    <dl className="counts" aria-label="Task counts">
      <div className="count tone-idle" data-status="total">
        <dt>Total</dt>
        <dd className="num">{c.total}</dd>
      </div>
      {c.statuses
        .filter((s) => ALWAYS.has(s.status) || s.count > 0)
        .map((s) => (
          <div key={s.status} className={`count tone-${statusTone(s.status)}`} data-status={s.status}>
            <dt>{s.label}</dt>
            <dd className="num">{s.count}</dd>
          </div>
        ))}
      {/* Only a running or finished batch has a time to tell; with the link down none is claimed (the list says "last known"). */}
      {props.batch.state === 'running' || props.batch.state === 'done' ? (
        <div className="count tone-idle" data-status="eta">
          <dt>ETA</dt>
          <dd className="num">{stale ? '—' : timeLeft(props.batch)}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** The ETA's value alone (the card and the list put the word "ETA" in front once). */
export function timeLeft(b: BatchSummary): string {
  if (b.state === 'running') return fmtDuration(b.etaSeconds);
  return b.state === 'done' ? 'finished' : '—';
}
