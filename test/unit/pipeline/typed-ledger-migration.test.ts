import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../../main/db/database.ts';
import { ALL_MIGRATIONS } from '../../../main/db/migrations/index.ts';
import { getBatch } from '../../../main/pipeline/ledger/batches.ts';
import { listAttempts } from '../../../main/pipeline/ledger/attempts.ts';
import { getTask } from '../../../main/pipeline/ledger/tasks.ts';

// Rows written before 007 (untyped config with a bare threshold and `model`; brand DNA's full
// score report) must come back as the typed records, with the decision backfilled.
describe('migration 007: typed ledger', () => {
  it('upgrades legacy batch configs, attempt scores and decisions', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'aq-007-')), 'x.db'), { migrations: ALL_MIGRATIONS.filter((m) => m.id < 7) });
    const now = Date.now();
    db.prepare(`INSERT INTO batches (id, name, state, config, created_at, updated_at) VALUES ('b', 'old', 'done', ?, ?, ?)`).run(
      JSON.stringify({ threshold: 0.7, retries: 14, model: 'test-sdxl', concurrency: 2, seed: { mode: 'fixed', base: 5 }, junk: true }),
      now,
      now,
    );
    const ins = db.prepare(`INSERT INTO tasks (id, batch_id, row_index, task_key, name, prompt, params, source_row, state, created_at, updated_at) VALUES (?, 'b', ?, ?, ?, 'p', '{}', '{}', ?, ?, ?)`);
    ins.run('t1', 1, 'k1', 'a', 'ready', now, now);
    ins.run('t2', 2, 'k2', 'b', 'ready', now, now);
    ins.run('t3', 3, 'k3', 'c', 'dlq', now, now);
    const att = db.prepare(`INSERT INTO attempts (task_id, n, kind, prompt, negative_prompt, params, outcome, scores, started_at) VALUES (?, ?, ?, 'p', '', '{}', ?, ?, ?)`);
    const legacy = { styleScore: 0.9, clipSimilarity: null, colourDistance: 12, edgeSimilarity: 0.7, paramsFit: 1, pass: { dimensions: false, artifacts: true, overall: false }, thresholds: { clip: 0.85 } };
    att.run('t1', 1, 'initial', 'passed', JSON.stringify(legacy), now);
    att.run('t2', 1, 'initial', 'failed', JSON.stringify({ styleScore: 0.4 }), now);
    att.run('t2', 2, 'manual', 'passed', JSON.stringify({ styleScore: 0.4, approvedFrom: 1 }), now);
    att.run('t3', 1, 'initial', 'failed', '{"not":"scores"}', now);
    expect(migrate(db, ALL_MIGRATIONS)).toContain(7);

    const b = getBatch(db, 'b')!;
    expect(b.config.thresholds.style).toBe(0.7);
    expect(b.config.packId).toBe('test-sdxl');
    expect(b.config.retries).toBe(10); // clamped into the shared limit
    expect(b.config.seed).toEqual({ mode: 'fixed', base: 5 });
    expect(b.config.candidates).toBe(1);
    expect(b.config.loras).toEqual([]);
    expect(JSON.parse((db.prepare("SELECT config FROM batches WHERE id = 'b'").get() as { config: string }).config)).not.toHaveProperty('junk');
    expect(b.pauseReason).toBeNull();

    const [a1] = listAttempts(db, 't1');
    expect(a1!.scores).toEqual({ styleScore: 0.9, clipSimilarity: null, colourDistance: 12, edgeSimilarity: 0.7, paramsFit: 1, dimensionsOk: false, artifactsOk: true, clipUnavailable: null });
    expect(listAttempts(db, 't3')[0]!.scores).toBeNull();
    expect(getTask(db, 't1')!.decision).toBe('passed');
    expect(getTask(db, 't2')!.decision).toBe('approved');
    expect(getTask(db, 't3')!.decision).toBe('failed');
    db.close();
  });
});
