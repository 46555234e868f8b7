import { useState } from 'react';
import type { IpAdapterInstallDto, PackInfo } from '../../../../preload/api.ts';
import { call, type RequestError } from '../../api.ts';
import { asRequestError } from '../../hooks/use-request.ts';
import { useToasts } from '../../store/toasts.ts';
import { BasePackSelect } from './base-pack-select.tsx';
import { WeightsProgress } from './weights-progress.tsx';

/** What to do about a refused install, by the kind of failure (the message says what was wrong). */
function fixFor(e: RequestError): string {
  if (e.kind === 'NotFound') return 'Check the file path (a .safetensors on this machine) and that the base pack is installed.';
  if (e.kind === 'Conflict') return 'Pick another name for the new pack.';
  if (e.kind === 'BadInput') return 'Use a plain SDXL IP-Adapter (h94/IP-Adapter sdxl_models/ip-adapter_sdxl.safetensors or ip-adapter_sdxl_vit-h.safetensors) on an SDXL pack in the Optimum layout (fp32, portable fp16 or Turbo; see docs/style-weights.md). IP-Adapter Plus and SD 1.5 adapters are refused.';
  if (e.kind === 'Inference') return 'The graphs were rewritten but would not run: nothing was installed. Check the head size (64 for SDXL) and try again.';
  return '';
}

/**
 * Settings → Model packs → Install IP-Adapter: the adapter's .safetensors (on this machine)
 * onto an installed SDXL pack, as a new pack with the decoupled cross-attention, smoke-tested
 * on the CPU first (`assetql models ip-adapter install`). New batch then offers the new pack;
 * its "more style weight" rung uses the adapter.
 */
export function IpAdapterInstall({ packs, onInstalled }: { packs: PackInfo[]; onInstalled: () => void }) {
  const bases = packs.filter((p) => p.kind === 'sdxl' && p.installed && !p.ipAdapter);
  const [path, setPath] = useState('');
  const [base, setBase] = useState('');
  const [name, setName] = useState('');
  const [headDim, setHeadDim] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<IpAdapterInstallDto | null>(null);
  const [error, setError] = useState<RequestError | null>(null);
  const baseId = base || bases[0]?.id || '';
  const headOk = headDim === '' || (Number.isInteger(Number(headDim)) && Number(headDim) >= 1 && Number(headDim) <= 1024);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await call('models.installIpAdapter', { path: path.trim(), baseId, ...(name.trim() ? { name: name.trim() } : {}), ...(headDim ? { headDim: Number(headDim) } : {}) });
      setResult(r);
      useToasts.getState().push('ok', `Installed ${r.name} as pack ${r.packId}`);
      onInstalled();
    } catch (err) {
      setError(asRequestError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack tight" data-testid="ip-adapter-install">
      <h3>Install an IP-Adapter</h3>
      <div className="small muted">Adds the adapter's image cross-attention to a copy of an SDXL pack. Batches on the new pack follow the references' look more closely when the style-weight retry runs.</div>
      <input className="input mono" placeholder="/path/to/ip-adapter_sdxl.safetensors" value={path} onChange={(e) => setPath(e.target.value)} aria-label="IP-Adapter file" />
      <div className="row gap">
        <BasePackSelect bases={bases} value={baseId} onChange={setBase} label="IP-Adapter base pack" />
        <input className="input" placeholder="Name (optional)" value={name} onChange={(e) => setName(e.target.value)} aria-label="IP-Adapter pack name" />
        <label className="inline-field small" title="Width of one attention head in the base pack's UNet: 64 for every SDXL pack (leave it empty)">
          Head size
          <input className="input narrow num" type="number" min={1} max={1024} step={1} placeholder="64" value={headDim} onChange={(e) => setHeadDim(e.target.value)} aria-label="Attention head size" aria-invalid={!headOk} />
        </label>
        <button className="btn" disabled={busy || !path.trim() || !baseId || !headOk} onClick={() => void run()}>
          {busy ? 'Installing…' : 'Install'}
        </button>
      </div>
      {busy ? <WeightsProgress op="ip-adapter" file={path.trim()} /> : null}
      {result ? (
        <div className="small" role="status" data-testid="ip-adapter-result">
          {result.packId}: {result.layers} cross-attention layer{result.layers === 1 ? '' : 's'} with the adapter, {result.tokens} image token{result.tokens === 1 ? '' : 's'} from {result.embedDim}-d image embeddings. Pick this pack in New batch to use it.
        </div>
      ) : null}
      {error ? (
        <div className="small bad-text" role="alert" data-testid="ip-adapter-error">
          <div>IP-Adapter not installed: {error.message}</div>
          {fixFor(error) ? <div className="muted">{fixFor(error)}</div> : null}
        </div>
      ) : null}
    </div>
  );
}
