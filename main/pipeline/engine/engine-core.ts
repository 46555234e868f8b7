import type { Database } from 'better-sqlite3';
import { AppError, toErrorData, type ErrorData } from '../../core/app-error.ts';
import { AlertLatch, evaluateAlerts } from '../alerts.ts';
import { BoundedQueue } from '../bounded-queue.ts';
import { resolveConfig, type PipelineConfig } from '../config.ts';
import type { BatchProgressEvent, PipelineEvents, TaskStateEvent } from '../events.ts';
import { finishAttempt, insertAttempt, mergeAttemptTimings, nextAttemptN } from '../ledger/attempts.ts';
import { addBatchGpuMs, getBatch, listBatches, requireBatch, setBatchState } from '../ledger/batches.ts';
import { isLeaseOwnerDead, newLeaseOwner, retireLeaseOwner } from '../ledger/lease-owner.ts';
import { requeueStaleTasks } from '../ledger/recovery.ts';
import { resolveDeltasForTask } from '../ledger/review.ts';
import { placeholders, stmt } from '../ledger/statements.ts';
import { getTask, nextClaimable, nextWakeAt, renewLeases, transitionTask } from '../ledger/tasks.ts';
import { computeMetrics, type PipelineMetrics } from '../metrics.ts';
import { countStatuses } from '../status-counts.ts';
import type { BatchCounts } from '../../../preload/api.ts';
import { toStyleScores } from '../records/style-scores.ts';
import type { BatchStages, StageResolver } from '../stages.ts';
import { FINAL_STATES } from '../state-machine.ts';
import { KeyedThrottle } from '../throttle.ts';
import { TypedEmitter } from '../typed-emitter.ts';
import type { AttemptPlan, BatchRecord, BatchState, TaskRecord, TaskState } from '../types.ts';
import { Wakeup } from '../wakeup.ts';
import type { Claim, Generated, Validated } from './claim.ts';
import { decideAttempt } from './decide-attempt.ts';
import { handleError } from './handle-error.ts';
import type { EngineHooks } from './hooks.ts';

export interface BatchSummary {
  batch: BatchRecord;
  metrics: PipelineMetrics;
  /** Rows by status as people read them (status-counts.ts), the same counts the app shows. */
  counts: BatchCounts;
  /** Tasks that needed at least one style retry. */
  retried: number;
}

/** After an unexpected error a loop waits this long before its next turn, so a persistent fault cannot spin. */
const LOOP_BACKOFF_MS = 200;
/** A fault that persists (a full disk) backs the loop off to this, so it neither spins nor stalls for long once fixed. */
const MAX_LOOP_BACKOFF_MS = 5_000;

/**
 * The supervised engine: a pre-flight loop, generation loops, validation loops and post loops
 * joined by bounded queues. Every loop turn is guarded: an error in one task is that task's
 * (retry, review, or a paused batch), an error outside any task is reported as engine-error,
 * and no error ever ends a loop. The parts (decisions, errors, control, review) see it only
 * through EngineHooks.
 */
export class Engine implements EngineHooks {
  readonly config: PipelineConfig;
  readonly db: Database;
  readonly owner = newLeaseOwner();
  readonly events: TypedEmitter<PipelineEvents>;
  private readonly resolver: StageResolver;
  private readonly stageCache = new Map<string, Promise<BatchStages>>();
  private readonly inflight = new Map<string, Claim>();
  private readonly wakeup = new Wakeup();
  private validateQ!: BoundedQueue<Generated>;
  private postQ!: BoundedQueue<Validated>;
  private loops: Promise<void>[] = [];
  private running = false;
  private stopping = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly progress: KeyedThrottle<PipelineEvents['task-progress']>;
  private readonly batchProgress: KeyedThrottle<string>;
  private readonly latch = new AlertLatch();
  private lastAlertCheck = 0;

