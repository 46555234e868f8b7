import type { Database } from 'better-sqlite3';
import type { RgbImage } from '../../workers/image/rgb-image.ts';
import { AppError, toErrorData, type ErrorData } from '../core/app-error.ts';
import { AlertLatch, evaluateAlerts } from './alerts.ts';
import { BoundedQueue } from './bounded-queue.ts';
import { batchPolicy, resolveConfig, type PipelineConfig } from './config.ts';
import { controlOps, type ControlOps } from './control.ts';
import { backoffMs, classifyError, smallerBucket } from './error-policy.ts';
import { planStyleRetry } from './escalation.ts';
import type { BatchProgressEvent, PipelineEvents, TaskStateEvent } from './events.ts';
import { bestAttempt, finishAttempt, insertAttempt, mergeAttemptTimings } from './ledger/attempts.ts';
import { addBatchGpuMs, getBatch, listBatches, requireBatch, setBatchState } from './ledger/batches.ts';
import { isLeaseOwnerDead, newLeaseOwner, retireLeaseOwner } from './ledger/lease-owner.ts';
import { requeueStaleTasks } from './ledger/recovery.ts';
import { placeholders, stmt } from './ledger/statements.ts';
import { getTask, nextClaimable, nextWakeAt, renewLeases, transitionTask } from './ledger/tasks.ts';
import { computeMetrics, type PipelineMetrics } from './metrics.ts';
import type { BatchStages, StageResolver } from './stages.ts';
import { decidePass, failureReason } from './records/decide-pass.ts';
import { toStyleScores, type StyleScores } from './records/style-scores.ts';
import { FINAL_STATES } from './state-machine.ts';
import { KeyedThrottle } from './throttle.ts';
import { TypedEmitter } from './typed-emitter.ts';
import type { AttemptPlan, BatchRecord, BatchState, TaskRecord, TaskState } from './types.ts';
import { Wakeup } from './wakeup.ts';

export interface PipelineOptions {
  db: Database;
  /** Stages for a batch (resolved once per batch and cached), or one fixed set for every batch. */
  stages: StageResolver | BatchStages;
  config?: Partial<PipelineConfig>;
}

/** A claimed task with its open attempt; travels through the stage queues. */
export interface Claim {
  task: TaskRecord;
  batch: BatchRecord;
  plan: AttemptPlan;
  attemptId: number;
  attemptN: number;
  stages: BatchStages;
  abort: AbortController;
  timings: Record<string, number>;
  gpuMs: number;
}

interface Validated extends Claim {
  image: RgbImage;
  scores: StyleScores;
}

export interface BatchSummary {
  batch: BatchRecord;
  metrics: PipelineMetrics;
  /** Tasks that needed at least one style retry. */
  retried: number;
}

export interface PipelineEngine extends ControlOps {
  readonly config: PipelineConfig;
  /** Re-queues stale in-flight work, then starts the stage workers. */
  start(): Promise<void>;
  /** Stops claiming, aborts in-flight generation (re-queued), drains validation/post, releases leases. */
  stop(): Promise<void>;
  on<K extends keyof PipelineEvents>(name: K, fn: (payload: PipelineEvents[K]) => void): () => void;
  metrics(batchId?: string | null): PipelineMetrics;
  /** Resolves when the batch is done, cancelled or paused (or already is). */
  waitForBatch(batchId: string, signal?: AbortSignal): Promise<BatchSummary>;
  summary(batchId: string): BatchSummary;
  /** Wakes the scheduler (after external ledger writes, e.g. a batch created by intake). */
  poke(): void;
}

export function createPipeline(opts: PipelineOptions): PipelineEngine {
  const e = new Engine(opts);
  return {
    config: e.config,
    start: () => e.start(),
    stop: () => e.stop(),
    on: (name, fn) => e.on(name, fn),
    metrics: (batchId) => e.metrics(batchId ?? null),
    waitForBatch: (batchId, signal) => e.waitForBatch(batchId, signal),
    summary: (batchId) => e.summary(batchId),
    poke: () => e.poke(),
    ...e.ops,
  };
}

