import { useState } from 'react';
import type { CheckpointImportDto, PackInfo } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { attempt } from '../../store/toasts.ts';
import { BasePackSelect } from './base-pack-select.tsx';
import { WeightsProgress } from './weights-progress.tsx';

/**
 * Settings → Model packs → Import: an SDXL checkpoint (.safetensors on this machine) becomes a
 * new pack on an installed SDXL pack's graphs. The report lists every tensor that was not used.
 */
export function CheckpointImport({ packs, onImported }: { packs: PackInfo[]; onImported: () => void }) {
  const bases = packs.filter((p) => p.kind === 'sdxl' && p.installed);
  const [path, setPath] = useState('');
  const [base, setBase] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<CheckpointImportDto | null>(null);
  const baseId = base || bases[0]?.id || '';
  const run = async (): Promise<void> => {
    setBusy(true);
    const r = await attempt('Import checkpoint', () => call('models.importCheckpoint', { path: path.trim(), baseId, ...(name.trim() ? { name: name.trim() } : {}) }), (x) => `Imported ${x.name} as ${x.packId}`);
    setBusy(false);
    if (r) {
      setReport(r);
      onImported();
    }
  };
  return (
    <div className="stack tight" data-testid="checkpoint-import">
      <h3>Import an SDXL checkpoint</h3>
      <input className="input mono" placeholder="/path/to/checkpoint.safetensors" value={path} onChange={(e) => setPath(e.target.value)} aria-label="Checkpoint file" />
      <div className="row gap">
        <BasePackSelect bases={bases} value={baseId} onChange={setBase} label="Base pack" />
        <input className="input" placeholder="Name (optional)" value={name} onChange={(e) => setName(e.target.value)} aria-label="New pack name" />
        <button className="btn" disabled={busy || !path.trim() || !baseId} onClick={() => void run()}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      {busy ? <WeightsProgress op="checkpoint" file={path.trim()} /> : null}
      {report ? (
        <div className="small" role="status">
          <div>
            {report.packId}: {report.mapped} tensors written ({Object.entries(report.layouts).map(([c, l]) => `${c}: ${l}`).join(', ')}), {report.keptFromBase} kept from the base pack
            {report.smokeMs !== null ? `, smoke generation ${Math.round(report.smokeMs)} ms` : ''}.
          </div>
          {report.unmappedCount > 0 ? (
            <details>
              <summary>{report.unmappedCount} checkpoint tensors not used</summary>
              <ul className="mono">
                {report.unmapped.map((u) => (
                  <li key={u.key}>
                    {u.key}: {u.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {report.mismatched.length > 0 ? (
            <details>
              <summary>{report.mismatched.length} shape mismatches (the base pack's weights were kept)</summary>
              <ul className="mono">
                {report.mismatched.map((m) => (
                  <li key={m.key}>
                    {m.key} [{m.checkpointShape.join('×')}] → {m.target} [{m.packShape.join('×')}]
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