  constructor(opts: { db: Database; stages: StageResolver | BatchStages; config?: Partial<PipelineConfig> }) {
    this.db = opts.db;
    this.config = resolveConfig(opts.config);
    const s = opts.stages;
    this.resolver = typeof s === 'function' ? s : async () => s;
    this.events = new TypedEmitter<PipelineEvents>((err) =>
      this.events.emit('engine-error', { message: `event listener threw: ${toErrorData(err).message}`, kind: 'Internal', at: Date.now() }),
    );
    this.progress = new KeyedThrottle(this.config.progressIntervalMs, (e) => this.events.emit('task-progress', e));
    this.batchProgress = new KeyedThrottle(this.config.batchProgressIntervalMs, (batchId) => this.emitBatchProgress(batchId));
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    for (const t of requeueStaleTasks(this.db)) this.emitTask(t, 'generating', 'queued', { reason: 'recovered after an interrupted run' });
    this.validateQ = new BoundedQueue(this.config.validateQueueSize);
    this.postQ = new BoundedQueue(this.config.postQueueSize);
    const c = this.config;
    const gen = Array.from({ length: c.generateConcurrency }, (_, i) => this.supervise('generate', () => this.generateTurn(i)));
    const pre = [this.supervise('pre-flight', () => this.preflightTurn())];
    const val = Array.from({ length: c.validateConcurrency }, () => this.drain('validate', this.validateQ, (x) => this.validateOne(x)));
    const post = Array.from({ length: c.postConcurrency }, () => this.drain('store', this.postQ, (x) => this.postOne(x)));
    // Stop order matters: generation first, then close each queue once its producers are gone.
    const genDone = Promise.all([...gen, ...pre]).then(() => this.validateQ.close());
    const valDone = genDone.then(() => Promise.all(val)).then(() => this.postQ.close());
    this.loops = [valDone.then(() => Promise.all(post)).then(() => undefined)];
    this.heartbeat = setInterval(() => this.guard('lease heartbeat', () => renewLeases(this.db, this.owner, Date.now() + c.leaseMs)), Math.max(50, c.leaseMs / 3));
    this.heartbeat.unref();
    for (const b of listBatches(this.db, ['running'])) this.checkBatchDone(b.id);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    for (const c of this.inflight.values()) c.abort.abort('stop');
    this.wakeup.notify();
    await Promise.all(this.loops);
    clearInterval(this.heartbeat);
    this.progress.flushAll();
    this.batchProgress.flushAll();
    // Anything still leased by us (should be nothing) goes back to the queue right now.
    const ids = stmt(this.db, 'SELECT id FROM tasks WHERE lease_owner = ? AND lease_until IS NOT NULL').all(this.owner) as { id: string }[];
    retireLeaseOwner(this.owner);
    if (ids.length > 0 && isLeaseOwnerDead(this.owner)) requeueStaleTasks(this.db);
    const stages = [...this.stageCache.values()];
    this.stageCache.clear();
    for (const p of stages) await p.then((s) => s.dispose?.()).catch(() => undefined);
    this.running = false;
  }

  // ---- supervision -----------------------------------------------------------------------

  /** Runs `turn` until stop; an escaping error is reported and the loop carries on after a short pause. */
  private async supervise(name: string, turn: () => Promise<void>): Promise<void> {
    let failures = 0;
    let last = '';
    while (!this.stopping) {
      try {
        await turn();
        failures = 0;
        last = '';
      } catch (err) {
        const e = toErrorData(err);
        const message = `${name} loop: ${e.message}`;
        // The same persistent fault (a full disk) is reported once, not four times a second.
        if (message !== last) this.reportError({ message, kind: e.kind, ...faultOf(e) });
        last = message;
        failures++;
        await this.wakeup.wait(Math.min(LOOP_BACKOFF_MS * 2 ** Math.min(failures - 1, 5), MAX_LOOP_BACKOFF_MS));
      }
    }
  }

  /** A queue consumer: each item's failure is handled (and reported if even that fails), never fatal to the loop. */
  private async drain<T>(name: string, q: BoundedQueue<T>, work: (item: T) => Promise<void>): Promise<void> {
    for (;;) {
      const item = await q.take();
      if (item === null) return;
      try {
        await work(item);
      } catch (err) {
        const e = toErrorData(err);
        this.reportError({ message: `${name} loop: ${e.message}`, kind: e.kind, ...faultOf(e) });
      }
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const e = toErrorData(err);
      this.reportError({ message: `${what}: ${e.message}`, kind: e.kind, ...faultOf(e) });
    }
  }

