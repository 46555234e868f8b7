import { useState } from 'react';
import { call } from '../../api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';

/** Write-only secrets: the UI only ever learns whether a key is stored, never its value. */
export function SecretsSection() {
  const status = useRequest('secrets.status', {});
  const [claude, setClaude] = useState('');
  const [s3, setS3] = useState('');
  const stored = (v: boolean | undefined): string => (status.error ? 'unknown' : v === undefined ? '…' : v ? 'stored' : 'not set');
  const save = async (what: 'claude' | 's3'): Promise<void> => {
    const r = what === 'claude' ? await attempt('Save Claude key', () => call('secrets.setClaudeKey', { key: claude }), () => 'Claude key saved') : await attempt('Save S3 secret', () => call('secrets.setS3Secret', { secretAccessKey: s3 }), () => 'S3 secret saved');
    if (r) {
      if (what === 'claude') setClaude('');
      else setS3('');
      status.reload();
    }
  };
  return (
    <div className="card stack" data-testid="secrets">
      <h2>Keys</h2>
      {status.error ? <p className="muted small">Key storage is not available yet ({status.error.kind}).</p> : null}
      <label className="field wide">
        <span className="field-label">
          Claude API key <span className={status.data?.claude ? 'badge tone-ok' : 'badge'}>{stored(status.data?.claude)}</span>
        </span>
        <span className="row gap">
          <input className="input grow" type="password" autoComplete="off" placeholder="sk-ant-… (write-only)" value={claude} onChange={(e) => setClaude(e.target.value)} />
          <button className="btn" disabled={!claude} onClick={() => void save('claude')}>
            Save
          </button>
        </span>
        <span className="field-hint">Optional: prompt polish and vision tagging. A saved key is never shown again.</span>
      </label>
      <label className="field wide">
        <span className="field-label">
          S3 secret access key <span className={status.data?.s3 ? 'badge tone-ok' : 'badge'}>{stored(status.data?.s3)}</span>
        </span>
        <span className="row gap">
          <input className="input grow" type="password" autoComplete="off" placeholder="write-only" value={s3} onChange={(e) => setS3(e.target.value)} />
          <button className="btn" disabled={!s3} onClick={() => void save('s3')}>
            Save
          </button>
        </span>
      </label>
      {status.data ? <p className="small muted">Stored with {status.data.storage === 'safeStorage' ? 'the OS keychain' : 'a local file (0600)'}.</p> : null}
    </div>
  );
}
