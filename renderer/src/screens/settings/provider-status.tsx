import { useState } from 'react';
import { AsyncView } from '../../components/async-view.tsx';
import { useRequest } from '../../hooks/use-request.ts';
import { CudaRuntimeSection } from './cuda-runtime-section.tsx';

/** Which execution providers ONNX Runtime can use here, which one is chosen, and why. */
export function ProviderStatus() {
  const [smoke, setSmoke] = useState(false);
  const doctor = useRequest('app.doctor', { smoke });
  return (
    <div className="card" data-testid="provider-status">
      <div className="row-between">
        <h2>GPU / execution provider</h2>
        <button className="btn small" onClick={() => (smoke ? doctor.reload() : setSmoke(true))}>
          Run smoke test
        </button>
      </div>
      <AsyncView state={doctor} what="The doctor report">
        {(d) => (
          <div className="stack">
            <p>
              Using <strong>{d.chosen}</strong> <span className="muted small">· onnxruntime {d.onnxruntime} · {d.platform}</span>
            </p>
            {d.fallbackReason ? <p className="warn-text small">{d.fallbackReason}</p> : null}
            <ul className="provider-list">
              {d.providers.map((p) => (
                <li key={p.name} className={p.available ? 'ok-text' : 'muted'}>
                  <span>{p.available ? '●' : '○'}</span> <strong>{p.name}</strong> <span className="small">{p.reason}</span>
                  {p.smokeMs !== null && p.smokeMs !== undefined ? <span className="small num"> · {p.smokeMs.toFixed(0)} ms</span> : null}
                </li>
              ))}
            </ul>
            <CudaRuntimeSection />
            {d.hints.map((h) => (
              <p key={h} className="small muted">
                {h}
              </p>
            ))}
          </div>
        )}
      </AsyncView>
    </div>
  );
}
