import { useState } from 'react';
import { call } from '../../api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { fmtBytes } from '../../hooks/format.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';

/** Settings → LoRAs: import / remove LoRA files, and the size-limited cache of baked pack variants. */
export function LorasSection() {
  const loras = useRequest('loras.list', {});
  const cache = useRequest('loras.cache', {});
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [limitGb, setLimitGb] = useState<string>('');
  const [importing, setImporting] = useState(false);
  return (
    <div className="card span-2" data-testid="loras-section">
      <h2>LoRAs</h2>
      <AsyncView state={loras} what="LoRAs" isEmpty={(d) => d.length === 0} empty={<EmptyState title="No LoRAs">Import kohya or diffusers/PEFT LoRA files (.safetensors) for SDXL; pick them per batch in New batch.</EmptyState>}>
        {(list) => (
          <table className="table" aria-label="LoRAs">
            <thead>
              <tr>
                <th>LoRA</th>
                <th>Layers</th>
                <th>Size</th>
                <th>Trigger words</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((l) => (
                <tr key={l.id}>
                  <td>
                    <strong>{l.name}</strong>
                    {l.baseModel ? <div className="small muted">{l.baseModel}</div> : null}
                  </td>
                  <td className="num">{l.layers}</td>
                  <td className="num nowrap">{fmtBytes(l.bytes)}</td>
                  <td className="small">{l.triggerWords.join(', ') || '—'}</td>
                  <td className="actions-cell">
                    <button className="btn small" onClick={() => void attempt('Remove LoRA', () => call('loras.remove', { id: l.id }), () => `Removed ${l.name}`).then((r) => r && loras.reload())}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <div className="row gap">
        <input className="input grow mono" placeholder="/path/to/lora.safetensors" value={path} onChange={(e) => setPath(e.target.value)} aria-label="LoRA file" />
        <input className="input" placeholder="Name (optional)" value={name} onChange={(e) => setName(e.target.value)} aria-label="LoRA name" />
        <button
          className="btn"
          disabled={!path.trim() || importing}
          onClick={() => {
            // Importing copies and hashes the file: one at a time, so a second click cannot import it twice.
            setImporting(true);
            void attempt('Import LoRA', () => call('loras.import', { path: path.trim(), ...(name.trim() ? { name: name.trim() } : {}) }), (l) => `Imported ${l.name} (${l.layers} layer${l.layers === 1 ? '' : 's'})`)
              .then((r) => r && (loras.reload(), setPath(''), setName('')))
              .finally(() => setImporting(false));
          }}
        >
          {importing ? 'Importing…' : 'Import LoRA'}
        </button>
      </div>
      <h3>Baked pack variants</h3>
      <AsyncView state={cache} what="LoRA cache">
        {(c) => (
          <div className="stack tight" data-testid="lora-cache">
            <div className="small">
              {fmtBytes(c.totalBytes)} of {fmtBytes(c.limitBytes)} used by {c.variants.length} baked variant{c.variants.length === 1 ? '' : 's'}; beyond the limit the least recently used go first.
            </div>
            <ul className="small">
              {c.variants.map((v) => (
                <li key={v.key}>
                  {v.packId} + {v.loras.map((l) => `${l.name} ×${l.scale}`).join(', ')} · {fmtBytes(v.bytes)} · last used {new Date(v.lastUsedAt).toLocaleString()}
                </li>
              ))}
            </ul>
            <div className="row gap">
              <input className="input num" type="number" min={0} step={1} placeholder={String(Math.round(c.limitBytes / 1024 ** 3))} value={limitGb} onChange={(e) => setLimitGb(e.target.value)} aria-label="Cache limit in GB" />
              <button className="btn small" disabled={limitGb === '' || Number(limitGb) < 0} onClick={() => void attempt('Set cache limit', () => call('loras.setCacheLimit', { bytes: Math.round(Number(limitGb) * 1024 ** 3) })).then((r) => r && cache.reload())}>
                Set limit (GB)
              </button>
              <button className="btn small" disabled={c.variants.length === 0} onClick={() => void attempt('Clear LoRA cache', () => call('loras.clearCache', {})).then((r) => r && cache.reload())}>
                Clear cache
              </button>
            </div>
          </div>
        )}
      </AsyncView>
    </div>
  );
}
