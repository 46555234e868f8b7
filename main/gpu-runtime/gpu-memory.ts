import { execFile } from 'node:child_process';
import { totalmem } from 'node:os';

export interface GpuMemoryReport {
  bytes: number | undefined;
  /** Where the figure came from, or why there is none. */
  source: string;
}

/**
 * GPU memory as the system reports it. ONNX Runtime's providers do not expose it, so: NVIDIA
 * (CUDA, or DirectML on an NVIDIA card) through nvidia-smi; Apple silicon shares system memory
 * with the GPU and Metal lets one process use about 75% of it; anything else is reported unknown
 * and the batch plan says so instead of guessing.
 */
export async function detectGpuMemory(platform: NodeJS.Platform = process.platform, run: typeof runNvidiaSmi = runNvidiaSmi): Promise<GpuMemoryReport> {
  if (platform === 'darwin') {
    if (process.arch === 'arm64') return { bytes: Math.floor(totalmem() * 0.75), source: 'Apple silicon unified memory (75% of system memory usable by the GPU)' };
    return { bytes: undefined, source: 'Intel Mac: GPU memory not reported' };
  }
  const out = await run().catch(() => undefined);
  const mib = out
    ?.split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
  if (mib?.length) return { bytes: Math.max(...mib) * 1024 * 1024, source: 'nvidia-smi (largest NVIDIA GPU)' };
  return { bytes: undefined, source: platform === 'win32' ? 'not an NVIDIA GPU, or nvidia-smi missing: DirectML does not report memory' : 'nvidia-smi not available' };
}

function runNvidiaSmi(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('nvidia-smi', ['--query-gpu=memory.total', '--format=csv,noheader,nounits'], { timeout: 5000, windowsHide: true }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
