import { useState } from 'react';
import type { EventPayloads, PackInfo, PackIpAdapterDto } from '../../../../preload/api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { call } from '../../api.ts';
import { usePackList } from '../../store/packs.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { attempt } from '../../store/toasts.ts';
import { fmtBytes, fmtDuration } from '../../hooks/format.ts';
import { CheckpointImport } from './checkpoint-import.tsx';
import { IpAdapterInstall } from './ip-adapter-install.tsx';
import { PackRecommendationPanel } from './pack-recommendation.tsx';

type Download = EventPayloads['download.progress'];

/** Model packs: download (with progress), locate on disk, verify, create tiny test packs, import a checkpoint, install an IP-Adapter. */
export function ModelPacks() {
  const packs = usePackList();
  const [downloads, setDownloads] = useState<Record<string, Download>>({});
  const [dir, setDir] = useState('');
  useEvent('download.progress', (p) => {
    setDownloads((d) => ({ ...d, [p.id]: p }));
    if (p.state === 'done') packs.reload();
  });
  return (
    <div className="card span-2" data-testid="model-packs">
      <div className="row-between">
        <h2>Model packs</h2>
        <button className="btn" onClick={() => void attempt('Create test packs', () => call('models.createTestPacks', {}), (r) => `Created ${r.length} test pack(s)`).then((r) => r && packs.reload())}>
          Create test packs
        </button>
      </div>
      <PackRecommendationPanel onChanged={packs.reload} />
      <AsyncView state={packs} what="Model packs" isEmpty={(d) => d.length === 0} empty={<EmptyState title="No model packs">Download SDXL and CLIP packs, locate them on disk, or create tiny test packs.</EmptyState>}>
        {(list) => (
          <table className="table" aria-label="Model packs">
            <thead>
              <tr>
                <th>Pack</th>
                <th>Kind</th>
                <th>Size</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <PackRow key={p.id} pack={p} download={downloads[p.id]} />
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      {packs.data ? <CheckpointImport packs={packs.data} onImported={packs.reload} /> : null}
      {packs.data ? <IpAdapterInstall packs={packs.data} onInstalled={packs.reload} /> : null}
      <h3>Locate a pack folder</h3>
      <div className="row gap">
        <input className="input grow mono" placeholder="/path/to/model-pack (folder with manifest.json)" value={dir} onChange={(e) => setDir(e.target.value)} aria-label="Model pack folder" />
        <button className="btn" disabled={!dir.trim()} onClick={() => void attempt('Locate', () => call('models.locate', { dir: dir.trim() }), (p) => `Added ${p.name}`).then((r) => r && packs.reload())}>
          Locate
        </button>
      </div>
    </div>
  );
}

function PackRow({ pack: p, download: d }: { pack: PackInfo; download: Download | undefined }) {
  const running = d?.state === 'running';
  return (
    <tr>
      <td>
        <strong>{p.name}</strong>
        {p.testPack ? <span className="badge">test</span> : null}
        {p.variant ? <span className="badge">{p.variant}</span> : null}
        {p.ipAdapter ? <span className="badge tone-active">IP-Adapter</span> : null}
        <div className="small muted">{p.description}</div>
        {p.ipAdapter ? <IpAdapterLine ip={p.ipAdapter} /> : null}
        {p.kind === 'sdxl' ? <div className="small muted">Runs on: {p.providers.join(', ')}</div> : null}
        {p.verification ? <div className="small muted">{p.verification}</div> : null}
        {p.path ? <div className="small muted mono ellipsis">{p.path}</div> : null}
      </td>
      <td>{p.kind}</td>
      <td className="num nowrap">{fmtBytes(p.sizeBytes)}</td>
      <td className="status-cell">
        {running && d ? (
          <span className="stack tight">
            <span className="progress">
              <span className="seg active" style={{ width: `${d.total ? (d.bytes / d.total) * 100 : 0}%` }} />
            </span>
            <span className="small num">
              {d.rate === 0 && d.etaSeconds === null && d.total < 100
                ? `building: step ${d.bytes} of ${d.total}`
                : `${fmtBytes(d.bytes)} / ${fmtBytes(d.total)} · ${fmtBytes(d.rate)}/s · ${fmtDuration(d.etaSeconds)}`}
            </span>
          </span>
        ) : d?.state === 'failed' ? (
          <span className="bad-text small">{d.error}</span>
        ) : (
          <span className={p.installed ? 'badge tone-ok' : 'badge'}>{p.installed ? 'installed' : 'not installed'}</span>
        )}
      </td>
      <td className="actions-cell">
        {running ? (
          <button className="btn small" onClick={() => void attempt('Cancel download', () => call('models.cancelDownload', { id: p.id }))}>
            Cancel
          </button>
        ) : !p.installed && p.downloadable ? (
          <button className="btn small primary" onClick={() => void attempt('Download', () => call('models.download', { id: p.id }))}>
            Download
          </button>
        ) : !p.installed && p.buildFrom ? (
          <button className="btn small primary" title={`Builds this pack on your machine from ${p.buildFrom} (download that first)`} onClick={() => void attempt('Build', () => call('models.convert', { id: p.buildFrom ?? p.id }))}>
            Build
          </button>
        ) : null}
        {p.installed ? (
          <button className="btn small" onClick={() => void attempt('Verify', () => call('models.verify', { id: p.id }), (r) => (r.ok ? `${p.name}: verified` : `${p.name}: ${r.problems.join('; ')}`))}>
            Verify
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** What the pack's IP-Adapter needs to be used: a CLIP pack whose image embeddings fit it. */
function IpAdapterLine({ ip }: { ip: PackIpAdapterDto }) {
  const what = `IP-Adapter installed${ip.tokens !== null ? `: ${ip.tokens} image token${ip.tokens === 1 ? '' : 's'}` : ''}${ip.embedDim !== null ? ` from ${ip.embedDim}-d image embeddings` : ''}`;
  return (
    <div className="small" data-testid="pack-ip-adapter">
      {what}.{' '}
      {ip.clipPacks.length > 0 ? (
        <span className="muted">The style-weight retry uses it with {ip.clipPacks.join(', ')}.</span>
      ) : (
        <span className="warn-text">No installed CLIP pack makes {ip.embedDim ?? 'matching'}-d image embeddings, so the style-weight retry falls back to img2img: install the CLIP pack the adapter was trained with (ViT-H-14 for ip-adapter_sdxl_vit-h, ViT-bigG for ip-adapter_sdxl).</span>
      )}
    </div>
  );
}
