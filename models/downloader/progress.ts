/**
 * Download progress as the UI and CLI show it. Rate is measured over a sliding window of
 * bytes actually transferred in this run (bytes found on disk from an earlier run count as done
 * but not as speed), so a resumed download does not report an absurd rate or ETA.
 */
export interface DownloadProgress {
  /** The file being transferred, relative to the pack folder (absent for single-file use). */
  file?: string;
  bytesDone: number;
  /** Best current knowledge of the total: catalog sizes, replaced by server sizes as they arrive. */
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  rateBytesPerSec: number;
  /** Seconds left at the current rate; null while the rate is unknown. */
  etaSeconds: number | null;
  done: boolean;
}

export interface ProgressTrackerOptions {
  total: number;
  /** Minimum time between emitted events; the final event is always emitted. */
  intervalMs?: number;
  /** Sliding window over which the rate is averaged. */
  windowMs?: number;
  now?: () => number;
  emit: (p: DownloadProgress) => void;
}

export class ProgressTracker {
  private done = 0;
  private total: number;
  private file: string | undefined;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private readonly samples: { t: number; bytes: number }[] = [];
  private transferred = 0;
  private readonly intervalMs: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly emitFn: (p: DownloadProgress) => void;

  constructor(opts: ProgressTrackerOptions) {
    this.total = opts.total;
    this.intervalMs = opts.intervalMs ?? 250;
    this.windowMs = opts.windowMs ?? 5000;
    this.now = opts.now ?? Date.now;
    this.emitFn = opts.emit;
    this.samples.push({ t: this.now(), bytes: 0 });
  }

  setFile(file: string | undefined): void {
    this.file = file;
  }

  setTotal(total: number): void {
    this.total = total;
  }

  /** Bytes that already exist on disk (resumed or skipped files): done, but not speed. */
  addExisting(bytes: number): void {
    this.done += bytes;
  }

  /** Bytes that were discarded (server ignored Range, corrupt part): no longer done. */
  discard(bytes: number): void {
    this.done = Math.max(0, this.done - bytes);
  }

  /** Bytes received over the network now. */
  addTransferred(bytes: number): void {
    this.done += bytes;
    this.transferred += bytes;
    const t = this.now();
    this.samples.push({ t, bytes: this.transferred });
    while (this.samples.length > 2 && t - (this.samples[1]?.t ?? t) > this.windowMs) this.samples.shift();
    this.maybeEmit(false);
  }

  snapshot(done = false): DownloadProgress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    let rate = 0;
    if (first && last && last.t > first.t) rate = ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
    const left = Math.max(0, this.total - this.done);
    const eta = done ? 0 : rate > 0 ? left / rate : null;
    return {
      ...(this.file !== undefined ? { file: this.file } : {}),
      bytesDone: this.done,
      bytesTotal: Math.max(this.total, this.done),
      rateBytesPerSec: rate,
      etaSeconds: eta,
      done,
    };
  }

  /** Emits now regardless of throttling (file boundaries, completion). */
  flush(done = false): void {
    this.lastEmit = this.now();
    this.emitFn(this.snapshot(done));
  }

  private maybeEmit(done: boolean): void {
    const t = this.now();
    if (t - this.lastEmit < this.intervalMs) return;
    this.lastEmit = t;
    this.emitFn(this.snapshot(done));
  }
}
