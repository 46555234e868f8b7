/**
 * Per-key trailing throttle: at most one emit per key per interval, and the latest value is
 * never lost (it is emitted when the interval ends). Keeps step progress ≤ 20/s per task.
 */
export class KeyedThrottle<T> {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
  ) {}

  push(key: string, value: T): void {
    const now = Date.now();
    const p = this.pending.get(key);
    if (p) {
      p.value = value;
      return;
    }
    const since = now - (this.last.get(key) ?? 0);
    if (since >= this.intervalMs) {
      this.last.set(key, now);
      this.emit(value);
      return;
    }
    const timer = setTimeout(() => this.flush(key), this.intervalMs - since);
    timer.unref();
    this.pending.set(key, { value, timer });
  }

  flush(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    this.last.set(key, Date.now());
    this.emit(p.value);
  }

  /** Drops a key's pending value (e.g. the task finished, its progress no longer matters). */
  forget(key: string): void {
    const p = this.pending.get(key);
    if (p) clearTimeout(p.timer);
    this.pending.delete(key);
    this.last.delete(key);
  }

  flushAll(): void {
    for (const k of [...this.pending.keys()]) this.flush(k);
  }
}
