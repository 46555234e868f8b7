import { useState } from 'react';
import type { EventPayloads } from '../../../../preload/api.ts';
import { call } from '../../api.ts';
import { useRequest } from '../../hooks/use-request.ts';
import { useEvent } from '../../hooks/use-event.ts';
import { attempt } from '../../store/toasts.ts';
import { fmtBytes } from '../../hooks/format.ts';

type Progress = EventPayloads['gpu.progress'];

/**
 * "Enable CUDA acceleration" (Linux x64 + NVIDIA): downloads ONNX Runtime's CUDA provider for
 * this app's runtime, verifies it, installs it for this user and tests it on the GPU — no npm,
 * no terminal. Shows progress, cancels (the download resumes later) and says what to install
 * when the machine's CUDA/cuDNN does not fit.
 */
export function CudaRuntimeSection() {
  const status = useRequest('gpu.status', {});
  const [progress, setProgress] = useState<Progress | null>(null);
  useEvent('gpu.progress', (p) => {
    setProgress(p);
    if (p.state !== 'running') status.reload();
  });
  const st = status.data;
  if (!st || !st.offered) return null;
  const running = progress?.state === 'running';
  return (
    <div className="stack tight" data-testid="cuda-runtime">
      <h3>CUDA acceleration</h3>
      <p className="small">
        {st.active
          ? `Installed and working (ONNX Runtime ${st.onnxruntime}).`
          : st.installed
            ? 'Installed, but CUDA did not start on this machine.'
            : st.driverFound
              ? 'NVIDIA driver found. CUDA needs ONNX Runtime’s CUDA provider (a few hundred MB), installed for your user.'
              : 'No NVIDIA driver found: CUDA needs an NVIDIA GPU with its driver (525 or newer), CUDA 12 and cuDNN 9.'}
        {st.restartNeeded ? ' Restart AssetQL to apply the change.' : ''}
      </p>
      {running && progress ? (
        <span className="stack tight">
          <span className="progress">
            <span className="seg active" style={{ width: `${progress.total ? (progress.bytes / progress.total) * 100 : 0}%` }} />
          </span>
          <span className="small num">
            {progress.message}
            {progress.total ? ` · ${fmtBytes(progress.bytes)} / ${fmtBytes(progress.total)}` : ''}
          </span>
        </span>
      ) : st.lastResult ? (
        <p className={st.active ? 'small ok-text' : 'small warn-text'}>{st.lastResult}</p>
      ) : null}
      <div className="row gap">
        {running ? (
          <button className="btn small" onClick={() => void attempt('Cancel', () => call('gpu.cancelEnableCuda', {}))}>
            Cancel
          </button>
        ) : (
          <button className="btn small primary" disabled={!st.driverFound && !st.installed} onClick={() => void attempt('Enable CUDA acceleration', () => call('gpu.enableCuda', {}))}>
            {st.installed ? 'Test CUDA again' : 'Enable CUDA acceleration'}
          </button>
        )}
        {st.installed && !running ? (
          <button className="btn small" onClick={() => void attempt('Remove CUDA runtime', () => call('gpu.disableCuda', {})).then(() => status.reload())}>
            Remove
          </button>
        ) : null}
      </div>
    </div>
  );
}
