import type { BatchSummary, TaskState, TaskStatus, TaskSummary } from '../../../preload/api.ts';
import { useBatches } from './batches.ts';
import { applyView, queueTaskProgress, queueView, useTasks } from './tasks.ts';
import { useNavigation } from './navigation.ts';

const BATCH_ID = 'e2e-synthetic';
// Synthetic rows only: the engine gives real rows their status; these cycle through a few.
const STATES: [TaskState, TaskStatus, string][] = [
  ['queued', 'waiting', 'Waiting'], ['generating', 'working', 'In progress'], ['validating', 'working', 'In progress'], ['passed', 'working', 'In progress'],
  ['ready', 'ready', 'Ready'], ['failed', 'working', 'In progress'], ['retry', 'waiting', 'Waiting'], ['dlq', 'review', 'Needs review'],
];
const COLOURS = ['#7c9cff', '#3ecf8e', '#f5b84a', '#ff6b6b', '#c084fc', '#22d3ee'];

function thumb(i: number): string {
  const c = COLOURS[i % COLOURS.length] ?? '#777';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="${c}"/><circle cx="32" cy="32" r="${8 + (i % 20)}" fill="#fff" opacity=".35"/></svg>`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

function task(i: number, [state, status, statusLabel]: [TaskState, TaskStatus, string]): TaskSummary {
  const done = state === 'ready' || state === 'passed';
  return {
    id: `${BATCH_ID}-t${i}`, batchId: BATCH_ID, row: i + 1, name: `asset-${String(i + 1).padStart(3, '0')}`, state, status, statusLabel, held: false, priority: 0,
    attempts: 1 + (i % 3), styleScore: done ? 0.8 + (i % 20) / 100 : null, decision: done ? 'passed' : null, thumbUrl: done ? thumb(i) : null, error: state === 'failed' ? 'style score below 0.85' : null,
  };
}

export interface TestHooks {
  seedTasks(n: number): void;
  startUpdates(perSecond: number): void;
  stopUpdates(): number;
  measureFrames(ms: number): Promise<number[]>;
  /** Every tile of a batch as the grid renders it (the grid is virtualised: most are not in the DOM). */
  tiles(batchId: string): { id: string; status: TaskStatus; label: string }[];
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
  let synthetic: BatchSummary | null = null;
  const hooks: TestHooks = {
    seedTasks(count) {
      n = count;
      const now = new Date().toISOString();
      const batch: BatchSummary = {
        id: BATCH_ID, name: 'Synthetic load test', state: 'running', priority: 0, createdAt: now,
        counts: { total: count, statuses: [{ status: 'waiting', label: 'Waiting', count, final: false, rerun: false }], byStatus: { waiting: count, held: 0, working: 0, ready: 0, review: 0, rejected: 0, dropped: 0, cancelled: 0 }, done: 0, open: count, rerun: 0, line: `Ready 0/${count}` },
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
      synthetic = batch;
      applyView({ batch, tasks: Array.from({ length: count }, (_, i) => task(i, ['pending', 'waiting', 'Waiting'])) });
      useBatches.getState().select(BATCH_ID);
      useNavigation.getState().go('batches');
    },
    startUpdates(perSecond) {
      const every = 1000 / perSecond;
      timer = setInterval(() => {
        const i = Math.floor(Math.random() * n);
        const state = STATES[sent % STATES.length] ?? STATES[0]!;
        sent++;
        if (state[0] === 'generating') queueTaskProgress({ taskId: `${BATCH_ID}-t${i}`, batchId: BATCH_ID, step: sent % 30, steps: 30, previewUrl: thumb(i + 1) });
        // Through the same queue the socket's snapshots use (the summary stays the seeded one).
        if (synthetic) queueView({ batch: synthetic, tasks: [task(i, state)] });
      }, every);
    },
    stopUpdates() {
      if (timer) clearInterval(timer);
      timer = null;
      return sent;
    },
    tiles(batchId) {
      const { order, byId } = useTasks.getState();
      return (order[batchId] ?? []).flatMap((id) => {
        const t = byId[id];
        return t ? [{ id, status: t.status, label: t.statusLabel }] : [];
      });
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
