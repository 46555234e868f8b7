import type { ModelRecommendation } from '../../../../preload/api.ts';
import { AsyncView } from '../../components/async-view.tsx';
import { call } from '../../api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { attempt } from '../../store/toasts.ts';
import { fmtBytes } from '../../hooks/format.ts';

/**
 * Which SDXL pack to get for this machine's provider and GPU memory (`models.recommend`), with
 * the one action that gets it. Used by Settings → Model packs; first launch can render it too.
 */
export function PackRecommendationPanel({ onChanged }: { onChanged?: () => void }) {
  const rec = useRequest('models.recommend', {});
  return (
    <div className="stack tight" data-testid="pack-recommendation">
      <AsyncView state={rec} what="The pack recommendation">
        {(r) => <RecommendationBody rec={r} onChanged={() => { rec.reload(); onChanged?.(); }} />}
      </AsyncView>
    </div>
  );
}

function RecommendationBody({ rec, onChanged }: { rec: ModelRecommendation; onChanged: () => void }) {
  return (
    <>
      <p className="small">
        This machine generates with <strong>{rec.providerLabel}</strong>
        {rec.gpuMemoryBytes !== null ? ` · ${fmtBytes(rec.gpuMemoryBytes)} GPU memory` : ''} <span className="muted">({rec.gpuMemorySource})</span>
      </p>
      <ul className="stack tight" aria-label="Recommended packs">
        {rec.packs.map((p) => (
          <li key={p.model}>
            <strong>{p.packName}</strong> <span className="badge">{p.variant}</span>{' '}
            {p.action === 'installed' ? (
              <span className="badge tone-ok">installed</span>
            ) : p.action === 'download' ? (
              <button className="btn small primary" onClick={() => void attempt('Download', () => call('models.download', { id: p.packId })).then(onChanged)}>
                Download
              </button>
            ) : (
              <button className="btn small primary" onClick={() => void attempt('Build', () => call('models.convert', { id: p.buildFrom ?? p.packId }), (r) => `Building ${r.id} from ${p.buildFrom ?? '?'}`).then(onChanged)}>
                Build from {p.buildFrom}
              </button>
            )}
            <div className="small muted">
              {p.reason}
              {p.needBytes !== null ? ` · needs about ${fmtBytes(p.needBytes)} of GPU memory at its default size` : ''}
            </div>
            {p.warnings.map((w) => (
              <div key={w} className="small warn-text">
                {w}
              </div>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}
