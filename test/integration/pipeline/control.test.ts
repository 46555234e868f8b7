import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import type { TaskStateEvent } from '../../../main/pipeline/events.ts';
import { colourStages } from './support/colour-stages.ts';
import { rows, tempLibrary, type TempLibrary } from './support/fixtures.ts';

let lib: TempLibrary | undefined;
const engines: PipelineEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  lib?.cleanup();
});

function newEngine(l: TempLibrary, stepMs = 0) {
  const e = createPipeline({
    db: l.db,
    stages: colourStages({ db: l.db, dataDir: l.dataDir, stepMs, thumbnails: false }),
    config: { backoffBaseMs: 5, idlePollMs: 20 },
  });
  engines.push(e);
  return e;
}

function until(engine: PipelineEngine, pred: (e: TaskStateEvent) => boolean): Promise<TaskStateEvent> {
  return new Promise((resolve) => {
    const off = engine.on('task-state', (e) => {
      if (pred(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe('control operations', () => {
  it('pause aborts the in-flight generation and re-queues it; the pause survives a restart; resume finishes', async () => {
    lib = tempLibrary();
    const e1 = newEngine(lib, 30);
    await e1.start();
    const b = e1.createBatch({ name: 'p', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(6, 32, 5), start: true });
    await until(e1, (e) => e.to === 'generating');
    e1.pauseBatch(b.id);
    const s = await e1.waitForBatch(b.id);
    expect(s.batch.state).toBe('paused');
    await e1.stop();
    const interrupted = lib.db.prepare(`SELECT COUNT(*) AS n FROM attempts WHERE outcome = 'cancelled'`).get() as { n: number };
    expect(interrupted.n).toBeGreaterThanOrEqual(1);
    expect(lib.db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE lease_until IS NOT NULL`).get()).toEqual({ n: 0 });
    expect(e1.countTasks(b.id).byState.generating).toBe(0);

    const e2 = newEngine(lib);
    await e2.start();
    expect(e2.getBatch(b.id)!.state).toBe('paused');
    e2.resumeBatch(b.id);
    const done = await e2.waitForBatch(b.id);
    expect(done.batch.state).toBe('done');
    expect(done.metrics.counts.ready).toBe(6);
    expect(lib.db.prepare('SELECT COUNT(*) AS n FROM assets').get()).toEqual({ n: 6 });
    // interrupted attempts are not style retries
    expect(lib.db.prepare('SELECT MAX(style_retries) AS m FROM tasks').get()).toEqual({ m: 0 });
  });

  it('cancel stops in-flight generation through its AbortSignal and cancels the rest', async () => {
    lib = tempLibrary();
    const e = newEngine(lib, 200);
    await e.start();
    const b = e.createBatch({ name: 'c', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(5, 32, 50), start: true });
    await until(e, (x) => x.to === 'generating');
    const t0 = Date.now();
    e.cancelBatch(b.id);
    const s = await e.waitForBatch(b.id);
    expect(s.batch.state).toBe('cancelled');
    expect(s.metrics.counts.cancelled).toBe(5);
    await e.stop();
    // 50 steps × 200 ms would be 10 s; the abort ends it at once (generous for a loaded CI machine).
    expect(Date.now() - t0).toBeLessThan(5000);
    const open = lib.db.prepare('SELECT COUNT(*) AS n FROM attempts WHERE outcome IS NULL').get() as { n: number };
    expect(open.n).toBe(0);
  });

  it('batches run by priority, tasks by priority then row', async () => {
    lib = tempLibrary();
    const e = newEngine(lib);
    const order: string[] = [];
    e.on('task-state', (x) => {
      if (x.to === 'generating') order.push(`${x.batchId === low.id ? 'low' : 'high'}:${x.rowIndex}`);
    });
    const low = e.createBatch({ name: 'low', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(3), start: true });
    const high = e.createBatch({ name: 'high', model: 'm', config: { thresholds: { style: 0 } }, tasks: rows(3), start: true });
    e.setBatchPriority(high.id, 5);
    const third = e.listTasks({ batchId: low.id }).find((t) => t.rowIndex === 3)!;
    e.setTaskPriority(third.id, 9);
    await e.start();
    await e.waitForBatch(low.id);
    await e.waitForBatch(high.id);
    expect(order).toEqual(['high:1', 'high:2', 'high:3', 'low:3', 'low:1', 'low:2']);
  });

  it('review: re-run with an edited prompt passes, approve stores the best attempt, reject ends it', async () => {
    lib = tempLibrary();
    const e = newEngine(lib);
    await e.start();
    const b = e.createBatch({ name: 'r', model: 'm', config: { thresholds: { style: 0.62 }, retries: 1 }, tasks: rows(3), start: true });
    await e.waitForBatch(b.id);
    const dlq = e.listTasks({ batchId: b.id, states: ['dlq'] });
    expect(dlq.length).toBe(3);
    const [a, c, d] = dlq as [typeof dlq[0], typeof dlq[0], typeof dlq[0]];

    // Edited re-run: the style keywords plus higher guidance clear 0.62.
    const oldKey = a.taskKey;
    const rerun = e.retryTask(a.id, { prompt: `${a.prompt}, warm, flat shading`, params: { guidance: 8 } });
    expect(rerun.taskKey).not.toBe(oldKey);
    expect(rerun.state).toBe('queued');
    const s = await e.waitForBatch(b.id);
    expect(e.listTasks({ batchId: b.id }).find((t) => t.id === a.id)!.state).toBe('ready');
    expect(e.listAttempts(a.id).at(-1)!.kind).toBe('manual');
    expect(s.batch.state).toBe('done');

    const { assetId } = await e.approveTask(c.id);
    const asset = lib.db.prepare('SELECT rel_path, style_score FROM assets WHERE id = ?').get(assetId) as { rel_path: string; style_score: number };
    expect(existsSync(join(lib.dataDir.library, asset.rel_path))).toBe(true);
    const best = Math.max(...e.listAttempts(c.id).filter((x) => x.outcome === 'failed').map((x) => x.styleScore ?? 0));
    expect(asset.style_score).toBeCloseTo(best, 6);
    expect(e.listTasks({ batchId: b.id }).find((t) => t.id === c.id)!.state).toBe('ready');

    e.rejectTask(d.id, 'off brand');
    const final = e.listTasks({ batchId: b.id }).find((t) => t.id === d.id)!;
    expect(final.state).toBe('rejected');
    expect(() => e.rejectTask(d.id)).toThrow(/only tasks in review/);
  });

  it('held rows wait for the user: release runs them, drop ends them', async () => {
    lib = tempLibrary();
    const e = newEngine(lib);
    await e.start();
    const tasks = rows(3).map((t, i) => ({ ...t, held: i > 0, preflightConfidence: i > 0 ? 0.5 : 0.9 }));
    const b = e.createBatch({ name: 'h', model: 'm', config: { thresholds: { style: 0 } }, tasks, start: true });
    const s1 = await e.waitForBatch(b.id);
    expect(s1.batch.state).toBe('done');
    expect(s1.metrics.counts.ready).toBe(1);
    expect(s1.metrics.held).toBe(2);
    const held = e.listTasks({ batchId: b.id, held: true });
    e.releaseHeld(held[0]!.id);
    e.dropHeld(held[1]!.id);
    const s2 = await new Promise<ReturnType<PipelineEngine['summary']>>((resolve) => {
      const off = e.on('batch-state', (x) => {
        if (x.batchId === b.id && x.to === 'done') {
          off();
          resolve(e.summary(b.id));
        }
      });
    });
    expect(s2.metrics.counts.ready).toBe(2);
    expect(s2.metrics.counts.dropped).toBe(1);
  });
});
