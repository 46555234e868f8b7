import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, type PipelineEngine } from '../../../main/pipeline/engine.ts';
import { decidePass } from '../../../main/pipeline/records/decide-pass.ts';
import { toStyleScores, type StyleScoresInput } from '../../../main/pipeline/records/style-scores.ts';
import { countDecisions } from '../../../main/pipeline/metrics.ts';
import { taskDetailDto } from '../../../main/api/dto/pipeline-dto.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { loadExportItems } from '../../../main/library/export/load-items.ts';
import type { BatchStages } from '../../../main/pipeline/stages.ts';
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

function start(stages?: (base: BatchStages) => BatchStages): { lib: TempLibrary; engine: PipelineEngine } {
  lib = tempLibrary();
  const base = colourStages({ db: lib.db, dataDir: lib.dataDir, thumbnails: false });
  engine = createPipeline({ db: lib.db, stages: stages ? stages(base) : base, config: { backoffBaseMs: 5, idlePollMs: 20 } });
  return { lib, engine };
}

/** A small seeded PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('best of k', () => {
  it('generates k seeds per row and keeps the best-scoring passing image; the others stay as attempts', async () => {
    const { lib, engine } = start();
    await engine.start();
    const b = engine.createBatch({ name: 'best of 3', model: 'test-colour-v1', config: { thresholds: { style: 0 }, candidates: 3 }, tasks: rows(4), start: true });
    await engine.waitForBatch(b.id);
    for (const t of engine.listTasks({ batchId: b.id })) {
      expect(t.state).toBe('ready');
      const a = engine.listAttempts(t.id);
      expect(a).toHaveLength(3);
      expect(new Set(a.map((x) => x.params.seed)).size).toBe(3);
      expect(a.every((x) => x.imagePath !== null)).toBe(true);
      const best = a.reduce((m, x) => ((x.styleScore ?? -1) > (m.styleScore ?? -1) ? x : m));
      const asset = lib.db.prepare('SELECT seed, style_score AS score FROM assets WHERE id = ?').get(t.assetId) as { seed: number; score: number };
      expect(asset.score).toBeCloseTo(best.styleScore!, 10);
      expect(asset.seed).toBe(best.params.seed);
    }
  });
});

describe('review semantics', () => {
  it('Edit & regenerate starts a new line from the edit; approve files that image with its prompt; undo removes it', async () => {
    const { lib, engine } = start();
    await engine.start();
    const b = engine.createBatch({ name: 'review', model: 'test-colour-v1', config: { thresholds: { style: 1 }, retries: 1 }, tasks: rows(1), start: true });
    await engine.waitForBatch(b.id);
    const [t] = engine.listTasks({ batchId: b.id });
    expect(t!.state).toBe('dlq');
    expect(t!.decision).toBe('failed');

    // Edit & regenerate: the edited prompt and seed become the row's recipe; escalation starts from them.
    engine.retryTask(t!.id, { prompt: 'a zebra striped teapot', params: { seed: 4242 } }, 'test:alice');
    await engine.waitForBatch(b.id);
    const after = engine.listTasks({ batchId: b.id })[0]!;
    expect(after.state).toBe('dlq');
    expect(after.prompt).toBe('a zebra striped teapot');
    const line = engine.listAttempts(t!.id).slice(2);
    expect(line.map((a) => a.kind)).toEqual(['manual', 'style-retry']);
    expect(line.every((a) => a.prompt.startsWith('a zebra striped teapot'))).toBe(true);
    expect(line[0]!.params.seed).toBe(4242);
    expect(line[1]!.params.seed).toBe(4242);

    const { assetId, decisionId } = await engine.approveTask(t!.id, { by: 'test:alice' });
    const hits = searchAssets(lib.db, { text: 'zebra' });
    expect(hits.items.map((a) => a.id)).toEqual([assetId]);
    const ready = engine.listTasks({ batchId: b.id })[0]!;
    expect([ready.state, ready.decision]).toEqual(['ready', 'approved']);
    // The dashboard counts an approval as an approval, never as a pass.
    expect(countDecisions(lib.db, b.id)).toMatchObject({ passed: 0, approved: 1, review: 0 });

    const history = engine.listDecisions({ taskId: t!.id });
    expect(history.map((d) => [d.action, d.by])).toEqual([['approve', 'test:alice'], ['rerun', 'test:alice']]);
    await expect(engine.undoDecision(history[1]!.id)).rejects.toThrow(/later decision/);
    const undone = await engine.undoDecision(decisionId);
    expect(undone.undoneAt).not.toBeNull();
    expect(searchAssets(lib.db, { text: 'zebra' }).items).toHaveLength(0);
    const back = engine.listTasks({ batchId: b.id })[0]!;
    expect([back.state, back.decision, back.assetId]).toEqual(['dlq', 'failed', null]);

    // Approve a chosen attempt (the first, pre-edit one): filed with the prompt that made it.
    const first = engine.listAttempts(t!.id)[0]!;
    const again = await engine.approveTask(t!.id, { attempt: 1, by: 'test:bob' });
    const row = lib.db.prepare('SELECT prompt, seed FROM assets WHERE id = ?').get(again.assetId) as { prompt: string; seed: number };
    expect(row).toEqual({ prompt: first.prompt, seed: first.params.seed });
  });

  it('un-reject returns the row to review; undoing a re-run that has not started restores the row', async () => {
    const { engine } = start();
    await engine.start();
    const b = engine.createBatch({ name: 'reject', model: 'test-colour-v1', config: { thresholds: { style: 1 }, retries: 0 }, tasks: rows(1), start: true });
    await engine.waitForBatch(b.id);
    const t = engine.listTasks({ batchId: b.id })[0]!;
    engine.rejectTask(t.id, 'no', 'test:carol');
    expect(engine.listTasks({ batchId: b.id })[0]!.state).toBe('rejected');
    const [rej] = engine.listDecisions({ taskId: t.id });
    await engine.undoDecision(rej!.id);
    expect(engine.listTasks({ batchId: b.id })[0]!.state).toBe('dlq');

    await engine.stop(); // nothing claims the re-run while we take it back
    engine.retryTask(t.id, { prompt: 'changed my mind' }, 'test:carol');
    const [rerun] = engine.listDecisions({ taskId: t.id });
    await engine.undoDecision(rerun!.id);
    const restored = engine.listTasks({ batchId: b.id })[0]!;
    expect([restored.state, restored.prompt]).toEqual(['dlq', t.prompt]);
  });
});

describe('one decision everywhere (property)', () => {
  it('engine verdict, DTO, dashboard counts and export selection agree for random configs and scores', async () => {
    const rand = prng(20261129);
    for (let round = 0; round < 6; round++) {
      const n = 8;
      const thresholds = { style: Math.round(rand() * 100) / 100, clip: rand(), colour: rand() * 40, edge: rand(), preflight: 0.75 };
      const scoresByRow = new Map<number, StyleScoresInput>();
      for (let r = 1; r <= n; r++) {
        const near = rand() < 0.3 ? thresholds.style : rand();
        scoresByRow.set(r, {
          styleScore: Math.min(1, Math.max(0, near + (rand() < 0.5 ? 0 : (rand() - 0.5) * 1e-9))),
          clipSimilarity: rand() < 0.2 ? null : rand(),
          colourDistance: rand() * 60,
          edgeSimilarity: rand(),
          dimensionsOk: rand() > 0.15,
          artifactsOk: rand() > 0.15,
        });
      }
      const run = start((base) => ({
        ...base,
        validate: { validate: async (_img, { task }) => scoresByRow.get(task.rowIndex)! },
      }));
      const { lib: l, engine: e } = run;
      await e.start();
      const b = e.createBatch({ name: `prop ${round}`, model: 'test-colour-v1', config: { thresholds, retries: 0 }, tasks: rows(n), start: true });
      await e.waitForBatch(b.id);
      const batch = e.getBatch(b.id)!;
      let expectedPass = 0;
      const passedTasks = new Set<string>();
      for (const t of e.listTasks({ batchId: b.id })) {
        const verdict = decidePass(toStyleScores(scoresByRow.get(t.rowIndex)!), batch.config).pass;
        if (verdict) {
          expectedPass++;
          passedTasks.add(t.id);
        }
        expect(t.state, `round ${round} row ${t.rowIndex}`).toBe(verdict ? 'ready' : 'dlq');
        expect(t.decision).toBe(verdict ? 'passed' : 'failed');
        const dto = taskDetailDto(l.db, t, batch.config, (p) => p);
        expect(dto.decision).toBe(verdict ? 'passed' : 'failed');
        expect(dto.attemptsList[0]!.scores!.pass).toBe(verdict);
      }
      expect(countDecisions(l.db, b.id)).toEqual({ finished: n, passed: expectedPass, approved: 0, review: n - expectedPass, rejected: 0 });
      const exported = loadExportItems({ db: l.db, dataDir: l.dataDir }, { batchId: b.id });
      const exportedTasks = new Set(exported.map((e) => (l.db.prepare('SELECT task_id AS t FROM assets WHERE id = ?').get(e.assetId) as { t: string }).t));
      expect(exportedTasks).toEqual(passedTasks);
      await e.stop();
      l.cleanup();
      lib = undefined;
      engine = undefined;
    }
  });
});