class Engine {
  readonly config: PipelineConfig;
  readonly db: Database;
  readonly owner = newLeaseOwner();
  readonly events: TypedEmitter<PipelineEvents>;
  private readonly resolver: StageResolver;
  private readonly stageCache = new Map<string, Promise<BatchStages>>();
  readonly inflight = new Map<string, Claim>();
  readonly wake = new Wakeup();
  private validateQ!: BoundedQueue<Claim & { image: RgbImage }>;
  private postQ!: BoundedQueue<Validated>;
  private loops: Promise<void>[] = [];
  private running = false;
  private stopping = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly progress: KeyedThrottle<PipelineEvents['task-progress']>;
  private readonly batchProgress: KeyedThrottle<string>;
  private readonly latch = new AlertLatch();
  private lastAlertCheck = 0;
  /** Batches whose stages failed to build; skipped by the scheduler until resumed. */
  readonly blocked = new Set<string>();
  private readonly control: ControlOps;

  constructor(opts: PipelineOptions) {
    this.db = opts.db;
    this.config = resolveConfig(opts.config);
    const s = opts.stages;
    this.resolver = typeof s === 'function' ? s : async () => s;
    this.events = new TypedEmitter<PipelineEvents>((err) =>
      this.events.emit('engine-error', { message: `event listener threw: ${toErrorData(err).message}`, kind: 'Internal', at: Date.now() }),
    );
    this.progress = new KeyedThrottle(this.config.progressIntervalMs, (e) => this.events.emit('task-progress', e));
    this.batchProgress = new KeyedThrottle(this.config.batchProgressIntervalMs, (batchId) => this.emitBatchProgress(batchId));
    this.control = controlOps(this);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    for (const t of requeueStaleTasks(this.db)) {
      this.emitTask(t, 'generating', 'queued', { reason: 'recovered after an interrupted run' });
    }
    this.validateQ = new BoundedQueue(this.config.validateQueueSize);
    this.postQ = new BoundedQueue(this.config.postQueueSize);
    const c = this.config;
    const gen = Array.from({ length: c.generateConcurrency }, () => this.generateLoop());
    const val = Array.from({ length: c.validateConcurrency }, () => this.validateLoop());
    const post = Array.from({ length: c.postConcurrency }, () => this.postLoop());
    const pre = [this.preflightLoop()];
    // Stop order matters: generation first, then close each queue once its producers are gone.
    const genDone = Promise.all([...gen, ...pre]).then(() => this.validateQ.close());
    const valDone = genDone.then(() => Promise.all(val)).then(() => this.postQ.close());
    this.loops = [valDone.then(() => Promise.all(post)).then(() => undefined)];
    this.heartbeat = setInterval(() => renewLeases(this.db, this.owner, Date.now() + c.leaseMs), Math.max(50, c.leaseMs / 3));
    this.heartbeat.unref();
    for (const b of listBatches(this.db, ['running'])) this.checkBatchDone(b.id);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    for (const c of this.inflight.values()) c.abort.abort('stop');
    this.wake.notify();
    await Promise.all(this.loops);
    clearInterval(this.heartbeat);
    this.progress.flushAll();
    this.batchProgress.flushAll();
    // Anything still leased by us (should be nothing) goes back to the queue right now.
    requeueOwn(this.db, this.owner);
    retireLeaseOwner(this.owner);
    const stages = [...this.stageCache.values()];
    this.stageCache.clear();
    for (const p of stages) await p.then((s) => s.dispose?.()).catch(() => undefined);
    this.running = false;
  }

  on<K extends keyof PipelineEvents>(name: K, fn: (payload: PipelineEvents[K]) => void): () => void {
    return this.events.on(name, fn);
  }

  poke(): void {
    this.wake.notify();
  }

  metrics(batchId: string | null = null): PipelineMetrics {
    return computeMetrics(this.db, batchId);
  }

  summary(batchId: string): BatchSummary {
    const batch = requireBatch(this.db, batchId);
    const retried = (stmt(this.db, 'SELECT COUNT(*) AS n FROM tasks WHERE batch_id = ? AND style_retries > 0').get(batchId) as { n: number }).n;
    return { batch, metrics: computeMetrics(this.db, batchId), retried };
  }

