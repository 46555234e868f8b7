import { createSdxlClient } from '../inference/sdxl-client.ts';
import type { WorkerPool } from '../inference/worker-pool.ts';
import type { PackIdentity } from './pack-identity.ts';

/**
 * Loads every held pack on every inference thread before the worker takes jobs, with one 1-step
 * generation at the pack's default size. Without it the first job on each thread paid the
 * session load (seconds for SDXL; measured 2–4 s even for the tiny test pack on a loaded
 * machine) inside a job the coordinator was waiting on. Returns the time it took.
 */
export async function warmUpPacks(pool: WorkerPool, packs: PackIdentity[], threads: number): Promise<number> {
  const t0 = performance.now();
  for (const p of packs) {
    const client = await createSdxlClient(pool, p.dir);
    const d = client.manifest.defaults;
    const req = { prompt: 'warm-up', negativePrompt: '', width: d.width, height: d.height, steps: 1, guidance: d.guidance, sampler: 'euler' as const, seed: 1 };
    // As many at once as there are threads, so each thread loads the sessions it will use.
    await Promise.all(Array.from({ length: Math.max(1, threads) }, () => client.generate(req)));
  }
  return performance.now() - t0;
}
