import { useState } from 'react';
import { call } from '../../api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useCheckNote } from './use-check-note.ts';

/** Write-only secrets: the UI only ever learns whether a key is stored, never its value. */
export function SecretsSection() {
  const status = useRequest('secrets.status', {});
  const [claude, setClaude] = useState('');
  const [s3, setS3] = useState('');
  const stored = (v: boolean | undefined): string => (status.error ? 'unknown' : v === undefined ? '…' : v ? 'stored' : 'not set');
  const claudeCheck = useCheckNote();
  const s3Check = useCheckNote();
  const save = async (what: 'claude' | 's3'): Promise<void> => {
    // A refused key is not stored (the call throws): useCheckNote shows why next to the field.
    const saved = what === 'claude'
      ? await claudeCheck.run(async () => {
        const r = await call('secrets.setClaudeKey', { key: claude });
        return r.check ? { ok: r.check.ok, text: r.check.message } : null;
      })
      : await s3Check.run(async () => {
        const r = await call('secrets.setS3Secret', { secretAccessKey: s3 });
        return r.check ? { ok: r.check.ok, text: r.check.message } : { ok: true, text: 'S3 secret saved, not checked yet: save the bucket and access key ID, then Test connection.' };
      });
    if (!saved) return;
    if (what === 'claude') setClaude('');
    else setS3('');
    status.reload();
  };
  const testS3 = (): Promise<boolean> => s3Check.run(async () => {
    const r = await call('secrets.checkS3', {});
    return { ok: r.ok, text: r.message };
  });
  const remove = async (what: 'claude' | 's3'): Promise<void> => {
    const ok = await confirmAction({
      title: what === 'claude' ? 'Remove Claude key' : 'Remove S3 secret',
      message: what === 'claude' ? 'Remove the stored Claude API key? Prompt polish and vision tagging stop until a new key is added.' : 'Remove the stored S3 secret access key? Sync stops until a new one is added.',
      confirmLabel: 'Remove',
      danger: true,
    });
    if (!ok) return;
    const r = what === 'claude' ? await attempt('Remove Claude key', () => call('secrets.setClaudeKey', { key: '' }), () => 'Claude key removed') : await attempt('Remove S3 secret', () => call('secrets.setS3Secret', { secretAccessKey: '' }), () => 'S3 secret removed');
    if (r) {
      if (what === 'claude') claudeCheck.clear();
      else s3Check.clear();
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
          <button className="btn" disabled={!claude || claudeCheck.busy} onClick={() => void save('claude')}>
            {claudeCheck.busy ? 'Checking…' : 'Check and save'}
          </button>
          {status.data?.claude ? (
            <button className="btn danger" onClick={() => void remove('claude')}>
              Remove
            </button>
          ) : null}
        </span>
        {claudeCheck.note ? (
          <span className={claudeCheck.note.ok ? 'ok-text small' : 'bad-text small'} role="status" data-testid="claude-key-check">
            {claudeCheck.note.text}
          </span>
        ) : null}
        <span className="field-hint">Optional: prompt polish and vision tagging. Checked with a test call; a saved key is never shown again.</span>
      </label>
      <label className="field wide">
        <span className="field-label">
          S3 secret access key <span className={status.data?.s3 ? 'badge tone-ok' : 'badge'}>{stored(status.data?.s3)}</span>
        </span>
        <span className="row gap">
          <input className="input grow" type="password" autoComplete="off" placeholder="write-only" value={s3} onChange={(e) => setS3(e.target.value)} />
          <button className="btn" disabled={!s3 || s3Check.busy} onClick={() => void save('s3')}>
            {s3Check.busy ? 'Checking…' : 'Check and save'}
          </button>
          <button className="btn" disabled={s3Check.busy || !status.data?.s3} onClick={() => void testS3()}>
            Test connection
          </button>
          {status.data?.s3 ? (
            <button className="btn danger" onClick={() => void remove('s3')}>
              Remove
            </button>
          ) : null}
        </span>
        {s3Check.note ? (
          <span className={s3Check.note.ok ? 'ok-text small' : 'bad-text small'} role="status" data-testid="s3-key-check">
            {s3Check.note.text}
          </span>
        ) : null}
        <span className="field-hint">Checked against the saved S3 settings (bucket, region, endpoint, access key ID) with one test call; a saved secret is never shown again.</span>
      </label>
      {status.data ? <p className="small muted">Stored with {status.data.storage === 'safeStorage' ? 'the OS keychain' : 'a local file (0600)'}.</p> : null}
    </div>
  );
}
