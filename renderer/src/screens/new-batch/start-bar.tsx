import { useState } from 'react';
import { call } from '../../api.ts';
import { asRequestError } from '../../hooks/use-request.ts';
import { configInput, planOf, useNewBatch } from '../../store/new-batch.ts';
import { useBatches } from '../../store/batches.ts';
import { useNavigation } from '../../store/navigation.ts';
import { useToasts } from '../../store/toasts.ts';

/** What is still missing, the batch name, and Start (→ batches.create → Batches screen). */
export function StartBar() {
  const s = useNewBatch();
  const go = useNavigation((n) => n.go);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  // Without a typed name the batch is named after its CSV (the README's four clicks name nothing).
  const fallbackName = s.csvName ? s.csvName.replace(/\.csv$/i, '') : '';
  const name = s.name.trim() || fallbackName;
  const missing: string[] = [];
  if (!s.csv) missing.push('a CSV');
  else if (s.csv.errors.length > 0 && s.csv.rowCount === 0) missing.push('a CSV without errors');
  if (s.refs.length === 0 && !s.profileId) missing.push('1–5 references or a saved profile');
  if (s.refReports.some((r) => !r.ok)) missing.push('usable references (remove the flagged ones)');
  if (s.mode === 'column' && !s.promptColumn) missing.push('a prompt column');
  if (s.mode === 'template' && !s.template.trim()) missing.push('a template');
  if (!name) missing.push('a name');

  const start = async (): Promise<void> => {
    const plan = planOf(s);
    if (!plan) return;
    setBusy(true);
    setProblem(null);
    try {
      const r = await call('batches.create', { name, plan, config: configInput(s.config) });
      useToasts.getState().push('ok', `Started "${name}": ${r.tasks} tasks${r.skippedRows ? `, ${r.skippedRows} rows skipped` : ''}${r.held ? `, ${r.held} held` : ''}`);
      useBatches.getState().select(r.batchId);
      s.reset();
      go('batches');
    } catch (err) {
      const e = asRequestError(err);
      setProblem(e.kind === 'Unavailable' ? 'Batch generation is not available in this build yet.' : e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="start-bar">
      <label className="inline-field grow">
        Batch name
        <input className="input" value={s.name} onChange={(e) => s.set({ name: e.target.value })} placeholder={fallbackName || 'Spring catalogue'} maxLength={200} />
      </label>
      <span className={problem ? 'bad-text small' : 'muted small'} role="status">
        {problem ?? (missing.length ? `Needs ${missing.join(', ')}.` : `Ready: ${s.csv?.rowCount ?? 0} rows.`)}
      </span>
      <button className="btn primary" disabled={busy || missing.length > 0} onClick={() => void start()} data-testid="start-batch">
        {busy ? 'Starting…' : 'Start batch'}
      </button>
    </div>
  );
}
