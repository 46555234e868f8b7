import { useEffect } from 'react';
import { BarMeter } from '../../components/charts/bar-meter.tsx';
import { useRequest } from '../../hooks/use-request.ts';

/** Images per minute per worker over the last 10 minutes (from the ledger's attempt records). */
export function WorkerThroughput() {
  const list = useRequest('workers.list', {});
  const { reload } = list;
  useEffect(() => {
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [reload]);
  const rows = list.data?.throughput ?? [];
  // Only worth a card when more than this machine made images.
  if (!list.data?.active && rows.every((r) => r.worker === 'local')) return null;
  const max = Math.max(1, ...rows.map((r) => r.perMin));
  return (
    <div className="card stack" data-testid="worker-throughput">
      <h3>Throughput per worker</h3>
      {rows.length === 0 ? <p className="muted chart-empty">No images in the last 10 minutes.</p> : null}
      {rows.map((r) => (
        <BarMeter key={r.worker} label={r.worker === 'local' ? 'this machine' : `${r.host ?? ''} ${r.worker}`.trim()} value={r.perMin} max={max} text={`${r.perMin.toFixed(1)} / min`} tone="active" />
      ))}
    </div>
  );
}
