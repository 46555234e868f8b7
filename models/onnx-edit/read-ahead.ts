/**
 * Starts work on items in order ahead of their use, holding at most `budget` bytes of items
 * started but not yet released (one item more when a single item is larger than the budget).
 * A rewrite releases a tensor once its bytes are written, so reads run ahead of the writes by the
 * budget, not by a position in the loop: tied to the loop, a LoRA bake read a tensor, computed,
 * then read the next (the loop waited on the write before starting it), idle 40% of the time.
 */
export class ReadAhead<T> {
  private next = 0;
  private held = 0;
  private readonly started = new Map<number, Promise<T>>();
  private wake: (() => void) | null = null;

  constructor(
    private readonly sizes: readonly number[],
    private readonly start: (k: number) => Promise<T>,
    private readonly budget: number,
  ) {}

  /**
   * Item k's result; items must be taken in order. When the budget has not let k start yet,
   * `beforeWait` runs (it must get held bytes released: e.g. flush gathered writes) and this waits
   * for a release.
   */
  async take(k: number, beforeWait: () => void): Promise<T> {
    this.fill();
    while (!this.started.has(k)) {
      beforeWait();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.fill();
    }
    const p = this.started.get(k)!;
    this.started.delete(k);
    return p;
  }

  /** Gives back `bytes` of an item taken earlier (its result is written or dropped). */
  release(bytes: number): void {
    this.held -= bytes;
    this.fill();
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  /** Waits for everything started (after an error elsewhere, before files are closed). */
  async settle(): Promise<void> {
    await Promise.all([...this.started.values()].map((p) => p.catch(() => undefined)));
  }

  private fill(): void {
    while (this.next < this.sizes.length) {
      const n = this.sizes[this.next]!;
      if (this.held > 0 && this.held + n > this.budget) return;
      this.held += n;
      const p = this.start(this.next);
      p.catch(() => undefined); // taken in order by the caller; this only keeps a failure ahead from being "unhandled"
      this.started.set(this.next, p);
      this.next += 1;
    }
  }
}
