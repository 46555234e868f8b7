import { execFile } from 'node:child_process';

/** First GPU's name and memory from nvidia-smi, or nulls when there is none (CPU, DirectML, CoreML). */
export function gpuInfo(): Promise<{ name: string | null; memoryMb: number | null }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { timeout: 3000 }, (err, stdout) => {
      if (err) return resolve({ name: null, memoryMb: null });
      const [name, mem] = (stdout.split('\n')[0] ?? '').split(',').map((s) => s.trim());
      resolve({ name: name || null, memoryMb: Number.isFinite(Number(mem)) && mem ? Number(mem) : null });
    });
  });
}
