import { useState } from 'react';
import type { Settings } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { SyncStatus } from './sync-status.tsx';
import { Field } from '../../components/field.tsx';
import { attempt } from '../../store/toasts.ts';

/** Every editable setting in one draft; Save sends it through settings.update. */
export function SettingsForm(props: { settings: Settings; onSaved(s: Settings): void }) {
  const [d, setD] = useState<Settings>(props.settings);
  const dirty = JSON.stringify(d) !== JSON.stringify(props.settings);
  const thr = (k: keyof Settings['thresholds'], label: string, max: number, step: number) => (
    <Field label={label}>
      <input className="input num" type="number" min={0} max={max} step={step} value={d.thresholds[k]} onChange={(e) => setD({ ...d, thresholds: { ...d.thresholds, [k]: Number(e.target.value) } })} />
    </Field>
  );
  const s3 = (k: Exclude<keyof Settings['s3'], 'enabled'>, label: string, placeholder = '') => (
    <Field label={label}>
      <input className="input" value={d.s3[k]} placeholder={placeholder} onChange={(e) => setD({ ...d, s3: { ...d.s3, [k]: e.target.value } })} />
    </Field>
  );
  const save = async (): Promise<void> => {
    const next = await attempt('Save settings', () => call('settings.update', d), () => 'Settings saved');
    if (next) {
      setD(next);
      props.onSaved(next);
    }
  };
  return (
    <form
      className="card span-2 stack"
      data-testid="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <div className="row-between">
        <h2>Defaults</h2>
        <span className="row gap">
          <button type="button" className="btn ghost" disabled={!dirty} onClick={() => setD(props.settings)}>
            Revert
          </button>
          <button type="submit" className="btn primary" disabled={!dirty}>
            Save settings
          </button>
        </span>
      </div>
      <fieldset>
        <legend>Pass thresholds</legend>
        <div className="form-grid">
          {thr('style', 'Style score ≥', 1.5, 0.01)}
          {thr('clip', 'CLIP similarity ≥', 1.5, 0.01)}
          {thr('colour', 'Colour ΔE ≤', 100, 1)}
          {thr('edge', 'Edge similarity ≥', 1.5, 0.01)}
          {thr('preflight', 'Pre-flight ≥', 1, 0.01)}
        </div>
      </fieldset>
      <fieldset>
        <legend>Runtime</legend>
        <div className="form-grid">
          <Field label="Execution provider">
            <select className="input" value={d.executionProvider} onChange={(e) => setD({ ...d, executionProvider: e.target.value as Settings['executionProvider'] })}>
              {(['auto', 'cuda', 'dml', 'coreml', 'webgpu', 'cpu'] as const).map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </Field>
          <Field label="Archive after (days)">
            <input className="input num" type="number" min={1} max={3650} value={d.archiveAfterDays} onChange={(e) => setD({ ...d, archiveAfterDays: Number(e.target.value) })} />
          </Field>
          <Field label="Cost alert (USD)">
            <input className="input num" type="number" min={0} step={0.5} value={d.alerts.costUsd} onChange={(e) => setD({ ...d, alerts: { costUsd: Number(e.target.value) } })} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Exports &amp; deleted assets</legend>
        <div className="form-grid">
          <Field label="Export root" hint="Exports written to disk from the browser land only inside this folder; leave blank to allow downloads only.">
            <input className="input mono" value={d.exportRoot} placeholder="/path/to/exports" onChange={(e) => setD({ ...d, exportRoot: e.target.value })} data-testid="export-root" />
          </Field>
          <Field label="Purge deleted after (days)" hint="Deleted assets can be undeleted until then.">
            <input className="input num" type="number" min={1} max={3650} value={d.purgeDeletedAfterDays} onChange={(e) => setD({ ...d, purgeDeletedAfterDays: Number(e.target.value) })} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>Hot folder</legend>
        <div className="row gap">
          <label className="check">
            <input type="checkbox" checked={d.hotFolder.enabled} onChange={(e) => setD({ ...d, hotFolder: { ...d.hotFolder, enabled: e.target.checked } })} /> Watch
          </label>
          <input className="input grow mono" value={d.hotFolder.path} placeholder="/path/to/hot-folder" onChange={(e) => setD({ ...d, hotFolder: { ...d.hotFolder, path: e.target.value } })} aria-label="Hot folder path" />
        </div>
        <p className="field-hint">A CSV dropped into this folder (with its references beside it) starts a batch automatically.</p>
      </fieldset>
      <fieldset>
        <legend>Claude (optional)</legend>
        <div className="row gap wrap">
          <label className="check">
            <input type="checkbox" checked={d.claude.polish} onChange={(e) => setD({ ...d, claude: { ...d.claude, polish: e.target.checked } })} /> Polish prompts
          </label>
          <label className="check">
            <input type="checkbox" checked={d.claude.visionTagging} onChange={(e) => setD({ ...d, claude: { ...d.claude, visionTagging: e.target.checked } })} /> Vision tagging
          </label>
          <Field label="Model">
            <input className="input" value={d.claude.model} onChange={(e) => setD({ ...d, claude: { ...d.claude, model: e.target.value } })} />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>S3 sync</legend>
        <label className="check">
          <input type="checkbox" checked={d.s3.enabled} onChange={(e) => setD({ ...d, s3: { ...d.s3, enabled: e.target.checked } })} /> Sync the library to S3
        </label>
        <div className="form-grid">
          {s3('bucket', 'Bucket')}
          {s3('prefix', 'Prefix', 'assetql/')}
          {s3('region', 'Region', 'us-east-1')}
          {s3('endpoint', 'Endpoint', 'blank for AWS')}
          {s3('publicBaseUrl', 'Public base URL', 'https://…')}
          {s3('accessKeyId', 'Access key ID')}
          {s3('storageClassForArchive', 'Archive storage class', 'e.g. GLACIER_IR (blank: keep)')}
        </div>
        <SyncStatus enabled={props.settings.s3.enabled} />
      </fieldset>
    </form>
  );
}
