import { Fragment } from 'react';
import type { BatchSummary } from '../../../../preload/api.ts';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { timeLeft } from './batch-counts.tsx';
import { useStale } from '../../store/connection.ts';

/**
 * The batch list: name, state, profile and pack, segmented progress, counts and ETA (fixed-width
 * numbers). With the link down the state reads "last known" and no ETA is shown: a frozen
 * "running, ETA 2s" would claim progress nobody can see.
 */
export function BatchList(props: { batches: BatchSummary[]; selectedId: string | null; onSelect(id: string): void }) {
  const stale = useStale();
  return (
    <ul className="batch-list" aria-label="Batches">
      {props.batches.map((b) => {
        const c = b.counts;
        return (
          <li key={b.id}>
            <button className={b.id === props.selectedId ? 'batch-item active' : 'batch-item'} onClick={() => props.onSelect(b.id)} aria-current={b.id === props.selectedId} data-batch-id={b.id}>
              <span className="row-between">
                <span className="ellipsis">{b.name}</span>
                <span className="badges">
                  {b.archived ? <span className="badge tone-idle">archived</span> : null}
                  <StateBadge state={stale ? `${b.state}?` : b.state} />
                </span>
              </span>
              <span className="muted small ellipsis batch-meta" title={`profile ${b.profileName ?? '—'} · pack ${b.packId ?? '—'}`}>
                {b.profileName ?? 'no profile'}
                {b.profileVersion ? ` v${b.profileVersion}` : ''} · {b.packId ?? 'default pack'}
              </span>
              <ProgressBar counts={c} label={`${b.name} progress`} />
              <span className="row-between muted small num">
                {/* The engine's line ("Ready 3/36 · Needs review 2"), the same `assetql batch list` prints. */}
                <span className="batch-line" data-testid="batch-line">
                  {/* Wraps between its parts, never inside "Cancelled 33". */}
                  {c.line.split(' · ').map((part, i) => (
                    <Fragment key={part}>
                      {i > 0 ? ' · ' : ''}
                      <span className="nowrap">{part}</span>
                    </Fragment>
                  ))}
                </span>
                <span data-testid="batch-eta">{etaText(b, stale)}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function etaText(b: BatchSummary, stale: boolean): string {
  if (stale) return 'last known';
  if (b.state !== 'running') return b.state === 'done' ? 'finished' : '';
  return `ETA ${timeLeft(b)}`;
}
