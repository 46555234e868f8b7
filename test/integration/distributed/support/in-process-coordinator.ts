import { join } from 'node:path';
import { Queue } from 'bullmq';
import { startCoordinator, type Coordinator } from '../../../../main/distributed/coordinator.ts';
import { createProfile } from '../../../../main/dna/profile-repo.ts';
import { WorkerPool } from '../../../../main/inference/worker-pool.ts';
import { loadReferenceDir } from '../../../../main/intake/references/load-references.ts';
import { createPipeline, type PipelineEngine } from '../../../../main/pipeline/engine.ts';
import type { PipelineConfig } from '../../../../main/pipeline/config.ts';
import { createRealStages, type RealStages } from '../../../../main/pipeline/wiring.ts';
import { tempLibrary, type TempLibrary } from '../../pipeline/support/fixtures.ts';

export interface InProcessCoordinator {
  lib: TempLibrary;
  engine: PipelineEngine;
  coordinator: Coordinator;
  profile: { id: string; version: number };
  queue(): Promise<Queue>;
  close(): Promise<void>;
}

/** The coordinator role in the test process (real engine, ledger and library), workers elsewhere. */
export async function inProcessCoordinator(o: { redisUrl: string; storeUrl: string; packDir: string; refsDir: string; engine?: Partial<PipelineConfig> }): Promise<InProcessCoordinator> {
  const lib = tempLibrary('assetql-coord-');
  const pool = new WorkerPool({ size: 1, providers: ['cpu'] });
  let stages: RealStages | undefined;
  let coordinator: Coordinator | undefined;
  try {
    stages = await createRealStages({ db: lib.db, dataDir: lib.dataDir, pool, packDir: o.packDir });
    const refs = await loadReferenceDir(o.refsDir);
    const profile = await createProfile(lib.db, lib.dataDir, refs.references.map((r) => ({ name: r.name, image: r.rgb })), { name: 'dist', embedder: null });
    coordinator = await startCoordinator({ redisUrl: o.redisUrl, storeUrl: o.storeUrl, db: lib.db, local: null, pollMs: 250 });
    const engine = createPipeline({ db: lib.db, stages: coordinator.wrap(stages.resolve, () => o.packDir), config: { ...coordinator.engineConfig, ...o.engine } });
    coordinator.attach(engine);
    await engine.start();
    const c = coordinator;
    const s = stages;
    let q: Queue | undefined;
    return {
      lib,
      engine,
      coordinator: c,
      profile: { id: profile.id ?? '', version: profile.version },
      async queue() {
        const name = Object.keys(await c.redis.hgetall('assetql:queues')).find((n) => n.includes('test-sdxl'));
        if (!name) throw new Error('no queue registered yet');
        q ??= new Queue(name, { connection: c.redis });
        return q;
      },
      async close() {
        await engine.stop();
        await q?.close();
        await c.stop();
        await s.dispose();
        await pool.close();
        lib.cleanup();
      },
    };
  } catch (err) {
    await coordinator?.stop();
    await stages?.dispose();
    await pool.close();
    lib.cleanup();
    throw err;
  }
}

export const packPath = (dir: string, name: string): string => join(dir, 'packs', name);
