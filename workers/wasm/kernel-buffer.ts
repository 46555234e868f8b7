/**
 * Large byte buffers that live in a WebAssembly memory of their own, so a wasm kernel can update
 * them where they are: the file's bytes are read straight into the memory, updated in place and
 * written from it. With plain buffers the LoRA bake copied every tile into the kernel's memory
 * and back, twice the weight bytes in extra memory traffic (docs/style-weights.md).
 *
 * Layout of each memory: [scratch | bytes]. The scratch is for what the kernel needs beside the
 * bytes (the LoRA factors); untouched pages of it cost address space only, never resident memory.
 * A memory is created at its final size and never grown, so every view stays valid while reads
 * and writes are in flight. Memories are shared (SharedArrayBuffer): kernel threads work on row
 * ranges of one tensor in place (kernel-threads.ts).
 */

/** Bytes before the data: both factors of a rank-128 update of a [10240, 10240] weight (2 × 5 MB). */
export const KERNEL_SCRATCH = 16 * 1024 * 1024;
const PAGE = 65536;
/** 2 GiB: well inside a 32-bit memory; larger tensors (none in an SDXL pack) use plain buffers. */
const MAX_BYTES = 2 ** 31 - KERNEL_SCRATCH;

const owners = new WeakMap<ArrayBufferLike, WebAssembly.Memory>();

/** A buffer of `n` bytes at offset KERNEL_SCRATCH of a fresh wasm memory, or null when none can be made. */
export function kernelBuffer(n: number): Buffer | null {
  if (n > MAX_BYTES) return null;
  const pages = Math.ceil((KERNEL_SCRATCH + n) / PAGE);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null; // out of address space for another memory (each reserves its guard region): a plain buffer does
  }
  owners.set(memory.buffer, memory);
  return Buffer.from(memory.buffer, KERNEL_SCRATCH, n);
}

/** The wasm memory under `view` when it came from kernelBuffer(), else undefined. */
export function kernelMemoryOf(view: ArrayBufferView): WebAssembly.Memory | undefined {
  const memory = owners.get(view.buffer);
  // A memory that was grown (none is) would have replaced its buffer: the view would be stale.
  return memory && memory.buffer === view.buffer ? memory : undefined;
}
