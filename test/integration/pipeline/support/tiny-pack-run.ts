import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DataDir } from '../../../../main/core/data-dir.ts';
import { createProfile } from '../../../../main/dna/profile-repo.ts';
import { WorkerPool } from '../../../../main/inference/worker-pool.ts';
import { createPipeline, type BatchSummary, type PipelineEngine } from '../../../../main/pipeline/engine.ts';
import type { PipelineConfig } from '../../../../main/pipeline/config.ts';
import { createRealStages, type RealStages } from '../../../../main/pipeline/wiring.ts';
import { loadReferenceDir } from '../../../../main/intake/references/load-references.ts';
import { createTestPack } from '../../../../models/test-pack/create-test-pack.ts';
import { writeRefs } from './cli-fixtures.ts';

export interface TinyPackRun {
  engine: PipelineEngine;
  stages: RealStages;
  profile: { id: string; version: number };
  size: number;
  steps: number;
  close(): Promise<void>;
}

/** Real wiring (SDXL + CLIP tiny packs in a worker pool, brand DNA scoring, library store). */
export async function tinyPackEngine(db: Database, dataDir: DataDir, dir: string, config: Partial<PipelineConfig> = {}): Promise<TinyPackRun> {
  const sdxlDir = join(dir, 'test-sdxl');
  const clipDir = join(dir, 'test-clip');
  const m = await createTestPack(sdxlDir, { kind: 'sdxl', id: 'test-sdxl' });
  await createTestPack(clipDir, { kind: 'clip', id: 'test-clip' });
  await writeRefs(join(dir, 'refs'));
  const refs = await loadReferenceDir(join(dir, 'refs'));
  const pool = new WorkerPool({ size: 1, providers: ['cpu'] });
  const stages = await createRealStages({ db, dataDir, pool, packDir: sdxlDir, clipPackDir: clipDir });
  const profile = await createProfile(db, dataDir, refs.references.map((r) => ({ name: r.name, image: r.rgb })), { name: 'tiny', embedder: stages.embedder });
  const engine = createPipeline({ db, stages: stages.resolve, config });
  return {
    engine,
    stages,
    profile: { id: profile.id ?? "", version: profile.version },
    size: m.defaults.width,
    steps: m.defaults.steps,
    async close() {
      await engine.stop();
      await stages.dispose();
      await pool.close();
    },
  };
}

export function tinyRows(n: number, size: number, steps: number) {
  return Array.from({ length: n }, (_, i) => ({
    rowIndex: i + 2,
    name: `item-${i + 1}`,
    prompt: `a ceramic mug number ${i + 1} on a wooden table`,
    params: { width: size, height: size, steps, guidance: 5, sampler: 'euler', seed: 7 + i },
  }));
}

export type { BatchSummary };