  reportError(e: { message: string; kind: string; batchId?: string; fault?: string }): void {
    this.events.emit('engine-error', { message: e.message, kind: e.kind, ...(e.batchId ? { batchId: e.batchId } : {}), ...(e.fault ? { fault: e.fault } : {}), at: Date.now() });
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

  /** A batch whose stages cannot be built pauses with the reason stored and shown; resume tries again. */
  private pauseForStages(batchId: string, e: ErrorData): void {
    const reason = `could not prepare the batch's stages: ${e.kind}: ${e.message}`;
    if (setBatchState(this.db, batchId, 'paused', ['running'], Date.now(), reason)) {
      this.reportError({ message: reason, kind: e.kind, batchId });
      this.emitBatchState(batchId, 'running', 'paused', reason);
    }
  }

  // ---- scheduler + generation ------------------------------------------------------------

  private claim(): Omit<Claim, 'stages' | 'abort' | 'timings' | 'gpuMs'> | null {
    const now = Date.now();
    return this.db.transaction(() => {
      const task = nextClaimable(this.db, now);
      if (!task) return null;
      const batch = requireBatch(this.db, task.batchId);
      let plan: AttemptPlan = task.nextAttempt ?? { kind: 'initial', prompt: task.prompt, negativePrompt: task.negativePrompt, params: task.params };
      const k = batch.config.candidates;
      // Best of k: a new round (first try or a style retry) starts at candidate 1.
      if (k > 1 && !plan.candidate) plan = { ...plan, candidate: { index: 1, of: k, roundStart: nextAttemptN(this.db, task.id) } };
      const { id, n } = insertAttempt(this.db, task.id, plan, now);
      transitionTask(this.db, task.id, [task.state], 'generating', { lease: { owner: this.owner, until: now + this.config.leaseMs } }, now);
      // The row runs with its prompt as it is now: its open delta reports are settled.
      resolveDeltasForTask(this.db, task.batchId, task.id, now);
      return { task: { ...task, state: 'generating' as TaskState }, batch, plan, attemptId: id, attemptN: n };
    })();
  }

  private async generateTurn(slot: number): Promise<void> {
    // A loop above the live cap claims nothing; poke() (a cap change, a control action) wakes it.
    if (this.config.generateSlots && slot >= this.config.generateSlots()) {
      await this.wakeup.wait(this.config.idlePollMs);
      return;
    }
    const got = this.claim();
    if (!got) {
      const at = nextWakeAt(this.db, Date.now());
      const wait = at == null ? this.config.idlePollMs : Math.min(this.config.idlePollMs, at - Date.now());
      await this.wakeup.wait(wait);
      return;
    }
    this.emitTask(got.task, got.task.nextAttempt ? 'retry' : 'queued', 'generating', { attempt: got.attemptN });
    let stages: BatchStages;
    try {
      stages = await this.stagesFor(got.batch);
    } catch (err) {
      const e = toErrorData(err);
      const now = Date.now();
      this.db.transaction(() => {
        finishAttempt(this.db, got.attemptId, { outcome: 'cancelled', errorKind: e.kind, error: e.message }, now);
        transitionTask(this.db, got.task.id, ['generating'], 'queued', { lease: null, nextAttempt: got.plan }, now);
      })();
      this.emitTask(got.task, 'generating', 'queued', { reason: 'the batch paused: its stages could not be prepared' });
      this.pauseForStages(got.batch.id, e);
      return;
    }
    const claim: Claim = { ...got, stages, abort: new AbortController(), timings: {}, gpuMs: 0 };
    this.inflight.set(claim.task.id, claim);
    try {
      await this.generateOne(claim);
    } catch (err) {
      handleError(this, claim, err, ['generating', 'validating']);
    } finally {
      this.inflight.delete(claim.task.id);
      // The final step is always delivered; then the key's bookkeeping is dropped.
      this.progress.flush(claim.task.id);
      this.progress.forget(claim.task.id);
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
        timings: c.timings,
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

  private async validateOne(item: Generated): Promise<void> {
    item.timings['validateWait'] = performance.now() - (item.timings['queuedForValidation'] ?? performance.now());
    delete item.timings['queuedForValidation'];
    try {
      const t0 = performance.now();
      const scores = toStyleScores(await item.stages.validate.validate(item.image, { task: item.task, prompt: item.plan.prompt, timings: item.timings }));
      item.timings['validate'] = performance.now() - t0;
      const d = await decideAttempt(this, item, scores);
      if (d.kind === 'stale') return this.dropStale(item);
      if (d.kind === 'passed') {
        d.item.timings['queuedForPost'] = performance.now();
        await this.postQ.put(d.item);
      }
    } catch (err) {
      handleError(this, item, err, ['validating', 'passed']);
    }
  }

  // ---- store + post ----------------------------------------------------------------------

  private async postOne(item: Validated): Promise<void> {
    item.timings['postWait'] = performance.now() - (item.timings['queuedForPost'] ?? performance.now());
    delete item.timings['queuedForPost'];
    try {
      await this.finishPassed(item);
    } catch (err) {
      handleError(this, item, err, ['passed', 'tagging']);
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

  private dropStale(c: Claim): void {
    finishAttempt(this.db, c.attemptId, { outcome: 'cancelled', errorKind: 'Cancelled', error: 'the task was moved by a control action', timings: c.timings });
  }

  // ---- pre-flight ------------------------------------------------------------------------

  /** pending → preflight → queued (held when the pre-flight stage says so). */
  private async preflightTurn(): Promise<void> {
    const row = stmt(
      this.db,
      `SELECT t.id FROM tasks t JOIN batches b ON b.id = t.batch_id WHERE b.state = 'running' AND t.state = 'pending'
       ORDER BY b.priority DESC, b.created_at, t.priority DESC, t.row_index LIMIT 1`,
    ).get() as { id: string } | undefined;
    const task = row ? getTask(this.db, row.id) : undefined;
    if (!task) {
      await this.wakeup.wait(this.config.idlePollMs);
      return;
    }
    const batch = requireBatch(this.db, task.batchId);
    let stages: BatchStages;
    try {
      stages = await this.stagesFor(batch);
    } catch (err) {
      this.pauseForStages(batch.id, toErrorData(err));
      return;
    }
    if (!stages.preflight) {
      if (transitionTask(this.db, task.id, ['pending'], 'queued')) this.emitTask(task, 'pending', 'queued');
      this.wakeup.notify();
      return;
    }
    if (!transitionTask(this.db, task.id, ['pending'], 'preflight')) return;
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
    this.wakeup.notify();
    this.checkBatchDone(task.batchId);
  }

  // ---- hooks for control / review --------------------------------------------------------

  wake(): void {
    this.wakeup.notify();
  }

  abortBatch(batchId: string, reason: string): void {
    for (const c of this.inflight.values()) if (c.task.batchId === batchId) c.abort.abort(reason);
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
    this.guard('batch progress', () => {
      const m = computeMetrics(this.db, batchId);
      const e: BatchProgressEvent = {
        batchId,
        total: m.total,
        counts: m.counts,
        statuses: countStatuses(this.db, batchId),
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
    });
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

  // ---- reads -----------------------------------------------------------------------------

  summary(batchId: string): BatchSummary {
    const batch = requireBatch(this.db, batchId);
    const retried = (stmt(this.db, 'SELECT COUNT(*) AS n FROM tasks WHERE batch_id = ? AND style_retries > 0').get(batchId) as { n: number }).n;
    return { batch, metrics: computeMetrics(this.db, batchId), counts: countStatuses(this.db, batchId), retried };
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
}

/** The environment-fault tag (disk full, read-only, permission) that toErrorData puts in detail. */
function faultOf(e: ErrorData): { fault?: string } {
  const f = e.detail?.['fault'];
  return typeof f === 'string' ? { fault: f } : {};
}
