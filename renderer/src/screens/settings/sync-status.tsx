import { useState } from 'react';
import type { EventPayloads } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { attempt } from '../../store/toasts.ts';

type SyncProgress = EventPayloads['sync.progress'];

/**
 * S3 "Sync now" with honest status: a progress bar while files upload, then a summary
 * (uploaded / already up to date / failed) and each failed file with its reason.
 */
export function SyncStatus(props: { enabled: boolean }) {
  const [p, setP] = useState<SyncProgress | null>(null);
  useEvent('sync.progress', setP);
  const running = p?.state === 'running';
  const pct = p && p.total > 0 ? Math.round((p.done / p.total) * 100) : 0;
  return (
    <div className="stack" data-testid="sync-status">
      <div className="row gap wrap">
        <button type="button" className="btn small" disabled={!props.enabled || running} onClick={() => void attempt('Sync', () => call('sync.start', {}))}>
          {running ? 'Syncing…' : 'Sync now'}
        </button>
        {!props.enabled ? <span className="muted small">Turn sync on and save to use it.</span> : null}
      </div>
      {p ? (
        <div className="stack tight" role="status" aria-live="polite">
          {running ? (
            <>
              <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done} aria-label="S3 sync progress">
                <span className="seg active" style={{ width: `${pct}%` }} />
              </div>
              <span className="small num">
                {p.done} / {p.total} file(s) · {pct}%
              </span>
            </>
          ) : p.summary ? (
            <span className={p.summary.failed ? 'bad-text small' : 'ok-text small'}>
              Sync {p.summary.failed ? 'finished with errors' : 'done'}: {p.summary.uploaded} uploaded, {p.summary.skipped} already up to date, {p.summary.failed} failed.
            </span>
          ) : p.state === 'failed' ? (
            <span className="bad-text small">Sync failed: {p.error}</span>
          ) : null}
          {p.errors && p.errors.length > 0 ? (
            <ul className="plain-list small" aria-label="Files that failed to sync">
              {p.errors.map((e) => (
                <li key={e.key}>
                  <code>{e.key}</code> — {e.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
