import type { Database } from 'better-sqlite3';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { getTask } from '../pipeline/ledger-api.ts';
import { FINAL_STATES } from '../pipeline/state-machine.ts';
import { announceQueue, cancelRunningJob } from './job-cancel.ts';
import { BULL_PREFIX, QUEUES_KEY, type GenerateJobData, type GenerateJobResult, type QueueVariant } from './job-types.ts';
import type { WorkStore } from './work-store.ts';

/** What an event said about a job: the worker's record on completion (no Redis read needed), or why it failed. */
export type JobEvent = { kind: 'completed'; result: GenerateJobResult } | { kind: 'failed'; reason: string } | { kind: 'removed' };

/** One waiting attempt's view of its job: registered before the job is added, so no event can slip past. */
export interface JobWatch {
  /** The latest event for the job (null until one arrives). */
  readonly event: JobEvent | null;
  /** Resolves on the next event, after ms, or on abort. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  close(): void;
}

/** Work-object deletes at once: cleanup is background work and must not crowd out collection. */
const JANITOR_CONCURRENCY = 2;
const JANITOR_CLOSE_MS = 5000;

export interface QueueHandle {
  variant: QueueVariant;
  queue: Queue<GenerateJobData, GenerateJobResult>;
}

/**
 * The coordinator's side of Redis: one BullMQ Queue (+ QueueEvents for low-latency wake-ups)
 * per pack variant, registered where workers look for them; job waiters woken by events and
 * by a periodic state query (events are a trimmed stream and are missed across restarts, so
 * the job's state in Redis is what counts); and cleanup of finished jobs and work objects.
 */
export class CoordinatorHub {
  private readonly queues = new Map<string, Promise<QueueHandle>>();
  private readonly events: QueueEvents[] = [];
  /** BullMQ does not close connections it was given; these are ours to close. */
  private readonly conns: Redis[] = [];
  private readonly watches = new Map<string, Set<WatchImpl>>();
  private readonly janitor = new Janitor(JANITOR_CONCURRENCY);
  private closed = false;

  constructor(
    readonly redis: Redis,
    readonly store: WorkStore,
    readonly db: Database,
    readonly opts: { pollMs?: number } = {},
  ) {}

  get pollMs(): number {
    return this.opts.pollMs ?? 1000;
  }

  queueFor(variant: QueueVariant): Promise<QueueHandle> {
    let p = this.queues.get(variant.name);
    if (!p) {
      p = (async () => {
        const isNew = (await this.redis.hset(QUEUES_KEY, variant.name, JSON.stringify(variant))) > 0;
        if (isNew) await announceQueue(this.redis, variant.name).catch(() => undefined);
        const queue = new Queue<GenerateJobData, GenerateJobResult>(variant.name, { connection: this.redis, prefix: BULL_PREFIX });
        queue.on('error', () => undefined);
        const conn = this.redis.duplicate();
        conn.on('error', () => undefined);
        this.conns.push(conn);
        const ev = new QueueEvents(variant.name, { connection: conn, prefix: BULL_PREFIX });
        ev.on('error', () => undefined);
        // The completed event carries the worker's return value: the waiter needs no Redis read.
        ev.on('completed', ({ jobId, returnvalue }) => this.notify(jobId, isResult(returnvalue) ? { kind: 'completed', result: returnvalue } : null));
        ev.on('failed', ({ jobId, failedReason }) => this.notify(jobId, { kind: 'failed', reason: failedReason }));
        ev.on('removed', ({ jobId }) => this.notify(jobId, { kind: 'removed' }));
        this.events.push(ev);
        return { variant, queue };
      })();
      p.catch(() => this.queues.delete(variant.name));
      this.queues.set(variant.name, p);
    }
    return p;
  }

  /** Watches a job's events (completed, failed, removed); events only wake, the job's state in Redis stays the truth. */
  watch(jobId: string): JobWatch {
    let set = this.watches.get(jobId);
    if (!set) this.watches.set(jobId, (set = new Set()));
    const w = new WatchImpl(() => {
      set.delete(w);
      if (set.size === 0 && this.watches.get(jobId) === set) this.watches.delete(jobId);
    });
    set.add(w);
    return w;
  }

  private notify(jobId: string, e: JobEvent | null): void {
    for (const w of [...(this.watches.get(jobId) ?? [])]) w.push(e);
  }

