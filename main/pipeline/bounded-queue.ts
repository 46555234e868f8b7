/**
 * A bounded async channel between two stages. put() waits while the queue is full, which is the
 * backpressure that stops generation from racing ahead of validation and piling images in
 * memory. close() lets consumers drain what is left and then receive null.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((v: T | null) => void)[] = [];
  private readonly putters: (() => void)[] = [];
  private closed = false;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('queue capacity must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  async put(item: T): Promise<void> {
    if (this.closed) throw new Error('queue closed');
    const taker = this.takers.shift();
    if (taker) {
      taker(item);
      return;
    }
    while (this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.putters.push(resolve));
      if (this.closed) throw new Error('queue closed');
    }
    const t = this.takers.shift();
    if (t) t(item);
    else this.items.push(item);
  }

  take(): Promise<T | null> {
    if (this.items.length > 0) {
      const item = this.items.shift() as T;
      this.putters.shift()?.();
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(null);
    for (const p of this.putters.splice(0)) p();
  }
}
