import type { BatchSummary, TaskState, TaskSummary } from '../../../preload/api.ts';
import { useBatches } from './batches.ts';
import { queueTaskProgress, queueTaskUpdate, useTasks } from './tasks.ts';
import { useNavigation } from './navigation.ts';

const BATCH_ID = 'e2e-synthetic';
const STATES: TaskState[] = ['queued', 'generating', 'validating', 'passed', 'ready', 'failed', 'retry', 'dlq'];
const COLOURS = ['#7c9cff', '#3ecf8e', '#f5b84a', '#ff6b6b', '#c084fc', '#22d3ee'];

function thumb(i: number): string {
  const c = COLOURS[i % COLOURS.length] ?? '#777';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="${c}"/><circle cx="32" cy="32" r="${8 + (i % 20)}" fill="#fff" opacity=".35"/></svg>`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

function task(i: number, state: TaskState): TaskSummary {
  const done = state === 'ready' || state === 'passed';
  return {
    id: `${BATCH_ID}-t${i}`, batchId: BATCH_ID, row: i + 1, name: `asset-${String(i + 1).padStart(3, '0')}`, state, held: false, priority: 0,
    attempts: 1 + (i % 3), styleScore: done ? 0.8 + (i % 20) / 100 : null, decision: done ? 'passed' : null, thumbUrl: done ? thumb(i) : null, error: state === 'failed' ? 'style score below 0.85' : null,
  };
}

export interface TestHooks {
  seedTasks(n: number): void;
  startUpdates(perSecond: number): void;
  stopUpdates(): number;
  measureFrames(ms: number): Promise<number[]>;
}

/**
 * Test-only driver for the live grid (installed only with ?e2e=1): seeds a synthetic batch and
 * pushes task updates through the SAME queue the socket events use, so the frame-time
 * measurement exercises the real batching and rendering path.
 */
export function installTestHooks(): void {
  if (!new URLSearchParams(location.search).has('e2e')) return;
  let timer: ReturnType<typeof setInterval> | null = null;
  let sent = 0;
  let n = 0;
  const hooks: TestHooks = {
    seedTasks(count) {
      n = count;
      const now = new Date().toISOString();
      const batch: BatchSummary = {
        id: BATCH_ID, name: 'Synthetic load test', state: 'running', priority: 0, createdAt: now,
        counts: { total: count, pending: count, active: 0, ready: 0, review: 0, failed: 0, held: 0, cancelled: 0 },
        etaSeconds: 600, profileId: null, profileVersion: null, profileName: null, packId: null, source: 'ui', archived: false, duplicatedFrom: null, pauseReason: null,
        config: {
          packId: 'sdxl-base-1.0', clipPackId: null, width: 1024, height: 1024, steps: 30, guidance: 7.5, sampler: 'euler', seed: { mode: 'random', base: 0 },
          negativePrompt: '', qualityNegatives: true,
          style: { colours: { mode: 'include' }, lighting: { mode: 'include' }, composition: { mode: 'include' }, medium: { mode: 'include' } },
          thresholds: { style: 0.85, clip: 0.85, colour: 15, edge: 0.8, preflight: 0.75 },
          retries: 3, concurrency: 1, candidates: 1, lowConfidence: 'continue', polish: false, polishModel: 'claude-haiku-4-5', loras: [],
        },
        rates: { finished: 0, passed: 0, approved: 0, review: 0, rejected: 0, retried: 0, passRate: 0, approvedRate: 0, reviewRate: 0, retryRate: 0 },
      };
      useBatches.getState().upsert(batch);
      useTasks.getState().setBatchTasks(BATCH_ID, Array.from({ length: count }, (_, i) => task(i, 'pending')));
      useBatches.getState().select(BATCH_ID);
      useNavigation.getState().go('batches');
    },
    startUpdates(perSecond) {
      const every = 1000 / perSecond;
      timer = setInterval(() => {
        const i = Math.floor(Math.random() * n);
        const state = STATES[sent % STATES.length] ?? 'queued';
        sent++;
        if (state === 'generating') queueTaskProgress({ taskId: `${BATCH_ID}-t${i}`, batchId: BATCH_ID, step: sent % 30, steps: 30, previewUrl: thumb(i + 1) });
        queueTaskUpdate(task(i, state));
      }, every);
    },
    stopUpdates() {
      if (timer) clearInterval(timer);
      timer = null;
      return sent;
    },
    measureFrames(ms) {
      return new Promise((resolve) => {
        const times: number[] = [];
        let last = performance.now();
        const end = last + ms;
        const tick = (now: number): void => {
          times.push(now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(times);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      });
    },
  };
  (window as unknown as { __assetqlTest: TestHooks }).__assetqlTest = hooks;
}
