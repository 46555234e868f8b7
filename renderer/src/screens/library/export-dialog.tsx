import { useRef, useState } from 'react';
import type { ExportProgress } from '../../../../preload/api.ts';
import { Modal } from '../../components/modal.tsx';
import { Field } from '../../components/field.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { call } from '../../api.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useRequest, asRequestError } from '../../hooks/use-request.ts';
import { fmtBytes } from '../../hooks/format.ts';
import { attempt } from '../../store/toasts.ts';
import { describeFilters, toQuery, useLibrary } from '../../store/library.ts';

type Format = 'zip' | 'unity' | 'shopify';
type Delivery = 'download' | 'folder';

/** Starts the browser's download of a prepared archive (the server streams it; a link cannot be fetched twice). */
function startDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * Export the selection, or exactly what the grid's filter shows, as ZIP, a Unity folder or a
 * Shopify CSV, with progress. In the browser a ZIP is a download; writing to disk goes only
 * under the export root set in Settings. The desktop app picks a folder with the OS dialog and
 * offers "Show in folder" when done.
 */
export function ExportDialog(props: { total: number | null; onClose(): void }) {
  const { selected, filters } = useLibrary();
  const info = useRequest('app.info', {});
  const settings = useRequest('settings.get', {});
  const electron = info.data?.transport === 'electron';
  const root = settings.data?.exportRoot ?? '';
  const [format, setFormat] = useState<Format>('zip');
  const [delivery, setDelivery] = useState<Delivery>('download');
  const [outDir, setOutDir] = useState('');
  const [unityFolder, setUnityFolder] = useState('AssetQL');
  const [onConflict, setOnConflict] = useState<'rename' | 'refuse' | 'overwrite'>('rename');
  const [baseUrl, setBaseUrl] = useState('');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const toDisk = electron || format !== 'zip' || delivery === 'folder';
  const folderOk = electron ? outDir.trim() !== '' : root !== '';

  // Progress events can beat export.start's reply: keep the latest per id until we know ours.
  const latest = useRef(new Map<string, ExportProgress>());
  const mine = useRef<string | null>(null);
  useEvent('export.progress', (p) => {
    latest.current.set(p.exportId, p);
    if (p.exportId === mine.current) setProgress(p);
  });

  const start = async (): Promise<void> => {
    setProblem(null);
    try {
      const scope = selected.size ? { assetIds: [...selected] } : { query: toQuery(filters) };
      const extra = format === 'unity' ? { unityFolder } : format === 'shopify' && baseUrl ? { baseUrl } : {};
      const where = toDisk ? { delivery: 'folder' as const, ...(outDir.trim() ? { outDir: outDir.trim() } : {}) } : { delivery: 'download' as const };
      const r = await call('export.start', { format, ...where, ...scope, ...extra, ...(toDisk ? { onConflict } : {}) });
      mine.current = r.exportId;
      setProgress(latest.current.get(r.exportId) ?? { exportId: r.exportId, state: 'running', done: 0, total: 0, bytes: 0, outPath: null, error: null });
      if (r.downloadUrl) startDownload(r.downloadUrl);
    } catch (err) {
      setProblem(asRequestError(err).message);
    }
  };
  const pick = async (): Promise<void> => {
    const r = await attempt('Choose a folder', () => call('app.pickFolder', {}));
    if (r?.path) setOutDir(r.path);
  };
  const running = progress?.state === 'running';
  const count = selected.size ? `${selected.size} selected asset(s)` : `All ${props.total ?? '…'} asset(s) the grid shows: ${describeFilters(filters)}`;

  return (
    <Modal
      title="Export assets"
      onClose={props.onClose}
      footer={
        <>
          {running && !progress.exportId.match(/^[0-9a-f]{32}$/) ? (
            <button className="btn danger" onClick={() => progress && void call('export.cancel', { exportId: progress.exportId }).catch(() => undefined)}>
              Cancel export
            </button>
          ) : null}
          <button className="btn ghost" onClick={props.onClose}>
            Close
          </button>
          <button className="btn primary" disabled={running || (toDisk && !folderOk)} onClick={() => void start()} data-testid="start-export">
            {toDisk ? 'Export' : 'Download ZIP'}
          </button>
        </>
      }
    >
      <p className="muted" data-testid="export-scope">
        {count}
      </p>
      <Segmented<Format> name="export-format" label="Format" value={format} options={['zip', 'unity', 'shopify'] as const} onChange={setFormat} />
      {!electron && format === 'zip' ? (
        <Segmented<Delivery> name="export-delivery" label="Delivery" value={delivery} options={['download', 'folder'] as const} onChange={setDelivery} />
      ) : null}
      {toDisk && electron ? (
        <Field label="Output folder" wide>
          <span className="row gap">
            <input className="input mono grow" value={outDir} onChange={(e) => setOutDir(e.target.value)} data-testid="export-dir" placeholder="choose a folder" />
            <button className="btn" type="button" onClick={() => void pick()}>
              Choose…
            </button>
          </span>
        </Field>
      ) : null}
      {toDisk && !electron ? (
        root ? (
          <Field label="Folder inside the export root" wide hint={<span className="mono">{root}</span>}>
            <input className="input mono" value={outDir} onChange={(e) => setOutDir(e.target.value)} data-testid="export-dir" placeholder="(the export root itself)" />
          </Field>
        ) : (
          <p className="warn-text small" role="alert">
            Writing to the server’s disk needs an export root: set one in Settings → Exports{format === 'zip' ? ', or download the ZIP instead' : ''}.
          </p>
        )
      ) : null}
      {toDisk ? (
        <Field label="If a file already exists">
          <select className="input" value={onConflict} onChange={(e) => setOnConflict(e.target.value as typeof onConflict)} data-testid="export-on-conflict">
            <option value="rename">Keep it, write the new one under a new name</option>
            <option value="refuse">Stop the export (nothing is written)</option>
            <option value="overwrite">Replace it</option>
          </select>
        </Field>
      ) : null}
      {format === 'unity' ? (
        <Field label="Assets/ folder" hint="Existing .meta files are never overwritten.">
          <input className="input" value={unityFolder} onChange={(e) => setUnityFolder(e.target.value)} />
        </Field>
      ) : null}
      {format === 'shopify' ? (
        <Field label="Public image base URL" hint="Shopify needs public image URLs (e.g. your S3 bucket); blank uses Settings → S3 public URL.">
          <input className="input" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://cdn.example.com/assets/" data-testid="shopify-base-url" />
        </Field>
      ) : null}
      {problem ? <p className="bad-text" role="alert">{problem}</p> : null}
      {progress ? (
        <div className="stack" data-testid="export-progress" data-state={progress.state} role="status" aria-live="polite">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total || 1} aria-valuenow={progress.done}>
            <span className={`seg ${progress.state === 'failed' ? 'bad' : 'ok'}`} style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : progress.state === 'done' ? 100 : 0}%` }} />
          </div>
          <span className="small num">
            {progress.state} · {progress.done}/{progress.total} · {fmtBytes(progress.bytes)}
          </span>
          {progress.outPath ? (
            <span className="row gap">
              <span className="small mono ellipsis">{progress.outPath}</span>
              {electron ? (
                <button className="btn small" onClick={() => void attempt('Show in folder', () => call('app.showInFolder', { path: progress.outPath! }))}>
                  Show in folder
                </button>
              ) : null}
            </span>
          ) : null}
          {progress.error ? <span className="small bad-text">{progress.error}</span> : null}
        </div>
      ) : null}
    </Modal>
  );
}
