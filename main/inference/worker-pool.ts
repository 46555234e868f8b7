// First: native libraries loaded by later imports read this environment as they load.
import '../core/quiet-runtime.ts';
import { Worker } from 'node:worker_threads';
import type { FromWorker, OpKind, OpOf, OpProgress, OpResults, ToWorker, WorkerErrorKind, WorkerInit } from '../../workers/protocol.ts';
import { AppError, fromErrorData, toErrorData, type ErrorKind } from '../core/app-error.ts';
import { inferenceWorkerEntry, type WorkerEntry } from './worker-entry.ts';

// Compile-time guard: every kind a worker can send is a kind the app knows.
const _kindsAreCompatible: ErrorKind = '' as WorkerErrorKind;
void _kindsAreCompatible;

export interface WorkerPoolOptions {
  /** Worker threads (each holds its own sessions: one per GPU is usual). Default 1. */
  size?: number;
  /** Execution providers, best first (from workers/onnx/providers.ts resolveProviders). Default ['cpu']. */
  providers?: string[];
  intraOpThreads?: number;
  entry?: WorkerEntry;
  /**
   * Let the process exit while no work is pending (worker.unref() when idle, ref() while busy):
   * for the process-wide pool of short CPU jobs, which nobody closes explicitly in a CLI run.
   */
  unrefWhenIdle?: boolean;
  onLog?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface RunOptions {
  onProgress?: (p: OpProgress) => void;
  /** Bytes written by a weights op (import / bake), as the worker reports them. */
  onBytes?: (n: number) => void;
  /**
   * Aborting cancels the run (between denoising steps) and rejects with AppError('Cancelled') once
   * the worker has stopped. Abort wins: a result that arrives after it is discarded, so a caller
   * that aborted never receives one (a tiny run can finish before the cancel message lands).
   */
  signal?: AbortSignal;
}

export interface RunHandle<K extends OpKind> {
  seq: number;
  result: Promise<OpResults[K]>;
}

interface Pending {
  slot: Slot;
  resolve: (v: unknown) => void;
  reject: (e: AppError) => void;
  onProgress: ((p: OpProgress) => void) | undefined;
  onBytes: ((n: number) => void) | undefined;
  cleanup: () => void;
  /** The caller aborted: progress is no longer forwarded and the outcome is Cancelled. */
  aborted: boolean;
}

interface Slot {
  worker: Worker;
  pending: number;
  /** Pack folders this worker has been sent, so follow-up work reuses its loaded sessions. */
  packs: Set<string>;
}

/**
 * Long-lived inference worker threads. Correlates replies by seq, forwards progress, cancels by
 * seq, and when a worker dies rejects its in-flight work with AppError('Internal', …crashed…)
 * and starts a replacement, so one bad run never takes the pool down.
 */
export class WorkerPool {
  readonly providers: string[];
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextSeq = 1;
  private closed = false;
  private readonly entry: WorkerEntry;
  private readonly init: WorkerInit;

  constructor(private readonly options: WorkerPoolOptions = {}) {
    this.providers = options.providers ?? ['cpu'];
    this.entry = options.entry ?? inferenceWorkerEntry();
    this.init = { providers: this.providers, ...(options.intraOpThreads ? { intraOpThreads: options.intraOpThreads } : {}) };
    for (let i = 0; i < Math.max(1, options.size ?? 1); i++) this.slots.push(this.spawn());
  }

  submit<K extends OpKind>(op: OpOf<K>, opts: RunOptions = {}): RunHandle<K> {
    const seq = this.nextSeq++;
    if (this.closed) return { seq, result: Promise.reject(new AppError('Unavailable', 'inference worker pool is closed')) };
    if (opts.signal?.aborted) return { seq, result: Promise.reject(new AppError('Cancelled', 'cancelled before it started')) };
    const packDir = 'packDir' in op ? op.packDir : undefined;
    const slot = this.pickSlot(packDir);
    const result = new Promise<OpResults[K]>((resolve, reject) => {
      const onAbort = (): void => {
        const p = this.pending.get(seq);
        if (p) p.aborted = true;
        this.cancel(seq);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(seq, {
        slot,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        onBytes: opts.onBytes,
        cleanup: () => opts.signal?.removeEventListener('abort', onAbort),
        aborted: false,
      });
    });
    slot.pending += 1;
    if (this.options.unrefWhenIdle && slot.pending === 1) slot.worker.ref();
    if (packDir) slot.packs.add(packDir);
    this.post(slot, { seq, type: 'run', op });
    return { seq, result };
  }

  run<K extends OpKind>(op: OpOf<K>, opts: RunOptions = {}): Promise<OpResults[K]> {
    return this.submit(op, opts).result;
  }

  /** Asks the worker to stop `seq`; it rejects with Cancelled at the next step boundary. */
  cancel(seq: number): void {
    const p = this.pending.get(seq);
    if (p) this.post(p.slot, { seq, type: 'cancel' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [seq, p] of this.pending) this.settle(seq, p, new AppError('Cancelled', 'inference worker pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.entry.code, { eval: true, workerData: this.init });
    const slot: Slot = { worker, pending: 0, packs: new Set() };
    if (this.options.unrefWhenIdle) worker.unref();
    worker.on('message', (msg: FromWorker) => this.onMessage(msg));
    worker.on('error', (err) => this.failSlot(slot, `inference worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (this.closed) return;
      this.failSlot(slot, `inference worker crashed (exit code ${code})`);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    });
    return slot;
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'log') {
      this.options.onLog?.(msg.level, msg.message);
      return;
    }
    const p = this.pending.get(msg.seq);
    if (!p) return;
    if (msg.type === 'progress') {
      if (!p.aborted) p.onProgress?.(msg.progress);
      return;
    }
    if (msg.type === 'bytes') {
      p.onBytes?.(msg.bytes);
      return;
    }
    // The caller aborted: whatever the worker ended with, the caller asked for nothing more.
    if (p.aborted) this.settle(msg.seq, p, new AppError('Cancelled', msg.ok ? 'cancelled (the run had already finished)' : toErrorData(msg.error).message));
    else if (msg.ok) this.settle(msg.seq, p, null, msg.result);
    else this.settle(msg.seq, p, fromErrorData(toErrorData(msg.error)));
  }

  private settle(seq: number, p: Pending, err: AppError | null, value?: unknown): void {
    this.pending.delete(seq);
    p.slot.pending -= 1;
    if (this.options.unrefWhenIdle && p.slot.pending === 0) p.slot.worker.unref();
    p.cleanup();
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private failSlot(slot: Slot, message: string): void {
    for (const [seq, p] of this.pending) if (p.slot === slot) this.settle(seq, p, new AppError('Internal', message));
    slot.packs.clear();
  }

  private pickSlot(packDir: string | undefined): Slot {
    const byLoad = [...this.slots].sort((a, b) => a.pending - b.pending);
    const warm = packDir ? byLoad.find((s) => s.packs.has(packDir) && s.pending === 0) : undefined;
    return warm ?? byLoad[0]!;
  }

  private post(slot: Slot, msg: ToWorker): void {
    slot.worker.postMessage(msg);
  }
}
