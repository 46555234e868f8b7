import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyPackEngine, tinyRows, type TinyPackRun } from './support/tiny-pack-run.ts';
import { tempLibrary, type TempLibrary } from './support/fixtures.ts';

let lib: TempLibrary | undefined;
let run: TinyPackRun | undefined;
afterAll(async () => {
  await run?.close();
  lib?.cleanup();
});

describe('100-row batch end to end on tiny packs (real SDXL + CLIP workers, brand DNA, library)', () => {
  it('every row ends exactly once as an asset with thumbnail, embedding and tags', async () => {
    lib = tempLibrary('assetql-tiny100-');
    run = await tinyPackEngine(lib.db, lib.dataDir, lib.dir, { validateConcurrency: 2, postConcurrency: 2 });
    const { engine } = run;
    await engine.start();
    const t0 = performance.now();
    const b = engine.createBatch({
      name: 'tiny 100',
      model: 'test-sdxl',
      config: { thresholds: { style: 0 }, retries: 3 },
      profileId: run.profile.id,
      profileVersion: run.profile.version,
      tasks: tinyRows(100, run.size, run.steps),
      start: true,
    });
    const s = await engine.waitForBatch(b.id);
    const wallMs = performance.now() - t0;
    expect(s.batch.state).toBe('done');
    expect(s.metrics.counts.ready).toBe(100);
    const a = lib.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k, COUNT(thumb_rel_path) AS t, COUNT(tagged_at) AS tagged FROM assets').get();
    expect(a).toEqual({ n: 100, k: 100, t: 100, tagged: 100 });
    expect(lib.db.prepare('SELECT COUNT(*) AS n FROM asset_embeddings').get()).toEqual({ n: 100 });
    expect(readdirSync(join(lib.dataDir.library, 'raw', b.id))).toHaveLength(100);
    // Real scores from brand DNA (colour, edges, CLIP on the tiny pack), not constants.
    const scores = lib.db.prepare('SELECT COUNT(DISTINCT style_score) AS d, MIN(style_score) AS lo, MAX(style_score) AS hi FROM assets').get() as { d: number; lo: number; hi: number };
    expect(scores.d).toBeGreaterThan(1);
    expect(scores.lo).toBeGreaterThanOrEqual(0);
    expect(scores.hi).toBeLessThanOrEqual(1);
    expect(s.metrics.gpuSeconds).toBeGreaterThan(0);
    process.stdout.write(`tiny 100-row batch: ${(wallMs / 1000).toFixed(1)} s wall, ${s.metrics.gpuSeconds.toFixed(1)} GPU-s (CPU provider)\n`);
  }, 300_000);
});
