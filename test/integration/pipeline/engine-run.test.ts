import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import type { TaskStateEvent } from '../../../main/pipeline/events.ts';
import { colourStages } from './support/colour-stages.ts';
import { rows, tempLibrary, type TempLibrary } from './support/fixtures.ts';

let lib: TempLibrary | undefined;
let engine: PipelineEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  lib?.cleanup();
  engine = undefined;
  lib = undefined;
});

function setup(threshold: number, extra: Parameters<typeof colourStages>[0] extends infer O ? Partial<O> : never = {}) {
  lib = tempLibrary();
  engine = createPipeline({ db: lib.db, stages: colourStages({ db: lib.db, dataDir: lib.dataDir, ...extra }), config: { backoffBaseMs: 5, idlePollMs: 50 } });
  return { lib, engine, threshold };
}

describe('pipeline engine on real colour stages', () => {
  it('threshold 0: every row passes first time and becomes one asset file', async () => {
    const { lib, engine } = setup(0);
    const events: TaskStateEvent[] = [];
    engine.on('task-state', (e) => events.push(e));
    await engine.start();
    const b = engine.createBatch({ name: 'all pass', model: 'test-colour-v1', config: { thresholds: { style: 0 } }, tasks: rows(12), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.batch.state).toBe('done');
    expect(s.metrics.counts.ready).toBe(12);
    expect(s.metrics.passRate).toBe(1);
    expect(s.retried).toBe(0);
    const assets = lib.db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT task_key) AS k FROM assets WHERE batch_id = ?').get(b.id) as { n: number; k: number };
    expect(assets).toEqual({ n: 12, k: 12 });
    expect(readdirSync(join(lib.dataDir.library, 'raw', b.id))).toHaveLength(12);
    const thumbs = lib.db.prepare('SELECT COUNT(*) AS n FROM assets WHERE thumb_rel_path IS NOT NULL').get() as { n: number };
    expect(thumbs.n).toBe(12);
    // Each task walked the happy path in order.
    const one = events.filter((e) => e.taskId === events[0]!.taskId).map((e) => e.to);
    expect(one).toEqual(['generating', 'validating', 'passed', 'tagging', 'ready']);
    for (const t of engine.listTasks({ batchId: b.id })) {
      const a = engine.listAttempts(t.id);
      expect(a).toHaveLength(1);
      expect(a[0]!.outcome).toBe('passed');
      expect(a[0]!.timings?.['generate']).toBeGreaterThan(0);
      expect(a[0]!.timings?.['store']).toBeGreaterThan(0);
    }
  });

  it('a wrong-size image fails even with a perfect style score, and says why', async () => {
    lib = tempLibrary();
    const base = colourStages({ db: lib.db, dataDir: lib.dataDir });
    const stages = {
      ...base,
      validate: {
        async validate(image: Parameters<typeof base.validate.validate>[0], ctx: Parameters<typeof base.validate.validate>[1]) {
          const r = await base.validate.validate(image, ctx);
          // The real validator (brand DNA) reports the size check here; this image is "wrong".
          return { ...r, styleScore: 1, dimensionsOk: false };
        },
      },
    };
    engine = createPipeline({ db: lib.db, stages, config: { backoffBaseMs: 5, idlePollMs: 50 } });
    await engine.start();
    const b = engine.createBatch({ name: 'defects', model: 'test-colour-v1', config: { thresholds: { style: 0 }, retries: 1 }, tasks: rows(2), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.metrics.counts.dlq).toBe(2);
    for (const t of engine.listTasks({ batchId: b.id })) expect(t.lastError).toMatch(/not the requested size/);
  });

  it('threshold 1 (never reached): every rung runs, then the DLQ keeps all attempts and their images', async () => {
    const { lib, engine } = setup(1);
    await engine.start();
    const b = engine.createBatch({ name: 'all fail', model: 'test-colour-v1', config: { thresholds: { style: 1 }, retries: 3 }, tasks: rows(3), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.batch.state).toBe('done');
    expect(s.metrics.counts.dlq).toBe(3);
    for (const t of engine.listTasks({ batchId: b.id })) {
      expect(t.state).toBe('dlq');
      expect(t.lastError).toMatch(/style score 0\.\d+ < threshold 1\b.* after 3 style retries/);
      const a = engine.listAttempts(t.id);
      expect(a.map((x) => x.kind)).toEqual(['initial', 'style-retry', 'style-retry', 'style-retry']);
      expect(a.every((x) => x.outcome === 'failed' && x.imagePath && existsSync(join(lib.dataDir.library, x.imagePath)))).toBe(true);
      // rung 1: guidance + 1
      expect(a[1]!.params.guidance).toBe(t.params.guidance + 1);
      // rung 2: the style keywords are in the prompt
      expect(a[2]!.prompt).toContain('warm');
      expect(a[2]!.prompt).toContain('flat shading');
      // rung 3: fewer steps, img2img from the best attempt (the pack supports img2img)
      expect(a[3]!.params.steps).toBeLessThan(t.params.steps);
      expect(a[3]!.params.initImagePath).toBe(a[2]!.imagePath);
      // escalation really moves the measured score up
      const scores = a.map((x) => x.styleScore ?? 0);
      expect(scores[1]!).toBeGreaterThan(scores[0]!);
      expect(scores[2]!).toBeGreaterThan(scores[1]!);
      expect(scores[3]!).toBeGreaterThan(scores[2]!);
    }
    expect(lib.db.prepare('SELECT COUNT(*) AS n FROM assets').get()).toEqual({ n: 0 });
  });

  it('rung 3 is recorded as not applicable when the pack has neither IP-Adapter nor img2img', async () => {
    const { engine } = setup(1, { capabilities: { ipAdapter: false, img2img: false } });
    await engine.start();
    const b = engine.createBatch({ name: 'no knobs', model: 'm', config: { thresholds: { style: 1 } }, tasks: rows(1), start: true });
    await engine.waitForBatch(b.id);
    const [t] = engine.listTasks({ batchId: b.id });
    const a = engine.listAttempts(t!.id);
    expect((a[3]!.params['escalation'] as { notApplicable?: string }).notApplicable).toMatch(/neither IP-Adapter nor img2img/);
  });

  it('a middle threshold passes some rows only after escalation', async () => {
    const { engine } = setup(0.6);
    await engine.start();
    const b = engine.createBatch({ name: 'mixed', model: 'm', config: { thresholds: { style: 0.6 } }, tasks: rows(8), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.metrics.counts.ready).toBeGreaterThan(0);
    expect(s.retried).toBeGreaterThan(0);
    const passedLate = engine
      .listTasks({ batchId: b.id, states: ['ready'] })
      .filter((t) => t.styleRetries > 0)
      .map((t) => engine!.listAttempts(t.id).at(-1)!);
    expect(passedLate.length).toBeGreaterThan(0);
    for (const a of passedLate) expect(a.styleScore!).toBeGreaterThanOrEqual(0.6);
    expect(s.metrics.scoreHistogram.counts.reduce((x, y) => x + y, 0)).toBe(s.metrics.attempts);
  });

  it('step progress is throttled to ≤ 20 events/s per task and the last step is never lost; batch progress follows', async () => {
    const { engine } = setup(0, { stepMs: 2 });
    const steps: number[] = [];
    const progress: number[] = [];
    engine.on('task-progress', (e) => steps.push(e.step));
    engine.on('batch-progress', (e) => progress.push(e.done));
    await engine.start();
    const t0 = Date.now();
    const b = engine.createBatch({ name: 'progress', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(1, 16, 150), start: true });
    await engine.waitForBatch(b.id);
    const seconds = (Date.now() - t0) / 1000;
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2);
    expect(steps.at(-1)).toBe(150);
    expect(progress.at(-1)).toBe(1);
  });
});
