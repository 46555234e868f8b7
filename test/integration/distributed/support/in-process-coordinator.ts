import { join } from 'node:path';
import { Queue } from 'bullmq';
import { startCoordinator, type Coordinator } from '../../../../main/distributed/coordinator.ts';
import { createProfile } from '../../../../main/dna/profile-repo.ts';
import { WorkerPool } from '../../../../main/inference/worker-pool.ts';
import { loadReferenceDir } from '../../../../main/intake/references/load-references.ts';
import { createPipeline, type PipelineEngine } from '../../../../main/pipeline/engine.ts';
import type { PipelineConfig } from '../../../../main/pipeline/config.ts';
import type { BatchRecord } from '../../../../main/pipeline/types.ts';
import { createRealStages, type RealStages } from '../../../../main/pipeline/wiring.ts';
import { packDirForLoras } from '../../../../main/style-weights/batch-pack.ts';
import { readPackManifest } from '../../../../models/pack-store.ts';
import { tempLibrary, type TempLibrary } from '../../pipeline/support/fixtures.ts';

export interface InProcessCoordinator {
  lib: TempLibrary;
  engine: PipelineEngine;
  coordinator: Coordinator;
  profile: { id: string; version: number };
  /** The coordinator's local stages for a pack folder (base or LoRA variant), as a non-distributed run builds them. */
  stagesFor(packDir: string): Promise<RealStages>;
  /** The batch's pack folder as local generation uses it (the LoRA variant when it has LoRAs). */
  packDirFor(batch: BatchRecord): Promise<string>;
  /** CLIP image-encoder runs in this (coordinator) process so far. */
  clipImageRuns(): number;
  queue(): Promise<Queue>;
  close(): Promise<void>;
}

/**
 * The coordinator role in the test process (real engine, ledger and library), workers elsewhere.
 * With clipPackDir, the profile has a CLIP centroid and validate embeds with that pack, as in
 * the app; LoRA batches run their local stages on the cached variant, as the app does.
 */
export async function inProcessCoordinator(o: { redisUrl: string; storeUrl: string; packDir: string; refsDir: string; clipPackDir?: string; engine?: Partial<PipelineConfig> }): Promise<InProcessCoordinator> {
  const lib = tempLibrary('assetql-coord-');
  const pool = new WorkerPool({ size: 1, providers: ['cpu'] });
  let clipRuns = 0;
  const run = pool.run.bind(pool);
  pool.run = ((op: Parameters<typeof run>[0], opts?: Parameters<typeof run>[1]) => {
    if (op.kind === 'clip.embedImages') clipRuns++;
    return run(op, opts);
  }) as typeof pool.run;
  const built = new Map<string, Promise<RealStages>>();
  const stagesFor = (packDir: string): Promise<RealStages> => {
    let s = built.get(packDir);
    if (!s) {
      s = createRealStages({ db: lib.db, dataDir: lib.dataDir, pool, packDir, clipPackDir: o.clipPackDir ?? null });
      built.set(packDir, s);
    }
    return s;
  };
  const baseId = readPackManifest(o.packDir).id;
  const packDirFor = (batch: BatchRecord): Promise<string> => packDirForLoras(lib.db, lib.dataDir, { id: baseId, dir: o.packDir }, batch.config.loras ?? []);
  let coordinator: Coordinator | undefined;
  try {
    const stages = await stagesFor(o.packDir);
    const refs = await loadReferenceDir(o.refsDir);
    const profile = await createProfile(lib.db, lib.dataDir, refs.references.map((r) => ({ name: r.name, image: r.rgb })), { name: 'dist', embedder: stages.embedder });
    coordinator = await startCoordinator({ redisUrl: o.redisUrl, storeUrl: o.storeUrl, db: lib.db, local: null, pollMs: 250 });
    const resolve = async (batch: BatchRecord) => (await stagesFor(await packDirFor(batch))).resolve(batch);
    const engine = createPipeline({
      db: lib.db,
      stages: coordinator.wrap(resolve, { packDirFor: () => o.packDir, clipPackDir: o.clipPackDir ?? null, dataDir: lib.dataDir }),
      config: { ...coordinator.engineConfig, ...o.engine },
    });
    coordinator.attach(engine);
    await engine.start();
    const c = coordinator;
    let q: Queue | undefined;
    return {
      lib,
      engine,
      coordinator: c,
      profile: { id: profile.id ?? '', version: profile.version },
      stagesFor,
      packDirFor,
      clipImageRuns: () => clipRuns,
      async queue() {
        const name = Object.keys(await c.redis.hgetall('assetql:queues')).find((n) => n.includes(baseId));
        if (!name) throw new Error('no queue registered yet');
        q ??= new Queue(name, { connection: c.redis });
        return q;
      },
      async close() {
        await engine.stop();
        await q?.close();
        await c.stop();
        for (const s of built.values()) await (await s.catch(() => null))?.dispose();
        await pool.close();
        lib.cleanup();
      },
    };
  } catch (err) {
    await coordinator?.stop();
    for (const s of built.values()) await (await s.catch(() => null))?.dispose();
    await pool.close();
    lib.cleanup();
    throw err;
  }
}

export const packPath = (dir: string, name: string): string => join(dir, 'packs', name);
