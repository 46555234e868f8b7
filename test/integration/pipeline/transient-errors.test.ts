import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import { colourStages, type ColourGenerateOptions } from './support/colour-stages.ts';
import { rows, tempLibrary, type TempLibrary } from './support/fixtures.ts';

let lib: TempLibrary | undefined;
let engine: PipelineEngine | undefined;
afterEach(async () => {
  await engine?.stop();
  lib?.cleanup();
});

function setup(gen: ColourGenerateOptions, backoffBaseMs = 40) {
  lib = tempLibrary();
  const calls: { prompt: string; width: number; height: number; at: number }[] = [];
  engine = createPipeline({
    db: lib.db,
    stages: colourStages({ db: lib.db, dataDir: lib.dataDir, thumbnails: false, ...gen, onCall: (c) => calls.push({ ...c, at: Date.now() }) }),
    config: { backoffBaseMs, idlePollMs: 20 },
  });
  return { lib, engine, calls };
}

describe('transient and fatal errors', () => {
  it('OutOfMemory once: retried after backoff at the next smaller size, not counted as a style retry', async () => {
    const { engine, calls } = setup({ failures: [new AppError('OutOfMemory', 'CUDA out of memory')] });
    await engine.start();
    const b = engine.createBatch({ name: 'oom', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(1, 256), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.metrics.counts.ready).toBe(1);
    const [t] = engine.listTasks({ batchId: b.id });
    expect(t!.styleRetries).toBe(0);
    expect(t!.transientRetries).toBe(1);
    const a = engine.listAttempts(t!.id);
    expect(a.map((x) => [x.kind, x.outcome, x.errorKind])).toEqual([
      ['initial', 'error', 'OutOfMemory'],
      ['transient-retry', 'passed', null],
    ]);
    expect(a[1]!.params.width).toBe(192);
    expect(calls[1]!.width).toBe(192);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(40);
    expect(s.metrics.errorRate).toBeCloseTo(0.5);
  });

  it('timeouts back off 1×, 2×, 4× base and then dead-letter', async () => {
    const err = () => new AppError('Timeout', 'worker did not answer');
    const { engine, calls } = setup({ failures: [err(), err(), err(), err()] }, 30);
    await engine.start();
    const b = engine.createBatch({ name: 'timeouts', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(1), start: true });
    await engine.waitForBatch(b.id);
    const [t] = engine.listTasks({ batchId: b.id });
    expect(t!.state).toBe('dlq');
    expect(t!.lastError).toMatch(/Timeout: worker did not answer \(gave up after 3 transient retries\)/);
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(30);
    expect(gaps[1]).toBeGreaterThanOrEqual(60);
    expect(gaps[2]).toBeGreaterThanOrEqual(120);
    expect(engine.listAttempts(t!.id)).toHaveLength(4);
  });

  it('BadInput fails fast into the DLQ with a clear reason', async () => {
    const { engine, calls } = setup({ failRows: new Map([[1, new AppError('BadInput', 'size 1000x1000 is not a multiple of 8')]]) });
    await engine.start();
    const b = engine.createBatch({ name: 'fatal', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(3), start: true });
    const s = await engine.waitForBatch(b.id);
    const ts = engine.listTasks({ batchId: b.id });
    expect(ts.map((t) => t.state)).toEqual(['dlq', 'ready', 'ready']);
    expect(ts[0]!.lastError).toBe('BadInput: size 1000x1000 is not a multiple of 8');
    expect(calls).toHaveLength(3);
    expect(s.metrics.counts.dlq).toBe(1);
  });

  it('a missing model file pauses the batch naming the file and the fix (never a style failure); resume finishes', async () => {
    const failRows = new Map<number, AppError>([[2, new AppError('ModelMissing', 'test-sdxl/unet: model file missing: /packs/test-sdxl/unet.onnx', { file: '/packs/test-sdxl/unet.onnx' })]]);
    const { engine } = setup({ failRows });
    const errors: string[] = [];
    engine.on('engine-error', (e) => errors.push(e.message));
    await engine.start();
    const b = engine.createBatch({ name: 'missing model', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(3), start: true });
    const s = await engine.waitForBatch(b.id);
    expect(s.batch.state).toBe('paused');
    expect(s.batch.pauseReason).toMatch(/model file missing: \/packs\/test-sdxl\/unet\.onnx.*Fix: restore the file/);
    expect(errors.some((m) => m.includes('unet.onnx'))).toBe(true);
    const row2 = engine.listTasks({ batchId: b.id }).find((t) => t.rowIndex === 2)!;
    expect(row2.state).toBe('queued');
    expect(row2.decision).toBeNull();
    expect(s.metrics.counts.dlq).toBe(0);
    // The file is back: resume retries the row and the batch finishes; the reason is cleared.
    failRows.clear();
    engine.resumeBatch(b.id);
    const done = await engine.waitForBatch(b.id);
    expect(done.batch.state).toBe('done');
    expect(done.batch.pauseReason).toBeNull();
    expect(engine.listTasks({ batchId: b.id }).map((t) => t.state)).toEqual(['ready', 'ready', 'ready']);
  });
});
