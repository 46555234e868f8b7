import type { BatchSummary } from '../../../../preload/api.ts';
import { useStale } from '../../store/connection.ts';
import { etaText } from './batch-list.tsx';

/** The counts strip above the grid; each cell has reserved width so live numbers don't shift. */
export function BatchCounts(props: { batch: BatchSummary }) {
  const c = props.batch.counts;
  const stale = useStale();
  const cells: [string, number | string, string][] = [
    ['total', c.total, 'idle'],
    ['pending', c.pending, 'idle'],
    ['active', c.active, 'active'],
    ['ready', c.ready, 'ok'],
    ['review', c.review, 'warn'],
    ['failed', c.failed, 'bad'],
    ['held', c.held, 'warn'],
    // With the link down no ETA is claimed (the list says "last known").
    ['ETA', stale ? '—' : etaText(props.batch, false) || '—', 'idle'],
  ];
  return (
    <dl className="counts" aria-label="Task counts">
      {cells.map(([k, v, tone]) => (
        <div key={k} className={`count tone-${tone}`}>
          <dt>{k}</dt>
          <dd className="num">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
