import type { CudaRuntimeDto } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import { AppError } from '../../core/app-error.ts';
import { cudaRuntimeStatus, disableCuda, enableCuda } from '../../gpu-runtime/cuda-runtime.ts';

/**
 * Enable CUDA acceleration from the app (Settings → GPU): status, a background install with
 * progress on `gpu.progress`, cancel (the partial download is kept and resumed), and removal.
 */
export function registerGpuHandlers(s: AppServices): void {
  let running: AbortController | null = null;
  let changed = false;
  let lastResult: string | null = null;
  const status = (): CudaRuntimeDto => {
    const st = cudaRuntimeStatus();
    return {
      offered: st.offered, reason: st.reason, driverFound: st.driverFound, installed: st.installed, active: st.active,
      restartNeeded: changed, dir: st.dir, onnxruntime: st.ortVersion, lastResult,
    };
  };

  s.registry.handle('gpu.status', () => status());

  s.registry.handle('gpu.enableCuda', () => {
    if (running) return { started: false };
    const st = cudaRuntimeStatus();
    if (!st.offered) throw new AppError('Unavailable', st.reason ?? 'CUDA acceleration is not offered on this platform');
    const controller = new AbortController();
    running = controller;
    const emit = (state: 'running' | 'done' | 'failed' | 'cancelled', stage: string, bytes: number, total: number, message: string): void =>
      s.bus.emit('gpu.progress', { state, stage, bytes, total, message });
    void enableCuda({ signal: controller.signal, onProgress: (p) => emit('running', p.stage, p.bytesDone, p.bytesTotal, p.message) })
      .then(
        (r) => {
          changed = changed || r.state === 'enabled';
          lastResult = r.state === 'enabled' ? `${r.probe.message} Restart AssetQL to generate with CUDA.` : r.probe.message;
          emit('done', 'done', 0, 0, lastResult);
        },
        (err: unknown) => {
          const e = err instanceof AppError ? err : new AppError('Internal', String(err));
          lastResult = e.kind === 'Cancelled' ? 'Cancelled; the partial download was kept and resumes next time.' : e.message;
          emit(e.kind === 'Cancelled' ? 'cancelled' : 'failed', 'done', 0, 0, lastResult);
        },
      )
      .finally(() => {
        running = null;
      });
    return { started: true };
  });

  s.registry.handle('gpu.cancelEnableCuda', () => {
    const c = running;
    c?.abort();
    return { cancelled: !!c };
  });

  s.registry.handle('gpu.disableCuda', async () => {
    if (running) throw new AppError('Conflict', 'the CUDA runtime is being installed; cancel that first');
    await disableCuda();
    changed = true;
    lastResult = 'CUDA runtime removed; AssetQL uses its bundled runtime from the next start.';
    return status();
  });
}
