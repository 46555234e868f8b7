import type { Database } from 'better-sqlite3';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { getTask } from '../pipeline/ledger-api.ts';
import { FINAL_STATES } from '../pipeline/state-machine.ts';
import { BULL_PREFIX, cancelKey, QUEUES_KEY, type GenerateJobData, type GenerateJobResult, type QueueVariant } from './job-types.ts';
import type { WorkStore } from './work-store.ts';

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
  private readonly waiters = new Map<string, Set<() => void>>();
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
        await this.redis.hset(QUEUES_KEY, variant.name, JSON.stringify(variant));
        const queue = new Queue<GenerateJobData, GenerateJobResult>(variant.name, { connection: this.redis, prefix: BULL_PREFIX });
        queue.on('error', () => undefined);
        const conn = this.redis.duplicate();
        conn.on('error', () => undefined);
        this.conns.push(conn);
        const ev = new QueueEvents(variant.name, { connection: conn, prefix: BULL_PREFIX });
        ev.on('error', () => undefined);
        const wake = ({ jobId }: { jobId: string }): void => this.notify(jobId);
        ev.on('completed', wake);
        ev.on('failed', wake);
        ev.on('removed', wake);
        this.events.push(ev);
        return { variant, queue };
      })();
      p.catch(() => this.queues.delete(variant.name));
      this.queues.set(variant.name, p);
    }
    return p;
  }

  /** Resolves when the job's state may have changed (event), after pollMs, or on abort. */
  waitForChange(jobId: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      let set = this.waiters.get(jobId);
      if (!set) this.waiters.set(jobId, (set = new Set()));
      const done = (): void => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(jobId);
        resolve();
      };
      const t = setTimeout(done, this.pollMs);
      signal.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  private notify(jobId: string): void {
    for (const fn of [...(this.waiters.get(jobId) ?? [])]) fn();
  }

  /** Removes a job that will not be used; an active (locked) one is told to stop instead. */
  async discard(queue: Queue<GenerateJobData, GenerateJobResult>, job: Job<GenerateJobData, GenerateJobResult>): Promise<void> {
    try {
      await job.remove();
    } catch {
      // Locked by a worker (active): BullMQ refuses; the worker polls this key and aborts the job.
      await this.redis.set(cancelKey(queue.name, job.id ?? ''), '1', 'EX', 600);
      return;
    }
    await this.removeObjects(job.data);
  }

  async removeObjects(data: GenerateJobData): Promise<void> {
    await this.store.remove([data.pngKey, data.metaKey, ...(data.initImageKey ? [data.initImageKey] : [])]).catch(() => undefined);
  }

  /**
   * Start-up reconciliation: every job still in Redis is checked against the ledger. Jobs whose
   * task is final (or gone) are removed with their work objects; the others stay, and the
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
        if (!task || (FINAL_STATES as readonly string[]).includes(task.state)) {
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
      for (const id of jobIds) {
        const job = await queue.getJob(id).catch(() => undefined);
        if (job && job.data.taskId === taskId) await this.discard(queue, job);
      }
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
    for (const fn of [...this.waiters.values()].flatMap((s) => [...s])) fn();
  }
}
