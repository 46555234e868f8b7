import { useEffect } from 'react';
import type { WorkerDto, WorkersDto } from '../../../../preload/api.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { ScreenHeader } from '../../components/screen-header.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { useNavigation } from '../../store/navigation.ts';

/** GPU machines taking this app's jobs: one row per worker heartbeat, refreshed every 2 s. */
export function WorkersScreen() {
  const list = useRequest('workers.list', {});
  const { reload } = list;
  useEffect(() => {
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [reload]);
  const d: WorkersDto | null = list.data;
  return (
    <section className="screen" data-testid="workers">
      <ScreenHeader title="Workers" subtitle="GPU machines running assetql worker, and what each is doing." />
      {list.error ? <p className="muted" role="alert">Could not load workers: {list.error.message}</p> : null}
      {d ? <WorkersBody d={d} /> : null}
    </section>
  );
}

function WorkersBody({ d }: { d: WorkersDto }) {
  const { go } = useNavigation();
  if (!d.active) {
    return (
      <EmptyState title={d.error ? 'Not connected to Redis' : 'Distributed generation is off'} action={<button className="btn" onClick={() => go('settings')}>Open Settings</button>}>
        {d.error ?? 'Set a Redis URL and a store URL in Settings → Distributed, start assetql worker on each GPU machine, then restart the app.'}
      </EmptyState>
    );
  }
  const jobs = Object.entries(d.jobs).filter(([, n]) => n > 0);
  return (
    <div className="stack">
      {d.error ? <p className="badge tone-bad" role="alert">{d.error}</p> : null}
      <p className="small muted" aria-label="Jobs">
        Jobs: {jobs.length ? jobs.map(([k, n]) => `${n} ${k}`).join(' · ') : 'none queued'}
      </p>
      {d.workers.length === 0 ? (
        <EmptyState title="No worker connected">Start one with: assetql worker --redis &lt;url&gt; --store &lt;url&gt;</EmptyState>
      ) : (
        <table className="table" aria-label="Workers">
          <thead>
            <tr>
              <th>Host</th>
              <th>Provider</th>
              <th>GPU</th>
              <th>Packs</th>
              <th>Current job</th>
              <th className="num">Images/min</th>
              <th className="num">Done / failed</th>
              <th>Last heartbeat</th>
            </tr>
          </thead>
          <tbody>{d.workers.map((w) => <WorkerRow key={w.id} w={w} />)}</tbody>
        </table>
      )}
      <h2>Throughput per worker (last 10 minutes)</h2>
      {d.throughput.length === 0 ? (
        <p className="muted small">No images in the last 10 minutes.</p>
      ) : (
        <table className="table compact" aria-label="Throughput per worker">
          <thead>
            <tr>
              <th>Worker</th>
              <th className="num">Images</th>
              <th className="num">Per minute</th>
            </tr>
          </thead>
          <tbody>
            {d.throughput.map((t) => (
              <tr key={t.worker}>
                <td>{t.worker === 'local' ? 'this machine' : `${t.host ?? ''} ${t.worker}`}</td>
                <td className="num">{t.images}</td>
                <td className="num">{t.perMin.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function WorkerRow({ w }: { w: WorkerDto }) {
  const age = Math.max(0, Math.round((Date.now() - Date.parse(w.lastHeartbeat)) / 1000));
  return (
    <tr data-worker={w.id}>
      <td title={w.id}>
        {w.host} {w.local ? <span className="badge">this machine</span> : null}
      </td>
      <td>{w.provider}</td>
      <td>{w.gpu ? `${w.gpu}${w.gpuMemoryMb ? ` (${Math.round(w.gpuMemoryMb / 1024)} GB)` : ''}` : '—'}</td>
      <td>
        {[
          ...w.packs.map((p) => `${p.packId} ${p.hash.slice(0, 8)}`),
          ...w.variants.map((v) => `${v.packId} ${v.hash.slice(0, 8)} + ${v.loras.map((l) => `${l.name} ×${l.scale}`).join(', ')}`),
          ...w.clipPacks.map((p) => `CLIP ${p.packId} ${p.hash.slice(0, 8)}`),
        ].join('; ')}
      </td>
      <td>{w.currentJob ? `row ${w.currentJob.rowIndex}` : <span className="muted">idle</span>}</td>
      <td className="num">{w.imagesPerMin}</td>
      <td className="num">
        {w.completed} / {w.failed}
      </td>
      <td className={age > 10 ? 'tone-bad' : ''}>{age} s ago</td>
    </tr>
  );
}
