import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Helper threads that run the LoRA bake's wasm kernel over row ranges of one tensor, on the
 * tensor's own shared wasm memory (kernel-buffer.ts), while the calling thread runs its share.
 * One core computes a rank-16 update at about 1 GB/s of fp32 weights (half that for fp16), below
 * what a disk copy moves; the bake's reads and writes already run on libuv's threads, so on a
 * machine with cores to spare the maths is what limits it (docs/style-weights.md).
 *
 * The calling thread blocks (Atomics.wait) until every helper is done: the kernel is synchronous
 * for its caller either way, and a bake runs in the weights worker, never on the app's main
 * thread. A helper that fails or does not answer fails that bake with a message (its rows may
 * be half updated, and C += A·B cannot be redone on them) and turns the threads off: later bakes
 * compute on the calling thread alone.
 */

/** One thread's share: rows [start, end) of C. */
export interface KernelRange {
  start: number;
  end: number;
}

export interface KernelCall {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  cPtr: number;
  aPtr: number;
  bPtr: number;
  /** Bytes per row of C and of A. */
  cRowBytes: number;
  aRowBytes: number;
  tile: number;
}

/** Longest wait for a helper before the threads are turned off (a tensor takes milliseconds). */
const HELPER_TIMEOUT_MS = 30_000;

// Plain JS run by each helper (eval: no file to locate in dev, tests or the packaged app).
// ctl[i]: 0 running, 1 done, 2 failed. The instance is cached for the last (module, memory) pair
// only: every message carries both, so nothing older is kept alive.
const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads');
let lastKey = '';
let k = null;
parentPort.on('message', (m) => {
  try {
    if (m.key !== lastKey) {
      k = new WebAssembly.Instance(m.module, { env: { m: m.memory } }).exports.k;
      lastKey = m.key;
    }
    for (let r0 = m.start; r0 < m.end; r0 += m.tile) {
      const n = Math.min(m.tile, m.end - r0);
      k(m.cPtr + r0 * m.cRowBytes, m.aPtr + r0 * m.aRowBytes, m.bPtr, n);
    }
    Atomics.store(m.ctl, m.slot, 1);
  } catch (err) {
    Atomics.store(m.ctl, m.slot, 2);
  }
  Atomics.notify(m.ctl, m.slot);
});
`;

/**
 * Helpers beside the calling thread: ASSETQL_KERNEL_THREADS (threads in all) or one thread per
 * core, up to 8. Every core, not all but one for the reads and writes: the threads compute only
 * while a tensor is being updated and the OS schedules the I/O between them (measured on 2 cores:
 * a 108 MB fp16 bake 190–196 ms on 2 threads against 247–299 ms on 1; fp32 unchanged).
 */
export function defaultKernelHelpers(): number {
  const env = Number(process.env['ASSETQL_KERNEL_THREADS']);
  const threads = Number.isInteger(env) && env >= 1 ? env : Math.min(8, availableParallelism());
  return Math.max(0, Math.min(15, threads - 1));
}

export class KernelThreads {
  private readonly helpers: Worker[] = [];
  private readonly ctl = new Int32Array(new SharedArrayBuffer(64 * 4));
  private broken = false;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

  constructor(private readonly count: number) {}

  /** Threads that share a call: the caller plus the helpers (1 when none or when broken). */
  get threads(): number {
    return this.broken ? 1 : this.count + 1;
  }

  /**
   * Runs the kernel over `ranges` (ranges[0] on the calling thread, the rest on helpers) and
   * returns when all are done.
   */
  run(call: KernelCall, ranges: KernelRange[], runHere: (r: KernelRange) => void): void {
    if (this.broken || ranges.length <= 1) {
      for (const r of ranges) runHere(r);
      return;
    }
    const key = `${this.id(call.module)}:${this.id(call.memory)}`;
    const posted: number[] = [];
    for (let h = 1; h < ranges.length && h - 1 < this.count; h++) {
      const slot = h - 1;
      Atomics.store(this.ctl, slot, 0);
      this.helper(slot).postMessage({ ...call, ...ranges[h], key, slot, ctl: this.ctl });
      posted.push(h);
    }
    runHere(ranges[0]!);
    for (let h = posted.length + 1; h < ranges.length; h++) runHere(ranges[h]!);
    for (const h of posted) {
      const slot = h - 1;
      const outcome = Atomics.wait(this.ctl, slot, 0, HELPER_TIMEOUT_MS);
      if (outcome === 'timed-out' || Atomics.load(this.ctl, slot) !== 1) {
        // The helper's rows may be half done: C += A·B is not idempotent, so this tensor cannot be
        // recomputed here. Fail the bake (the caller reports it) and stop using threads.
        this.broken = true;
        this.close();
        throw new Error(`LoRA bake: kernel thread ${slot + 1} ${outcome === 'timed-out' ? `did not finish in ${HELPER_TIMEOUT_MS / 1000} s` : 'failed'}; the bake stops, and later bakes compute on one thread`);
      }
    }
  }

  /** Ends the helpers (they are unref'd: an idle process exits without this). */
  close(): void {
    for (const w of this.helpers.splice(0)) void w.terminate();
  }

  private helper(slot: number): Worker {
    let w = this.helpers[slot];
    if (!w) {
      w = new Worker(HELPER_SOURCE, { eval: true });
      w.unref();
      // An exit or error shows up as a helper that never answers; nothing else to do here.
      w.on('error', () => undefined);
      this.helpers[slot] = w;
    }
    return w;
  }

  private id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }
}
