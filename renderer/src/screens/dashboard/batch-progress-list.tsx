import { useEffect } from 'react';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { StateBadge } from '../../components/state-badge.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { sortedBatches, useBatches } from '../../store/batches.ts';
import { fmtDuration } from '../../hooks/format.ts';

/** Progress of every batch (live through the batches store). */
export function BatchProgressList() {
  const list = useRequest('batches.list', {});
  const { batches, setAll } = useBatches();
  useEffect(() => {
    if (list.data) setAll(list.data);
  }, [list.data, setAll]);
  const all = sortedBatches(batches).filter((b) => !b.id.startsWith('e2e-'));
  if (list.error && all.length === 0) return <ErrorState error={list.error} what="Batches" compact />;
  if (all.length === 0) return <p className="muted">No batches yet.</p>;
  return (
    <table className="table" aria-label="Batch progress">
      <tbody>
        {all.slice(0, 10).map((b) => (
          <tr key={b.id}>
            <td className="ellipsis">{b.name}</td>
            <td>
              <StateBadge state={b.state} />
            </td>
            <td className="grow-cell">
              <ProgressBar counts={b.counts} label={`${b.name} progress`} />
            </td>
            <td className="num">
              {b.counts.byStatus.ready}/{b.counts.total}
            </td>
            <td className="num muted">{fmtDuration(b.etaSeconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
