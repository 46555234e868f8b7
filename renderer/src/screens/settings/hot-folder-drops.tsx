import { useState } from 'react';
import type { HotFolderDrop } from '../../../../preload/api.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { fmtDate } from '../../hooks/format.ts';
import { useBatches } from '../../store/batches.ts';
import { useNavigation } from '../../store/navigation.ts';

/**
 * Every hot-folder drop since the app started and what became of it: a link to its batch, or
 * the reason it could not start (the same text as name.error.txt in failed/).
 */
export function HotFolderDrops() {
  const state = useRequest('hotFolder.drops', {});
  const [live, setLive] = useState<HotFolderDrop[]>([]);
  useEvent('hotfolder.drop', (d) => setLive((l) => [d, ...l]));
  const go = useNavigation((s) => s.go);
  const select = useBatches((s) => s.select);
  const known = new Set(state.data?.drops.map((d) => d.id) ?? []);
  const drops = [...live.filter((d) => !known.has(d.id)), ...(state.data?.drops ?? [])];
  return (
    <div className="card span-2" data-testid="hot-folder-drops">
      <h2>Hot folder drops</h2>
      <p className="muted small" role="status">
        {state.data?.watching ? `Watching ${state.data.watching}` : (state.data?.problem ?? 'Not watching: turn it on below (Hot folder → Watch) and save.')}
      </p>
      {drops.length === 0 ? (
        <p className="muted small">No drops yet. Copy a references folder, then its CSV, into the hot folder (resources/examples/README.md shows the layout).</p>
      ) : (
        <ul className="hot-drops" aria-label="Hot folder drops" aria-live="polite">
          {drops.map((d) => (
            <li key={d.id} data-state={d.state}>
              <span className={d.state === 'started' ? 'badge tone-ok' : 'badge tone-bad'}>{d.state === 'started' ? 'batch started' : 'failed'}</span>
              <strong>{d.name}.csv</strong>
              <span className="muted small">{fmtDate(d.at)}</span>
              {d.batchId ? (
                <button
                  className="btn small"
                  onClick={() => {
                    select(d.batchId);
                    go('batches');
                  }}
                >
                  Open batch
                </button>
              ) : null}
              {d.error ? <span className="bad-text small drop-error">{d.error}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
