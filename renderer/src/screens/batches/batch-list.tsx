import type { BatchSummary } from '../../../../preload/api.ts';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { fmtDuration } from '../../hooks/format.ts';

/** The batch list: name, state, segmented progress, counts and ETA (fixed-width numbers). */
export function BatchList(props: { batches: BatchSummary[]; selectedId: string | null; onSelect(id: string): void }) {
  return (
    <ul className="batch-list" aria-label="Batches">
      {props.batches.map((b) => {
        const c = b.counts;
        return (
          <li key={b.id}>
            <button className={b.id === props.selectedId ? 'batch-item active' : 'batch-item'} onClick={() => props.onSelect(b.id)} aria-current={b.id === props.selectedId}>
              <span className="row-between">
                <span className="ellipsis">{b.name}</span>
                <StateBadge state={b.state} />
              </span>
              <ProgressBar total={c.total} ready={c.ready} review={c.review} failed={c.failed} label={`${b.name} progress`} />
              <span className="row-between muted small num">
                <span>
                  {c.ready}/{c.total} ready · {c.review} review
                </span>
                <span>ETA {fmtDuration(b.etaSeconds)}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
