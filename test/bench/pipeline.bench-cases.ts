import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toStyleScores } from '../../main/pipeline/records/style-scores.ts';
import type { Database } from 'better-sqlite3';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { resolveDataDir } from '../../main/core/data-dir.ts';
import { openDatabase } from '../../main/db/database.ts';
import { createPipeline } from '../../main/pipeline/engine.ts';
import { addBatchGpuMs, createBatch, type NewTask } from '../../main/pipeline/ledger/batches.ts';
import { finishAttempt, insertAttempt, mergeAttemptTimings } from '../../main/pipeline/ledger/attempts.ts';
import { transitionTask } from '../../main/pipeline/ledger/tasks.ts';
import type { BatchStages } from '../../main/pipeline/stages.ts';
import { tinyPackEngine, tinyRows } from '../integration/pipeline/support/tiny-pack-run.ts';

/** Shape fixed by the lead's harness. */
interface BenchCase {
  name: string;
  /** what the ratio compares */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}

function temp(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = resolveDataDir(dir);
  const db = openDatabase(dataDir.dbPath);
  return { dir, dataDir, db, cleanup: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

function cheapRows(n: number): NewTask[] {
  return Array.from({ length: n }, (_, i) => ({
    rowIndex: i + 1,
    name: `r${i + 1}`,
    prompt: `p ${i + 1}`,
    params: { width: 8, height: 8, steps: 1, guidance: 5, sampler: 'euler', seed: i },
  }));
}

/** The cheapest stages possible: a fixed 8×8 image, a constant pass, an in-memory store. */
function cheapestStages(): BatchStages {
  const image: RgbImage = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3) };
  return {
    generate: { modelId: 'cheap', capabilities: { ipAdapter: false, img2img: false }, generate: async () => ({ image, gpuMs: 0 }) },
    validate: { validate: async () => ({ styleScore: 1 }) },
    archive: { keep: async () => 'x.png', load: async () => image },
    store: { store: async ({ task }) => ({ assetId: task.taskKey.slice(0, 16) }) },
    post: [],
    styleKeywords: [],
  };
}

/** The same ledger writes the engine makes per passing task, in the same transactions, in a bare loop. */
function bareLoop(db: Database, batchId: string): void {
  const ids = db.prepare('SELECT id, prompt, params FROM tasks WHERE batch_id = ? ORDER BY row_index').all(batchId) as { id: string; prompt: string; params: string }[];
  for (const t of ids) {
    const now = Date.now();
    const plan = { kind: 'initial' as const, prompt: t.prompt, negativePrompt: '', params: JSON.parse(t.params) };
    const a = db.transaction(() => {
      const x = insertAttempt(db, t.id, plan, now);
      transitionTask(db, t.id, ['queued'], 'generating', { lease: { owner: 'bare', until: now + 30_000 } }, now);
      return x;
    })();
    db.transaction(() => {
      addBatchGpuMs(db, batchId, 0);
      transitionTask(db, t.id, ['generating'], 'validating', { lease: { owner: 'bare', until: now + 30_000 } }, now);
    })();
    db.transaction(() => {
      finishAttempt(db, a.id, { outcome: 'passed', scores: toStyleScores({ styleScore: 1 }), gpuMs: 0, timings: { generate: 0 } }, now);
      transitionTask(db, t.id, ['validating'], 'passed', { lastError: null }, now);
    })();
    transitionTask(db, t.id, ['passed'], 'tagging', { assetId: 'x' }, now);
    db.transaction(() => {
      mergeAttemptTimings(db, a.id, { store: 0 });
      transitionTask(db, t.id, ['tagging'], 'ready', { lease: null }, now);
    })();
  }
}

const N = 300;

export const cases: BenchCase[] = [
  {
    name: 'pipeline: orchestration overhead per task (cheapest stages)',
    baseline: 'a bare loop making the same SQLite writes in the same transactions (synchronous=FULL)',
    async run() {
      const a = temp('assetql-bench-engine-');
      const b = temp('assetql-bench-bare-');
      try {
        const engine = createPipeline({ db: a.db, stages: cheapestStages(), config: { batchProgressIntervalMs: 250 } });
        await engine.start();
        const t0 = performance.now();
        const batch = engine.createBatch({ name: 'bench', model: 'cheap', config: { thresholds: { style: 0 } }, tasks: cheapRows(N), start: true });
        const s = await engine.waitForBatch(batch.id);
        const engineMs = performance.now() - t0;
        await engine.stop();
        if (s.metrics.counts.ready !== N) throw new Error(`engine finished ${s.metrics.counts.ready}/${N}`);

        const t1 = performance.now();
        const bare = createBatch(b.db, { name: 'bare', model: 'cheap', config: {}, tasks: cheapRows(N), state: 'running' });
        bareLoop(b.db, bare.id);
        const bareMs = performance.now() - t1;
        const perEngine = engineMs / N;
        const perBare = bareMs / N;
        return {
          figures: {
            tasks: N,
            engineMsPerTask: perEngine,
            bareMsPerTask: perBare,
            overheadMsPerTask: perEngine - perBare,
            ratio: perEngine / perBare,
          },
          notes: 'goal: overheadMsPerTask ≤ 2',
        };
      } finally {
        a.cleanup();
        b.cleanup();
      }
    },
  },
  {
    name: 'pipeline: 500-row batch on tiny packs, wall time by stage',
    baseline: 'sum of every stage time run one after another (what a serial loop would take)',
    async run() {
      const t = temp('assetql-bench-500-');
      const run = await tinyPackEngine(t.db, t.dataDir, t.dir, { validateConcurrency: 2, postConcurrency: 2 });
      try {
        await run.engine.start();
        const t0 = performance.now();
        const batch = run.engine.createBatch({
          name: 'bench 500',
          model: 'test-sdxl',
          config: { thresholds: { style: 0 } },
          profileId: run.profile.id,
          profileVersion: run.profile.version,
          tasks: tinyRows(500, run.size, run.steps),
          start: true,
        });
        const s = await run.engine.waitForBatch(batch.id);
        const wallMs = performance.now() - t0;
        if (s.metrics.counts.ready !== 500) throw new Error(`finished ${s.metrics.counts.ready}/500`);
        const sums: Record<string, number> = {};
        for (const r of t.db.prepare(`SELECT timings FROM attempts WHERE outcome = 'passed'`).all() as { timings: string }[]) {
          for (const [k, v] of Object.entries(JSON.parse(r.timings) as Record<string, number>)) sums[k] = (sums[k] ?? 0) + v;
        }
        const stageKeys = ['generate', 'validate', 'store', 'thumbnail', 'tag'];
        const serialMs = stageKeys.reduce((x, k) => x + (sums[k] ?? 0), 0);
        const figures: Record<string, number> = { rows: 500, wallSeconds: wallMs / 1000, serialStageSeconds: serialMs / 1000, ratio: wallMs / serialMs, gpuSeconds: s.metrics.gpuSeconds };
        for (const k of [...stageKeys, 'validateWait', 'postWait']) figures[`${k}Seconds`] = (sums[k] ?? 0) / 1000;
        return { figures, notes: 'ratio < 1 means stages overlapped (generation kept busy while validation/post ran); CPU provider, tiny random-weight packs' };
      } finally {
        await run.close();
        t.cleanup();
      }
    },
  },
];
