import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { createClipEmbedder } from '../../../main/inference/clip-embedder.ts';
import type { Embedder } from '../../../main/inference/embedder.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { listDeltaReports, saveDeltaReports } from '../../../main/intake/preflight/delta-repo.ts';
import { preflight } from '../../../main/intake/preflight/preflight.ts';
import type { RgbImage } from '../../../workers/image/rgb-image.ts';

const dir = mkdtempSync(join(tmpdir(), 'aq-preflight-clip-'));
let pool: WorkerPool;
let clip: Embedder;

function flat(r: number, g: number, b: number): RgbImage {
  const data = new Uint8Array(64 * 64 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
  return { width: 64, height: 64, data };
}

beforeAll(async () => {
  await createTestPack(join(dir, 'clip'), { kind: 'clip', embedDim: 32 });
  pool = new WorkerPool({ providers: ['cpu'] });
  clip = await createClipEmbedder(pool, join(dir, 'clip'));
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('pre-flight on a tiny random-weight CLIP pack (real ONNX sessions)', () => {
  it('scores prompts against the image centroid, writes delta reports, and they re-score consistently', async () => {
    const images = await clip.embedImages([flat(40, 160, 150), flat(230, 110, 80)]);
    const centroid = new Float32Array(clip.dim);
    for (const e of images) e.forEach((x, i) => (centroid[i]! += x / images.length));
    const keywords = { colours: ['teal', 'coral'], lighting: ['soft lighting'], composition: ['centered'], medium: ['flat illustration'] };
    const prompts = [
      { row: 2, prompt: 'an iron sword, teal, coral, soft lighting, centered, flat illustration' },
      { row: 3, prompt: 'a photo of a wooden chair' },
      { row: 4, prompt: 'a red potion bottle' },
    ];
    // A threshold above 1 forces a delta report for every row: random weights carry no
    // meaning, so this test checks the mechanics (calibration, measured gains, storage), not taste.
    const result = await preflight(prompts, { centroid, keywords }, clip, { threshold: 1.01 });
    expect(result.available).toBe(true);
    expect(result.calibration?.target).toBe('image-centroid');
    // Random weights put the anchors closer than MIN_SPREAD, so the calibration widens them.
    expect(result.calibration?.high).toBeGreaterThanOrEqual(result.calibration!.low + 0.02 - 1e-9);
    expect(result.rows).toHaveLength(3);
    for (const r of result.rows) {
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(r.delta).not.toBeNull();
    }
    const d = result.rows[1]!.delta!;
    expect(d.missing.map((m) => m.attribute)).toEqual(['colours', 'lighting', 'composition', 'medium']);
    const again = await preflight([{ row: 3, prompt: d.suggestion }], { centroid, keywords }, clip, { threshold: 1.01 });
    expect(again.rows[0]!.confidence).toBeCloseTo(d.suggestedConfidence, 5);

    const db = openDatabase(join(dir, 'a.db'));
    db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('b','t','{}',0,0)`).run();
    saveDeltaReports(db, 'b', result.rows.map((r) => r.delta!));
    expect(listDeltaReports(db, 'b').map((r) => r.row)).toEqual([2, 3, 4]);
    db.close();
  });
});
