import type { Redis } from 'ioredis';
import { HEARTBEAT_MS, listWorkers } from './worker-registry.ts';

/**
 * How many claimed attempts a coordinator keeps queued for workers: two per job slot of the live
 * workers (one running, one waiting, so a worker never idles while the coordinator collects its
 * last image and claims the next), at least 2, at most the configured maximum. A fixed number
 * starved a larger farm and, for a small one, claimed rows long before any worker could take
 * them (pause and priority changes then had more to undo). Re-read every heartbeat.
 */
export class InFlightCap {
  private cap: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly redis: Redis,
    readonly max: number,
  ) {
    this.cap = Math.min(2, max);
  }

  static slotsFor(capacity: number, max: number): number {
    return Math.max(Math.min(2, max), Math.min(max, 2 * capacity));
  }

  get value(): number {
    return this.cap;
  }

  async refresh(): Promise<void> {
    const ads = await listWorkers(this.redis);
    const capacity = ads.reduce((a, w) => a + Math.max(1, w.concurrency ?? 1), 0);
    const next = InFlightCap.slotsFor(capacity, this.max);
    if (next === this.cap) return;
    this.cap = next;
    for (const fn of this.listeners) fn();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => undefined), HEARTBEAT_MS);
    this.timer.unref();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
