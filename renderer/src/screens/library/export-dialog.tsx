import { useRef, useState } from 'react';
import type { ExportProgress } from '../../../../preload/api.ts';
import { Modal } from '../../components/modal.tsx';
import { Field } from '../../components/field.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { call } from '../../api.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { useRequest, asRequestError } from '../../hooks/use-request.ts';
import { fmtBytes } from '../../hooks/format.ts';
import { toQuery, useLibrary } from '../../store/library.ts';

type Format = 'zip' | 'unity' | 'shopify';

/** Export the selection (or the current search) as ZIP, a Unity folder or a Shopify CSV, with progress. */
export function ExportDialog(props: { onClose(): void }) {
  const { selected, filters } = useLibrary();
  const info = useRequest('app.info', {});
  const [format, setFormat] = useState<Format>('zip');
  const [outDir, setOutDir] = useState('');
  const [unityFolder, setUnityFolder] = useState('AssetQL');
  const [baseUrl, setBaseUrl] = useState('');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const dir = outDir || (info.data ? `${info.data.dataDir}/exports` : '');

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
      const r = await call('export.start', { format, outDir: dir, ...scope, ...extra });
      mine.current = r.exportId;
      setProgress(latest.current.get(r.exportId) ?? { exportId: r.exportId, state: 'running', done: 0, total: 0, bytes: 0, outPath: null, error: null });
    } catch (err) {
      const e = asRequestError(err);
      setProblem(e.kind === 'Unavailable' ? 'Export is not available in this build yet.' : e.message);
    }
  };
  const running = progress?.state === 'running';

  return (
    <Modal
      title="Export assets"
      onClose={props.onClose}
      footer={
        <>
          {running ? (
            <button className="btn danger" onClick={() => progress && void call('export.cancel', { exportId: progress.exportId }).catch(() => undefined)}>
              Cancel export
            </button>
          ) : null}
          <button className="btn ghost" onClick={props.onClose}>
            Close
          </button>
          <button className="btn primary" disabled={running || !dir} onClick={() => void start()} data-testid="start-export">
            Export
          </button>
        </>
      }
    >
      <p className="muted">{selected.size ? `${selected.size} selected asset(s)` : 'Every asset matching the current search'}</p>
      <Segmented<Format> name="export-format" label="Format" value={format} options={['zip', 'unity', 'shopify'] as const} onChange={setFormat} />
      <Field label="Output folder" wide>
        <input className="input mono" value={dir} onChange={(e) => setOutDir(e.target.value)} data-testid="export-dir" />
      </Field>
      {format === 'unity' ? (
        <Field label="Assets/ folder" hint="Existing .meta files are never overwritten.">
          <input className="input" value={unityFolder} onChange={(e) => setUnityFolder(e.target.value)} />
        </Field>
      ) : null}
      {format === 'shopify' ? (
        <Field label="Public image base URL" hint="Shopify needs public image URLs (e.g. your S3 bucket).">
          <input className="input" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://cdn.example.com/assets/" />
        </Field>
      ) : null}
      {problem ? <p className="bad-text" role="alert">{problem}</p> : null}
      {progress ? (
        <div className="stack" data-testid="export-progress" data-state={progress.state}>
          <div className="progress">
            <span className={`seg ${progress.state === 'failed' ? 'bad' : 'ok'}`} style={{ width: `${progress.total ? (progress.done / progress.total) * 100 : progress.state === 'done' ? 100 : 0}%` }} />
          </div>
          <span className="small num">
            {progress.state} · {progress.done}/{progress.total} · {fmtBytes(progress.bytes)}
          </span>
          {progress.outPath ? <span className="small mono">{progress.outPath}</span> : null}
          {progress.error ? <span className="small bad-text">{progress.error}</span> : null}
        </div>
      ) : null}
    </Modal>
  );
}
