import { useState } from 'react';
import type { EventPayloads } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { fmtBytes, fmtDuration } from '../../hooks/format.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';
import { installedSdxl, usePackList } from '../../store/packs.ts';

type Download = EventPayloads['download.progress'];

/**
 * First launch without a model: says so and offers the two ways on: download a real SDXL pack
 * (its size against the free disk space, with progress), or create the tiny test packs to try
 * the flow in a minute. Disappears once an SDXL pack is installed.
 */
export function FirstRun() {
  const packs = usePackList();
  const storage = useRequest('models.storage', {});
  // What suits this machine's execution provider and GPU memory (shown when the core can say).
  const rec = useRequest('models.recommend', {});
  const [downloads, setDownloads] = useState<Record<string, Download>>({});
  const [creating, setCreating] = useState(false);
  useEvent('download.progress', (p) => {
    setDownloads((d) => ({ ...d, [p.id]: p }));
    if (p.state === 'done') packs.reload();
  });
  if (!packs.data || installedSdxl(packs.data).length > 0) return null;
  const free = storage.data?.freeBytes ?? null;
  // The packs recommended for this machine's provider come first and are marked; the rest stay
  // listed (a user may prepare a pack for another machine) but below them.
  const recommended = new Set((rec.data?.packs ?? []).map((r) => r.packId));
  const real = packs.data
    .filter((p) => p.kind === 'sdxl' && p.downloadable)
    .sort((a, b) => Number(recommended.has(b.id)) - Number(recommended.has(a.id)));

  const createTestPacks = async (): Promise<void> => {
    setCreating(true);
    const r = await attempt('Create test packs', () => call('models.createTestPacks', {}), (v) => `Created ${v.length} test pack(s): try the flow (their images are noise)`);
    setCreating(false);
    if (r) packs.reload();
  };

  return (
    <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">No image model is installed yet</h2>
      <p className="muted">AssetQL generates with an SDXL model pack on this machine. Choose one way to continue:</p>
      <div className="first-run-paths">
        <div className="stack">
          <h3>Download a real pack</h3>
          {rec.data?.packs.length ? (
            <p className="small" data-testid="first-run-recommendation">
              Recommended for {rec.data.providerLabel}: <strong>{rec.data.packs[0]!.packName}</strong> — {rec.data.packs[0]!.reason}
            </p>
          ) : null}
          {real.length === 0 ? <p className="muted small">No downloadable SDXL pack in the catalog.</p> : null}
          <ul className="plain-list">
            {real.map((p) => {
              const d = downloads[p.id];
              const fits = free === null || p.sizeBytes === null || free > p.sizeBytes * 1.02;
              return (
                <li key={p.id} className="row-between gap wrap">
                  <span>
                    <strong>{p.name}</strong>{' '}
                    {recommended.has(p.id) ? <span className="badge tone-ok">recommended here</span> : null}{' '}
                    <span className="muted small num">
                      {fmtBytes(p.sizeBytes)} · {free === null ? 'free space unknown' : `${fmtBytes(free)} free`}
                    </span>
                    {!fits ? <span className="bad-text small"> — not enough disk space</span> : null}
                    {d?.state === 'running' ? (
                      <span className="small num" role="status">
                        {' '}
                        {fmtBytes(d.bytes)} / {fmtBytes(d.total)} · {fmtDuration(d.etaSeconds)} left
                      </span>
                    ) : null}
                    {d?.state === 'failed' ? <span className="bad-text small"> {d.error}</span> : null}
                  </span>
                  <button className="btn" disabled={!fits || d?.state === 'running'} onClick={() => void attempt('Download', () => call('models.download', { id: p.id }))}>
                    Download
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
        <div className="stack">
          <h3>Try it with test packs</h3>
          <p className="small muted">Tiny models with random weights (a few MB, made on this machine): every step works, the images are noise.</p>
          <button className="btn primary" disabled={creating} onClick={() => void createTestPacks()} data-testid="first-run-test-packs">
            {creating ? 'Creating…' : 'Create test packs'}
          </button>
        </div>
      </div>
    </section>
  );
}