  /** Removes a job that will not be used; an active (locked) one is told to stop instead. */
  async discard(queue: Queue<GenerateJobData, GenerateJobResult>, job: Job<GenerateJobData, GenerateJobResult>): Promise<void> {
    try {
      await job.remove();
    } catch {
      // Locked by a worker (active): BullMQ refuses; the holding worker is told at once and aborts it.
      await cancelRunningJob(this.redis, queue.name, job.id ?? '');
      return;
    }
    this.removeObjects(job.data);
  }

  /** Deletes a job's work objects in the background (bounded), so pause, cancel and collection never wait on the store. */
  removeObjects(data: GenerateJobData): void {
    this.janitor.run(() => this.store.remove([data.pngKey, data.metaKey, ...(data.initImageKey ? [data.initImageKey] : [])]).catch(() => undefined));
  }

  /** Resolves when every background delete started so far has finished. */
  drainCleanup(): Promise<void> {
    return this.janitor.idle();
  }

  /**
   * Start-up reconciliation: every job still in Redis is checked against the ledger. Jobs whose
   * task is final are removed with their work objects; the others stay, and the
   * remote stage adopts them when it replays the same plan (no second generation).
   */
  async reconcile(): Promise<{ removed: number; kept: number }> {
    let removed = 0;
    let kept = 0;
    const names = Object.keys(await this.redis.hgetall(QUEUES_KEY));
    for (const name of names) {
      const raw = await this.redis.hget(QUEUES_KEY, name);
      if (!raw) continue;
      const { queue } = await this.queueFor(JSON.parse(raw) as QueueVariant);
      const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'delayed', 'prioritized', 'paused', 'active'], 0, 10_000);
      for (const job of jobs) {
        if (!job?.data) continue;
        const task = getTask(this.db, job.data.taskId);
        // A task this ledger does not know may belong to another coordinator sharing the Redis: leave it.
        if (task && (FINAL_STATES as readonly string[]).includes(task.state)) {
          await this.discard(queue, job);
          removed++;
        } else kept++;
      }
    }
    return { removed, kept };
  }

  /** After a task is final: its jobs (every attempt) and their work objects go. */
  async cleanupTask(taskId: string, jobIds: string[]): Promise<void> {
    for (const p of this.queues.values()) {
      const { queue } = await p;
      await Promise.all(
        jobIds.map(async (id) => {
          const job = await queue.getJob(id).catch(() => undefined);
          if (job && job.data.taskId === taskId) await this.discard(queue, job);
        }),
      );
    }
  }

  /** Jobs per state across this coordinator's queues (the Workers panel shows them). */
  async counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of this.queues.values()) {
      const { queue } = await p;
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
      for (const [k, v] of Object.entries(c)) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ev of this.events) await ev.close().catch(() => undefined);
    for (const p of this.queues.values()) await (await p.catch(() => null))?.queue.close().catch(() => undefined);
    for (const c of this.conns) c.disconnect();
    for (const w of [...this.watches.values()].flatMap((s) => [...s])) w.push(null);
    // Deletes still queued get a few seconds (a dead store must not hold up a settings switch or
    // a quit); what is left stays as work objects, which carry the job id for manual cleanup.
    await Promise.race([this.janitor.idle(), new Promise((r) => setTimeout(r, JANITOR_CLOSE_MS).unref())]);
    this.janitor.drop();
  }
}

function isResult(v: unknown): v is GenerateJobResult {
  const r = v as Partial<GenerateJobResult> | null;
  return !!r && typeof r === 'object' && r.v === 1 && typeof r.pngKey === 'string' && typeof r.sha256 === 'string' && typeof r.bytes === 'number';
}

class WatchImpl implements JobWatch {
  event: JobEvent | null = null;
  private wake: (() => void) | null = null;
  constructor(private readonly onClose: () => void) {}

  push(e: JobEvent | null): void {
    if (e) this.event = e;
    this.wake?.();
  }

  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        if (this.wake === done) this.wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    this.wake?.();
    this.onClose();
  }
}

/** A tiny bounded background runner. */
class Janitor {
  private running = 0;
  private readonly queue: (() => Promise<unknown>)[] = [];
  private readonly idlers: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  run(fn: () => Promise<unknown>): void {
    this.queue.push(fn);
    this.pump();
  }

  /** Forgets queued work (running work finishes on its own). */
  drop(): void {
    this.queue.length = 0;
    for (const r of this.idlers.splice(0)) r();
  }

  idle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idlers.push(r));
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length > 0) {
      const fn = this.queue.shift()!;
      this.running++;
      void fn().finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const r of this.idlers.splice(0)) r();
      });
    }
  }
}