  waitForBatch(batchId: string, signal?: AbortSignal): Promise<BatchSummary> {
    const settled = (s: BatchState) => s === 'done' || s === 'cancelled' || s === 'paused';
    return new Promise((resolve, reject) => {
      const check = () => {
        const b = getBatch(this.db, batchId);
        if (!b) {
          off();
          reject(new AppError('NotFound', `no batch ${batchId}`));
          return true;
        }
        if (settled(b.state)) {
          off();
          resolve(this.summary(batchId));
          return true;
        }
        return false;
      };
      const unsub = this.events.on('batch-state', (e) => {
        if (e.batchId === batchId && settled(e.to)) queueMicrotask(check);
      });
      const onAbort = () => {
        off();
        reject(new AppError('Cancelled', 'stopped waiting for the batch'));
      };
      const off = () => {
        unsub();
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  // ---- stages ----------------------------------------------------------------------------

  stagesFor(batch: BatchRecord): Promise<BatchStages> {
    let p = this.stageCache.get(batch.id);
    if (!p) {
      p = this.resolver(batch);
      this.stageCache.set(batch.id, p);
      p.catch(() => this.stageCache.delete(batch.id));
    }
    return p;
  }

  async releaseStages(batchId: string): Promise<void> {
    const p = this.stageCache.get(batchId);
    if (!p) return;
    this.stageCache.delete(batchId);
    await p.then((s) => s.dispose?.()).catch(() => undefined);
  }

  // ---- scheduler + generation ------------------------------------------------------------

  private claim(): { task: TaskRecord; batch: BatchRecord; plan: AttemptPlan; attemptId: number; attemptN: number } | null {
    const now = Date.now();
    return this.db.transaction(() => {
      const task = nextClaimable(this.db, now, [...this.blocked]);
      if (!task) return null;
      const batch = requireBatch(this.db, task.batchId);
      const plan: AttemptPlan = task.nextAttempt ?? { kind: 'initial', prompt: task.prompt, negativePrompt: task.negativePrompt, params: task.params };
      const { id, n } = insertAttempt(this.db, task.id, plan, now);
      transitionTask(this.db, task.id, [task.state], 'generating', { lease: { owner: this.owner, until: now + this.config.leaseMs } }, now);
      return { task: { ...task, state: 'generating' as TaskState }, batch, plan, attemptId: id, attemptN: n };
    })();
  }

  private async generateLoop(): Promise<void> {
    while (!this.stopping) {
      const got = this.claim();
      if (!got) {
        const at = nextWakeAt(this.db, Date.now());
        const wait = at == null ? this.config.idlePollMs : Math.min(this.config.idlePollMs, at - Date.now());
        await this.wake.wait(wait);
        continue;
      }
      this.emitTask(got.task, got.task.nextAttempt ? 'retry' : 'queued', 'generating', { attempt: got.attemptN });
      let stages: BatchStages;
      try {
        stages = await this.stagesFor(got.batch);
      } catch (err) {
        this.blockBatch(got, toErrorData(err));
        continue;
      }
      const claim: Claim = { ...got, stages, abort: new AbortController(), timings: {}, gpuMs: 0 };
      this.inflight.set(claim.task.id, claim);
      try {
        await this.generateOne(claim);
      } catch (err) {
        this.handleError(claim, err, ['generating', 'validating']);
      } finally {
        this.inflight.delete(claim.task.id);
        // The final step is always delivered; then the key's bookkeeping is dropped.
        this.progress.flush(claim.task.id);
        this.progress.forget(claim.task.id);
      }
    }
  }

  private async generateOne(c: Claim): Promise<void> {
    const { task, plan, stages } = c;
    const t0 = performance.now();
    const initImage = plan.params.initImagePath ? await stages.archive.load(plan.params.initImagePath) : undefined;
    const res = await stages.generate.generate(
      { prompt: plan.prompt, negativePrompt: plan.negativePrompt, params: plan.params, ...(initImage ? { initImage } : {}) },
      {
        signal: c.abort.signal,
        attempt: { task, n: c.attemptN },
        onProgress: (p) =>
          this.progress.push(task.id, {
            batchId: task.batchId,
            taskId: task.id,
            rowIndex: task.rowIndex,
            attempt: c.attemptN,
            step: p.step,
            steps: p.steps,
            ...(p.preview ? { preview: p.preview } : {}),
            at: Date.now(),
          }),
      },
    );
    if (c.abort.signal.aborted) throw new AppError('Cancelled', String(c.abort.signal.reason ?? 'aborted'));
    c.timings['generate'] = performance.now() - t0;
    c.gpuMs = res.gpuMs;
    const now = Date.now();
    const moved = this.db.transaction(() => {
      addBatchGpuMs(this.db, task.batchId, res.gpuMs);
      return transitionTask(this.db, task.id, ['generating'], 'validating', { lease: { owner: this.owner, until: now + this.config.leaseMs } }, now);
    })();
    if (!moved) return this.dropStale(c);
    this.emitTask(task, 'generating', 'validating', { attempt: c.attemptN });
    c.task = { ...task, state: 'validating' };
    c.timings['queuedForValidation'] = performance.now();
    await this.validateQ.put({ ...c, image: res.image });
  }

  // ---- validation and decision -----------------------------------------------------------

  private async validateLoop(): Promise<void> {
    for (;;) {
      const item = await this.validateQ.take();
      if (!item) return;
      const waited = performance.now() - (item.timings['queuedForValidation'] ?? performance.now());
      delete item.timings['queuedForValidation'];
      item.timings['validateWait'] = waited;
      try {
        await this.validateOne(item);
      } catch (err) {
        this.handleError(item, err, ['validating', 'passed']);
      }
    }
  }

  private async validateOne(c: Claim & { image: RgbImage }): Promise<void> {
    const { task, stages, plan } = c;
    const policy = batchPolicy(c.batch);
    const t0 = performance.now();
    const scores = toStyleScores(await stages.validate.validate(c.image, { task, prompt: plan.prompt }));
    c.timings['validate'] = performance.now() - t0;
    const score = scores.styleScore;
    const verdict = decidePass(scores, c.batch.config);
    if (verdict.pass) {
      const now = Date.now();
      const ok = this.db.transaction(() => {
        finishAttempt(this.db, c.attemptId, { outcome: 'passed', scores, gpuMs: c.gpuMs, timings: c.timings }, now);
        return transitionTask(this.db, task.id, ['validating'], 'passed', { lastError: null, decision: 'passed' }, now);
      })();
      if (!ok) return this.dropStale(c);
      this.emitTask(task, 'validating', 'passed', { attempt: c.attemptN, styleScore: score });
      c.task = { ...task, state: 'passed' };
      c.timings['queuedForPost'] = performance.now();
      await this.postQ.put({ ...c, scores });
      return;
    }
    // Failed: keep the image for review / img2img, then decide retry or DLQ in one transaction.
    const k0 = performance.now();
    const imagePath = await stages.archive.keep(c.image, { task, attemptN: c.attemptN });
    c.timings['archive'] = performance.now() - k0;
    const reason = failureReason(verdict);
    const now = Date.now();
    const decision = this.db.transaction(() => {
      finishAttempt(this.db, c.attemptId, { outcome: 'failed', scores, imagePath, gpuMs: c.gpuMs, timings: c.timings }, now);
      const fresh = getTask(this.db, task.id);
      if (!fresh || fresh.state !== 'validating') return null;
      if (fresh.styleRetries < policy.styleRetries) {
        const rung = fresh.styleRetries + 1;
        const next = planStyleRetry(
          fresh,
          rung,
          { keywords: stages.styleKeywords, capabilities: stages.generate.capabilities, best: bestAttempt(this.db, task.id) },
          this.config.escalation,
        );
        const moved = transitionTask(this.db, task.id, ['validating'], 'retry', { styleRetries: rung, nextAttempt: next, lease: null, lastError: reason, notBefore: 0 }, now);
        return moved ? { to: 'retry' as const, why: `${reason}; style retry ${rung} (${next.escalation?.applied.join('; ') ?? ''})` } : null;
      }
      const why = `${reason} after ${fresh.styleRetries} style ${fresh.styleRetries === 1 ? 'retry' : 'retries'}`;
      const moved = transitionTask(this.db, task.id, ['validating'], 'dlq', { lease: null, lastError: why, nextAttempt: null, decision: 'failed' }, now);
      return moved ? { to: 'dlq' as const, why } : null;
    })();
    if (!decision) return this.dropStale(c);
    this.emitTask(task, 'validating', decision.to, { attempt: c.attemptN, styleScore: score, reason: decision.why });
    if (decision.to === 'dlq') this.checkBatchDone(task.batchId);
    else this.wake.notify();
  }

  // ---- store + post ----------------------------------------------------------------------

  private async postLoop(): Promise<void> {
    for (;;) {
      const item = await this.postQ.take();
      if (!item) return;
      item.timings['postWait'] = performance.now() - (item.timings['queuedForPost'] ?? performance.now());
      delete item.timings['queuedForPost'];
      try {
        await this.finishPassed(item);
      } catch (err) {
        this.handleError(item, err, ['passed', 'tagging']);
      }
    }
  }

  /** passed → store (idempotent by task key) → tagging → post stages → ready. Also used by approve. */
  async finishPassed(c: Validated): Promise<void> {
    const { task, stages } = c;
    const extra: Record<string, number> = {};
    let t0 = performance.now();
    const { assetId } = await stages.store.store({
      task,
      image: c.image,
      prompt: c.plan.prompt,
      negativePrompt: c.plan.negativePrompt,
      params: c.plan.params,
      scores: c.scores,
      modelId: stages.generate.modelId,
    });
    extra['store'] = performance.now() - t0;
    const now = Date.now();
    if (!transitionTask(this.db, task.id, ['passed'], 'tagging', { assetId }, now)) return this.dropStale(c);
    this.emitTask(task, 'passed', 'tagging', { attempt: c.attemptN });
    for (const p of stages.post) {
      t0 = performance.now();
      await p.run({ task: { ...task, assetId }, assetId, image: c.image, scores: c.scores });
      extra[p.name] = performance.now() - t0;
    }
    const done = this.db.transaction(() => {
      mergeAttemptTimings(this.db, c.attemptId, { ...extra, ...(c.timings['postWait'] != null ? { postWait: c.timings['postWait'] } : {}) });
      return transitionTask(this.db, task.id, ['tagging'], 'ready', { lease: null }, Date.now());
    })();
    if (!done) return this.dropStale(c);
    this.emitTask(task, 'tagging', 'ready', { attempt: c.attemptN, styleScore: c.scores.styleScore });
    this.checkBatchDone(task.batchId);
  }

  // ---- errors ----------------------------------------------------------------------------

  /** One place decides what an error means: re-queue (pause/stop), transient retry, or DLQ. */
  handleError(c: Claim, err: unknown, from: TaskState[]): void {
    const e: ErrorData = c.abort.signal.aborted ? { kind: 'Cancelled', message: String(c.abort.signal.reason ?? 'aborted') } : toErrorData(err);
    const cls = classifyError(e);
    const now = Date.now();
    const current = getTask(this.db, c.task.id);
    if (!current || !from.includes(current.state)) {
      // A control action (cancel) already moved the task; just close the attempt.
      finishAttempt(this.db, c.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message, timings: c.timings }, now);
      return;
    }
    const replay: AttemptPlan = { ...c.plan };
    if (cls === 'cancelled') {
      const ok = this.db.transaction(() => {
        finishAttempt(this.db, c.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message, timings: c.timings }, now);
        return transitionTask(this.db, c.task.id, [current.state], 'queued', { lease: null, nextAttempt: replay, notBefore: 0 }, now);
      })();
      if (ok) this.emitTask(c.task, current.state, 'queued', { attempt: c.attemptN, reason: `interrupted (${e.message})` });
      return;
    }
    const n = current.transientRetries + 1;
    let to: TaskState;
    let why: string;
    const next: AttemptPlan = { ...replay, kind: 'transient-retry', params: { ...replay.params } };
    if (cls === 'transient' && n <= this.config.maxTransientRetries) {
      to = 'retry';
      why = `${e.kind}: ${e.message}; transient retry ${n} in ${backoffMs(n, this.config.backoffBaseMs)} ms`;
      if (e.kind === 'OutOfMemory') {
        const smaller = smallerBucket(next.params);
        if (smaller) {
          next.note = `OutOfMemory: size ${next.params.width}x${next.params.height} → ${smaller.width}x${smaller.height}`;
          next.params.width = smaller.width;
          next.params.height = smaller.height;
        } else next.note = 'OutOfMemory: already at the smallest size';
        why += `; ${next.note}`;
      }
    } else {
      to = 'dlq';
      why = cls === 'transient' ? `${e.kind}: ${e.message} (gave up after ${n - 1} transient retries)` : `${e.kind}: ${e.message}`;
    }
    const ok = this.db.transaction(() => {
      finishAttempt(this.db, c.attemptId, { outcome: 'error', errorKind: e.kind, error: e.message, gpuMs: c.gpuMs || null, timings: c.timings }, now);
      return to === 'retry'
        ? transitionTask(this.db, c.task.id, [current.state], 'retry', {
            transientRetries: n,
            notBefore: now + backoffMs(n, this.config.backoffBaseMs),
            nextAttempt: next,
            lease: null,
            lastError: why,
          }, now)
        : transitionTask(this.db, c.task.id, [current.state], 'dlq', { lease: null, lastError: why, nextAttempt: null, decision: 'failed' }, now);
    })();
    if (!ok) return;
    this.emitTask(c.task, current.state, to, { attempt: c.attemptN, reason: why });
    if (to === 'dlq') this.checkBatchDone(c.task.batchId);
    else this.wake.notify();
  }

  private dropStale(c: Claim): void {
    finishAttempt(this.db, c.attemptId, { outcome: 'cancelled', errorKind: 'Cancelled', error: 'the task was moved by a control action', timings: c.timings });
  }

  private blockBatch(got: { task: TaskRecord; batch: BatchRecord; plan: AttemptPlan; attemptId: number; attemptN: number }, e: ErrorData): void {
    const now = Date.now();
    this.db.transaction(() => {
      finishAttempt(this.db, got.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message }, now);
      transitionTask(this.db, got.task.id, ['generating'], 'queued', { lease: null, nextAttempt: got.plan }, now);
      setBatchState(this.db, got.batch.id, 'paused', ['running'], now);
    })();
    const reason = `could not prepare the batch's stages: ${e.kind}: ${e.message}`;
    this.events.emit('engine-error', { message: reason, kind: e.kind, batchId: got.batch.id, at: now });
    this.emitBatchState(got.batch.id, 'running', 'paused', reason);
  }

  // ---- events ----------------------------------------------------------------------------

  emitTask(task: Pick<TaskRecord, 'batchId' | 'id' | 'rowIndex'>, from: TaskState | null, to: TaskState, extra: Partial<TaskStateEvent> = {}): void {
    this.events.emit('task-state', { batchId: task.batchId, taskId: task.id, rowIndex: task.rowIndex, from, to, ...extra, at: Date.now() });
    this.batchProgress.push(task.batchId, task.batchId);
  }

  emitBatchState(batchId: string, from: BatchState | null, to: BatchState, reason?: string): void {
    this.events.emit('batch-state', { batchId, from, to, ...(reason ? { reason } : {}), at: Date.now() });
    this.batchProgress.push(batchId, batchId);
    this.batchProgress.flush(batchId);
  }

  private emitBatchProgress(batchId: string): void {
    const m = computeMetrics(this.db, batchId);
    const e: BatchProgressEvent = {
      batchId,
      total: m.total,
      counts: m.counts,
      held: m.held,
      done: m.done,
      queueDepth: m.queueDepth,
      inFlight: m.inFlight,
      ratePerMin: m.throughputPerMin,
      etaMs: m.etaMs,
      gpuSeconds: m.gpuSeconds,
      at: m.at,
    };
    this.events.emit('batch-progress', e);
    if (m.at - this.lastAlertCheck >= this.config.alertIntervalMs || m.done === m.total) {
      this.lastAlertCheck = m.at;
      for (const a of this.latch.update(batchId, evaluateAlerts(m, this.config.alerts))) this.events.emit('alert', a);
      const g = computeMetrics(this.db, null);
      for (const a of this.latch.update(null, evaluateAlerts(g, this.config.alerts))) this.events.emit('alert', a);
    }
  }

  /** running → done once every task is final or held; releases the batch's stages. */
  checkBatchDone(batchId: string): void {
    const open = stmt(
      this.db,
      `SELECT COUNT(*) AS n FROM tasks WHERE batch_id = ? AND held = 0 AND state NOT IN (${placeholders(FINAL_STATES.length)})`,
    ).get(batchId, ...FINAL_STATES) as { n: number };
    if (open.n > 0) return;
    if (setBatchState(this.db, batchId, 'done', ['running'])) {
      this.emitBatchState(batchId, 'running', 'done');
      void this.releaseStages(batchId);
    }
  }

  // ---- control (delegated) -----------------------------------------------------------------
  get ops(): ControlOps {
    return this.control;
  }

  // ---- pre-flight ------------------------------------------------------------------------

  /** pending → preflight → queued (held when the pre-flight stage says so). */
  private async preflightLoop(): Promise<void> {
    while (!this.stopping) {
      const row = stmt(
        this.db,
        `SELECT t.id FROM tasks t JOIN batches b ON b.id = t.batch_id WHERE b.state = 'running' AND t.state = 'pending'
         ORDER BY b.priority DESC, b.created_at, t.priority DESC, t.row_index LIMIT 1`,
      ).get() as { id: string } | undefined;
      const task = row ? getTask(this.db, row.id) : undefined;
      if (!task) {
        await this.wake.wait(this.config.idlePollMs);
        continue;
      }
      const batch = requireBatch(this.db, task.batchId);
      let stages: BatchStages;
      try {
        stages = await this.stagesFor(batch);
      } catch (err) {
        const e = toErrorData(err);
        if (setBatchState(this.db, batch.id, 'paused', ['running'])) this.emitBatchState(batch.id, 'running', 'paused', `could not prepare the batch's stages: ${e.kind}: ${e.message}`);
        continue;
      }
      if (!stages.preflight) {
        if (transitionTask(this.db, task.id, ['pending'], 'queued')) this.emitTask(task, 'pending', 'queued');
        this.wake.notify();
        continue;
      }
      if (!transitionTask(this.db, task.id, ['pending'], 'preflight')) continue;
      this.emitTask(task, 'pending', 'preflight');
      try {
        const r = await stages.preflight.check(task);
        if (transitionTask(this.db, task.id, ['preflight'], 'queued', { preflightConfidence: r.confidence, held: r.hold })) {
          this.emitTask(task, 'preflight', 'queued', r.hold ? { reason: `held: pre-flight confidence ${r.confidence.toFixed(2)}` } : {});
        }
      } catch (err) {
        const e = toErrorData(err);
        // Pre-flight is advisory: a failing check must not block generation.
        if (transitionTask(this.db, task.id, ['preflight'], 'queued')) this.emitTask(task, 'preflight', 'queued', { reason: `pre-flight skipped: ${e.message}` });
      }
      this.wake.notify();
      this.checkBatchDone(task.batchId);
    }
  }
}

/** Our own leases at stop time: back to queued with the attempt replayed. */
function requeueOwn(db: Database, owner: string): void {
  const ids = stmt(db, 'SELECT id FROM tasks WHERE lease_owner = ? AND lease_until IS NOT NULL').all(owner) as { id: string }[];
  if (ids.length === 0) return;
  retireLeaseOwner(owner);
  if (isLeaseOwnerDead(owner)) requeueStaleTasks(db);
}

export type EngineInternals = Engine;
