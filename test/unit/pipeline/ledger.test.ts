import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { insertAttempt, listAttempts } from '../../../main/pipeline/ledger/attempts.ts';
import { createBatch, findBatchByRunKey, setBatchState } from '../../../main/pipeline/ledger/batches.ts';
import { requeueStaleTasks } from '../../../main/pipeline/ledger/recovery.ts';
import { listTasks, nextClaimable, transitionTask } from '../../../main/pipeline/ledger/tasks.ts';
import { computeTaskKey } from '../../../main/pipeline/task-key.ts';
import { computeMetrics } from '../../../main/pipeline/metrics.ts';
import { AlertLatch, DEFAULT_ALERTS, evaluateAlerts } from '../../../main/pipeline/alerts.ts';
import { rows, tempLibrary, type TempLibrary } from '../../integration/pipeline/support/fixtures.ts';

let lib: TempLibrary | undefined;
afterEach(() => lib?.cleanup());

describe('task ledger', () => {
  it('creates a batch with one task per row and the specified task key', () => {
    lib = tempLibrary();
    const b = createBatch(lib.db, { id: 'b1', name: 'x', model: 'm1', profileVersion: 3, config: {}, tasks: rows(3), runKey: 'rk' });
    const ts = listTasks(lib.db, { batchId: b.id });
    expect(ts).toHaveLength(3);
    expect(ts[0]!.taskKey).toBe(computeTaskKey({ batchId: 'b1', rowIndex: 1, prompt: 'a product photo of item 1', profileVersion: 3, seed: 1000, model: 'm1' }));
    expect(new Set(ts.map((t) => t.taskKey)).size).toBe(3);
    expect(findBatchByRunKey(lib.db, 'rk')?.id).toBe('b1');
    expect(() => createBatch(lib!.db, { name: 'dup', model: 'm', config: {}, tasks: [...rows(1), ...rows(1)] })).toThrow(/row 1 appears twice/);
  });

  it('refuses transitions the state machine does not allow, and loses cleanly to a racing change', () => {
    lib = tempLibrary();
    const b = createBatch(lib.db, { name: 'x', model: 'm', config: {}, tasks: rows(1) });
    const [t] = listTasks(lib.db, { batchId: b.id });
    expect(() => transitionTask(lib!.db, t!.id, ['queued'], 'ready')).toThrow(/cannot go from queued to ready/);
    expect(transitionTask(lib.db, t!.id, ['queued'], 'cancelled')).toBe(true);
    expect(transitionTask(lib.db, t!.id, ['queued'], 'generating')).toBe(false);
  });

  it('claims from running batches only: batch priority, then task priority, then row', () => {
    lib = tempLibrary();
    const a = createBatch(lib.db, { name: 'a', model: 'm', config: {}, tasks: rows(3), state: 'running' });
    const b = createBatch(lib.db, { name: 'b', model: 'm', config: {}, tasks: rows(3), state: 'paused', priority: 9 });
    const now = Date.now();
    expect(nextClaimable(lib.db, now)!.batchId).toBe(a.id);
    setBatchState(lib.db, b.id, 'running', ['paused']);
    expect(nextClaimable(lib.db, now)!.batchId).toBe(b.id);
    lib.db.prepare('UPDATE tasks SET priority = 5 WHERE batch_id = ? AND row_index = 3').run(b.id);
    expect(nextClaimable(lib.db, now)!.rowIndex).toBe(3);
    lib.db.prepare('UPDATE tasks SET not_before = ? WHERE batch_id = ?').run(now + 60_000, b.id);
    expect(nextClaimable(lib.db, now)!.batchId).toBe(a.id);
  });

  it('re-queues in-flight tasks of a dead engine, closing the interrupted attempt and replaying its plan', () => {
    lib = tempLibrary();
    const b = createBatch(lib.db, { name: 'x', model: 'm', config: {}, tasks: rows(2), state: 'running' });
    const [t1, t2] = listTasks(lib.db, { batchId: b.id });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    const far = Date.now() + 60_000;
    insertAttempt(lib.db, t1!.id, { kind: 'style-retry', prompt: 'edited', negativePrompt: '', params: { ...t1!.params, guidance: 9 } });
    transitionTask(lib.db, t1!.id, ['queued'], 'generating', { lease: { owner: `${hostname()}:${dead}:x`, until: far } });
    // A lease held by a live process (our parent) on this host is left alone.
    transitionTask(lib.db, t2!.id, ['queued'], 'generating', { lease: { owner: `${hostname()}:${process.ppid}:y`, until: far } });
    const back = requeueStaleTasks(lib.db);
    expect(back.map((t) => t.id)).toEqual([t1!.id]);
    const after = listTasks(lib.db, { batchId: b.id });
    expect(after.map((t) => t.state)).toEqual(['queued', 'generating']);
    expect(after[0]!.nextAttempt).toMatchObject({ kind: 'style-retry', prompt: 'edited', params: { guidance: 9 } });
    expect(listAttempts(lib.db, t1!.id)[0]!.outcome).toBe('cancelled');
  });
});

describe('metrics and alerts', () => {
  it('counts states, histogram, GPU-seconds and API cost from the ledger; alerts fire once', () => {
    lib = tempLibrary();
    const b = createBatch(lib.db, { name: 'x', model: 'm', config: {}, tasks: rows(12), state: 'running' });
    const ts = listTasks(lib.db, { batchId: b.id });
    const now = Date.now();
    ts.forEach((t, i) => {
      const a = insertAttempt(lib!.db, t.id, { kind: 'initial', prompt: t.prompt, negativePrompt: '', params: t.params }, now - 1000);
      lib!.db.prepare('UPDATE attempts SET outcome = ?, scores = ?, ended_at = ? WHERE id = ?').run(i < 11 ? 'failed' : 'passed', JSON.stringify({ styleScore: i / 11 }), now, a.id);
      lib!.db.prepare(`UPDATE tasks SET state = ?, updated_at = ? WHERE id = ?`).run(i < 11 ? 'dlq' : 'ready', now, t.id);
    });
    lib.db.prepare('UPDATE batches SET gpu_ms = 4500 WHERE id = ?').run(b.id);
    lib.db.prepare(`INSERT INTO llm_usage (batch_id, purpose, model, input_tokens, output_tokens, cost_usd, created_at) VALUES (?, 'polish', 'h', 1000, 200, 6.5, ?)`).run(b.id, now);
    const m = computeMetrics(lib.db, b.id, { now });
    expect(m.counts.dlq).toBe(11);
    expect(m.counts.ready).toBe(1);
    expect(m.done).toBe(12);
    expect(m.etaMs).toBe(0);
    expect(m.dlqRate).toBeCloseTo(11 / 12);
    expect(m.scoreHistogram.counts.reduce((a, c) => a + c, 0)).toBe(12);
    expect(m.scoreHistogram.counts[9]).toBe(2); // 10/11 and 11/11 both land in the top bin
    expect(m.gpuSeconds).toBe(4.5);
    expect(m.llm).toEqual({ inputTokens: 1000, outputTokens: 200, costUsd: 6.5 });
    expect(m.throughputPerMin).toBeGreaterThan(0);
    const alerts = evaluateAlerts(m, DEFAULT_ALERTS);
    expect(alerts.map((a) => a.kind).sort()).toEqual(['cost', 'dlq']);
    const latch = new AlertLatch();
    expect(latch.update(b.id, alerts)).toHaveLength(2);
    expect(latch.update(b.id, alerts)).toHaveLength(0);
  });
});
