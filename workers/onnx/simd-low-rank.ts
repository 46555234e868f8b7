/**
 * C += A·B for a LoRA bake as a WebAssembly SIMD kernel, generated per (rank, cols, weight type).
 *
 * Why not ONNX Runtime's Gemm: with a rank of 4–128 the product is memory-bound, and
 * onnxruntime-node returns every output as a freshly allocated copy (even into a pre-allocated
 * output), so each tile cost an allocation, page faults, a copy and, in bulk, V8 collections for
 * "external memory pressure" — more than the maths. This kernel works on tiles copied into wasm
 * memory (in cache), with no allocation per call; fp16 weights are widened and rounded back
 * (round to nearest even) inside the kernel, where ORT needed two Cast passes over every tile.
 *
 * The code is emitted as bytes, not compiled from a source language: the whole kernel is one
 * function, and generating it per shape lets every B offset be an immediate and the rank loop be
 * unrolled. No npm package offers a SIMD low-rank update; a WAT toolchain would be a build step
 * for one function.
 *
 * Measured figures and what was tried and dropped (a second thread, FMA, more accumulators):
 * docs/style-weights.md, "Throughput and memory".
 */

import { KERNEL_SCRATCH, kernelMemoryOf } from '../wasm/kernel-buffer.ts';
import { defaultKernelHelpers, KernelThreads, type KernelRange } from './kernel-threads.ts';
import { I32, name, section, sleb, uleb, V128, vec, WASM_HEADER } from '../wasm/wasm-encoding.ts';

/** Columns per inner block: four f32x4 accumulators (two were within noise; six to twelve slower: spills). */
const ACCS = 4;
const BLOCK = ACCS * 4;

export interface KernelShape {
  rank: number;
  cols: number;
  half: boolean;
}

/** Whether the kernel serves this shape (else the caller uses ONNX Runtime's Gemm). */
export function simdSupports(s: KernelShape): boolean {
  return s.cols % 4 === 0 && s.cols > 0 && s.rank > 0 && s.rank <= 512 && s.rank * s.cols * 4 < 2 ** 30;
}

export type Kernel = (cPtr: number, aPtr: number, bPtr: number, rows: number) => void;

// Opcodes (core and the 0xFD SIMD prefix), named as in the spec.
const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GtU: 0x4b,
  i32Add: 0x6a,
  i32Mul: 0x6c,
};
const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const S = {
  load: 0,
  load16x4u: 4,
  store: 11,
  i32x4Splat: 17,
  f32x4Splat: 19,
  i32x4GtS: 59,
  i32x4LtS: 57,
  and: 78,
  or: 80,
  xor: 81,
  bitselect: 82,
  store64Lane: 91,
  narrowI32x4U: 134,
  i32x4Shl: 171,
  i32x4ShrU: 173,
  i32x4Add: 174,
  i32x4Sub: 177,
  f32x4Add: 228,
  f32x4Mul: 230,
};
/** memarg: alignment (log2) and a constant offset. */
const mem = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];

// Locals: params 0–3, then i32 scratch, then v128s.
const P_C = 0;
const P_A = 1;
const P_B = 2;
const P_ROWS = 3;
const L_R = 4;
const L_CP = 5;
const L_AP = 6;
const L_J = 7;
const L_BP = 8;
const L_CJ = 9;
const L_JB = 10;
const L_JEND = 11;
const I32_LOCALS = 8;
const L_ACC = 12;
const L_AV = L_ACC + ACCS;
const L_T0 = L_AV + 1;
const V128_LOCALS = ACCS + 6;

const get = (l: number): number[] => [op.localGet, ...uleb(l)];
const set = (l: number): number[] => [op.localSet, ...uleb(l)];
const i32c = (n: number): number[] => [op.i32Const, ...sleb(n | 0)];
const i32x4c = (n: number): number[] => [...i32c(n), ...simd(S.i32x4Splat)];

/** Emits: stack v128 (half bits in i32 lanes) → v128 f32 lanes, via scratch locals. */
function emitHalfToFloat(out: number[]): void {
  const h = L_T0;
  const em = L_T0 + 1;
  const normal = L_T0 + 2;
  out.push(...set(h));
  out.push(...get(h), ...i32x4c(0x7fff), ...simd(S.and), ...set(em));
  // normal/subnormal/zero: as_f32(em << 13) × 2^112 (0x77800000 is 2^112 as f32 bits)
  out.push(...get(em), ...i32c(13), ...simd(S.i32x4Shl), ...i32x4c(0x77800000), ...simd(S.f32x4Mul), ...set(normal));
  // inf/NaN (em ≥ 0x7c00): exponent all ones, mantissa kept
  out.push(...get(em), ...i32c(13), ...simd(S.i32x4Shl), ...i32x4c(0x7f800000), ...simd(S.or));
  out.push(...get(normal));
  out.push(...get(em), ...i32x4c(0x7bff), ...simd(S.i32x4GtS));
  out.push(...simd(S.bitselect)); // mask ? infnan : normal
  // sign
  out.push(...get(h), ...i32x4c(0x8000), ...simd(S.and), ...i32c(16), ...simd(S.i32x4Shl), ...simd(S.or));
}

/**
 * Emits: stack v128 f32 lanes → v128 with fp16 bits in i32 lanes (round to nearest even;
 * overflow → inf, NaN → quiet NaN, subnormals exact): F. Giesen's branchless
 * float_to_half_fast3_rtne, with its three cases computed for all lanes and chosen by masks.
 */
function emitFloatToHalf(out: number[]): void {
  const [x, sign, big, small, normal] = [L_T0, L_T0 + 1, L_T0 + 2, L_T0 + 3, L_T0 + 4];
  out.push(...set(x));
  out.push(...get(x), ...i32x4c(0x80000000), ...simd(S.and), ...set(sign));
  out.push(...get(x), ...get(sign), ...simd(S.xor), ...set(x)); // |x| as bits
  // beyond fp16 (|x| ≥ 65520 after rounding, i.e. ≥ 0x47800000): NaN → 0x7e00, else inf 0x7c00
  out.push(...i32x4c(0x7e00), ...i32x4c(0x7c00), ...get(x), ...i32x4c(0x7f800000), ...simd(S.i32x4GtS), ...simd(S.bitselect), ...set(big));
  // fp16 subnormal (|x| < 2^-14): the float add of 0.5 rounds the mantissa into place
  out.push(...get(x), ...i32x4c(0x3f000000), ...simd(S.f32x4Add), ...i32x4c(0x3f000000), ...simd(S.i32x4Sub), ...set(small));
  // normal: rebias the exponent, add 0xfff plus the lowest kept mantissa bit (ties to even), >> 13
  out.push(...get(x), ...i32x4c(0xc8000fff), ...simd(S.i32x4Add));
  out.push(...get(x), ...i32c(13), ...simd(S.i32x4ShrU), ...i32x4c(1), ...simd(S.and), ...simd(S.i32x4Add));
  out.push(...i32c(13), ...simd(S.i32x4ShrU), ...set(normal));
  // bitselect(a, b, mask) = mask ? a : b
  out.push(...get(big));
  out.push(...get(small), ...get(normal), ...get(x), ...i32x4c(0x38800000), ...simd(S.i32x4LtS), ...simd(S.bitselect));
  out.push(...get(x), ...i32x4c(0x477fffff), ...simd(S.i32x4GtS), ...simd(S.bitselect));
  out.push(...get(sign), ...i32c(16), ...simd(S.i32x4ShrU), ...simd(S.or));
}

/** The four (or fewer) accumulators of one column block: load, rank updates, store. */
function emitBlock(out: number[], s: KernelShape, lanes: number): void {
  for (let i = 0; i < lanes; i++) {
    out.push(...get(L_CJ));
    if (s.half) {
      out.push(...simd(S.load16x4u), ...mem(0, i * 8));
      emitHalfToFloat(out);
    } else out.push(...simd(S.load), ...mem(0, i * 16));
    out.push(...set(L_ACC + i));
  }
  for (let k = 0; k < s.rank; k++) {
    out.push(...get(L_AP), op.f32Load, ...mem(2, k * 4), ...simd(S.f32x4Splat), ...set(L_AV));
    for (let i = 0; i < lanes; i++) {
      out.push(...get(L_ACC + i), ...get(L_AV), ...get(L_BP), ...simd(S.load), ...mem(0, (k * s.cols + i * 4) * 4), ...simd(S.f32x4Mul), ...simd(S.f32x4Add), ...set(L_ACC + i));
    }
  }
  for (let i = 0; i < lanes; i++) {
    if (s.half) {
      out.push(...get(L_CJ), ...get(L_ACC + i));
      emitFloatToHalf(out);
      out.push(...get(L_ACC + i), ...simd(S.narrowI32x4U), ...simd(S.store64Lane), ...mem(0, i * 8), 0);
    } else out.push(...get(L_CJ), ...get(L_ACC + i), ...simd(S.store), ...mem(0, i * 16));
  }
}

/** cp and ap to the next row; r += 1. */
function emitNextRow(out: number[], s: KernelShape, esz: number): void {
  out.push(...get(L_CP), ...i32c(s.cols * esz), op.i32Add, ...set(L_CP));
  out.push(...get(L_AP), ...i32c(s.rank * 4), op.i32Add, ...set(L_AP));
  out.push(...get(L_R), ...i32c(1), op.i32Add, ...set(L_R));
}

/** Bytes of B per column panel (L1 is 32–48 KB on current x86 cores). */
const PANEL_BYTES = 16 * 1024;

/** The module: imports shared memory env.m, exports k(cPtr, aPtr, bPtr, rows). */
export function kernelModule(s: KernelShape): Uint8Array<ArrayBuffer> {
  if (!simdSupports(s)) throw new Error(`low-rank kernel: unsupported shape rank ${s.rank}, cols ${s.cols}`);
  const esz = s.half ? 2 : 4;
  const blocks = Math.floor(s.cols / BLOCK);
  const tail = (s.cols % BLOCK) / 4;
  const full = blocks * BLOCK;
  // Columns per panel: the panel of B (rank × width floats) stays in L1 while every row of the
  // tile passes over it. Row by row over all columns re-read the whole of B from L2 for each row.
  const width = Math.max(BLOCK, Math.floor(PANEL_BYTES / (s.rank * 4 * BLOCK)) * BLOCK);
  const body: number[] = [];
  if (blocks > 0) {
    // for (jb = 0; jb < full; jb += width)
    body.push(...i32c(0), ...set(L_JB));
    body.push(op.loop, 0x40);
    //   jend = min(jb + width, full)
    body.push(...i32c(full), ...get(L_JB), ...i32c(width), op.i32Add, ...get(L_JB), ...i32c(width), op.i32Add, ...i32c(full), op.i32GtU, op.select, ...set(L_JEND));
    //   for (r = 0, cp = c, ap = a; r < rows; r++)
    body.push(...i32c(0), ...set(L_R), ...get(P_C), ...set(L_CP), ...get(P_A), ...set(L_AP));
    body.push(op.loop, 0x40);
    //     for (j = jb; j < jend; j += BLOCK)
    body.push(...get(L_JB), ...set(L_J));
    body.push(op.loop, 0x40);
    body.push(...get(P_B), ...get(L_J), ...i32c(4), op.i32Mul, op.i32Add, ...set(L_BP));
    body.push(...get(L_CP), ...get(L_J), ...i32c(esz), op.i32Mul, op.i32Add, ...set(L_CJ));
    emitBlock(body, s, ACCS);
    body.push(...get(L_J), ...i32c(BLOCK), op.i32Add, op.localTee, ...uleb(L_J), ...get(L_JEND), op.i32LtU, op.brIf, 0, op.end);
    emitNextRow(body, s, esz);
    body.push(...get(L_R), ...get(P_ROWS), op.i32LtU, op.brIf, 0, op.end);
    body.push(...get(L_JB), ...i32c(width), op.i32Add, op.localTee, ...uleb(L_JB), ...i32c(full), op.i32LtU, op.brIf, 0, op.end);
  }
  if (tail > 0) {
    // The last cols % 16 columns (a multiple of 4): one pass over the rows with fewer accumulators.
    body.push(...i32c(0), ...set(L_R), ...get(P_C), ...set(L_CP), ...get(P_A), ...set(L_AP));
    body.push(...get(P_B), ...i32c(full * 4), op.i32Add, ...set(L_BP));
    body.push(op.loop, 0x40);
    body.push(...get(L_CP), ...i32c(full * esz), op.i32Add, ...set(L_CJ));
    emitBlock(body, s, tail);
    emitNextRow(body, s, esz);
    body.push(...get(L_R), ...get(P_ROWS), op.i32LtU, op.brIf, 0, op.end);
  }
  body.push(op.end);
  const locals = vec([[...uleb(I32_LOCALS), I32], [...uleb(V128_LOCALS), V128]]);
  const func = [...locals, ...body];
  const bytes = [
    ...WASM_HEADER,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32]]), 0]])),
    // A shared memory (limits flag 3: min 1, max 65536 pages): kernel buffers are shared so
    // kernel threads can work on one tensor.
    ...section(2, vec([[...name('env'), ...name('m'), 0x02, 0x03, ...uleb(1), ...uleb(65536)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('k'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(func.length), ...func]])),
  ];
  return Uint8Array.from(bytes);
}

/** C bytes per tile: with B and the A tile it stays within a core's L2 cache. */
const TILE_BYTES = 256 * 1024;

const align16 = (n: number): number => Math.ceil(n / 16) * 16;
const shapeKey = (s: KernelShape): string => `${s.rank}:${s.cols}:${s.half ? 16 : 32}`;

/** Kernels by shape, instantiated on each wasm memory they run in (a bake meets a handful of shapes). */
export class SimdLowRank {
  /** For C that is not in a kernel buffer: tiles are copied in and out of this one. */
  private readonly memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  private readonly modules = new Map<string, WebAssembly.Module>();
  private readonly instances = new WeakMap<WebAssembly.Memory, Map<string, Kernel>>();
  private readonly threads: KernelThreads;

  /** `helpers`: threads beside the caller for C in kernel buffers (default: defaultKernelHelpers()). */
  constructor(opts: { helpers?: number } = {}) {
    this.threads = new KernelThreads(opts.helpers ?? defaultKernelHelpers());
  }

  /**
   * C += A·B in place: C [rows, cols] (f32 values or f16 bits), A [rows, rank], B [rank, cols].
   * C goes through in row tiles of about 256 KB (every column panel of B sweeps a tile while it is
   * in cache). When C lives in a kernel buffer (kernel-buffer.ts: the bake reads the weights into
   * one) the kernel runs on it where it is, B and A in the buffer's scratch, its rows split over
   * the kernel threads; else each tile is copied into this object's memory as [B | A tile | C tile]
   * and back.
   */
  add(c: Float32Array | Uint16Array, a: Float32Array, b: Float32Array, rows: number, cols: number, rank: number): void {
    const half = c instanceof Uint16Array;
    const shape = { rank, cols, half };
    const esz = half ? 2 : 4;
    const tile = Math.max(1, Math.min(rows, Math.floor(TILE_BYTES / (cols * esz))));
    const aOff = align16(b.byteLength);
    const own = kernelMemoryOf(c);
    if (own && align16(aOff + a.byteLength) <= KERNEL_SCRATCH) {
      const heap = own.buffer;
      new Float32Array(heap, 0, b.length).set(b);
      new Float32Array(heap, aOff, a.length).set(a);
      const kernel = this.kernel(shape, own);
      const runHere = (r: KernelRange): void => {
        for (let r0 = r.start; r0 < r.end; r0 += tile) kernel(c.byteOffset + r0 * cols * esz, aOff + r0 * rank * 4, 0, Math.min(tile, r.end - r0));
      };
      const call = { module: this.module(shape), memory: own, cPtr: c.byteOffset, aPtr: aOff, bPtr: 0, cRowBytes: cols * esz, aRowBytes: rank * 4, tile };
      this.threads.run(call, split(rows, tile, this.threads.threads), runHere);
      return;
    }
    const scratch = align16(aOff + tile * rank * 4);
    const need = scratch + tile * cols * esz;
    if (need > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / 65536));
    const heap = this.memory.buffer;
    new Float32Array(heap, 0, b.length).set(b);
    const aView = new Float32Array(heap, aOff, tile * rank);
    const cView = new Uint8Array(heap, scratch, tile * cols * esz);
    const cBytes = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
    const kernel = this.kernel(shape, this.memory);
    for (let r0 = 0; r0 < rows; r0 += tile) {
      const n = Math.min(tile, rows - r0);
      aView.set(a.subarray(r0 * rank, (r0 + n) * rank));
      const part = cBytes.subarray(r0 * cols * esz, (r0 + n) * cols * esz);
      cView.set(part);
      kernel(scratch, aOff, 0, n);
      part.set(cView.subarray(0, part.length));
    }
  }

  /** Ends the kernel threads (they do not keep the process alive either way). */
  close(): void {
    this.threads.close();
  }

  private module(shape: KernelShape): WebAssembly.Module {
    const key = shapeKey(shape);
    let module = this.modules.get(key);
    if (!module) {
      if (this.modules.size >= 64) this.modules.clear(); // bounded all the same
      module = new WebAssembly.Module(kernelModule(shape));
      this.modules.set(key, module);
    }
    return module;
  }

  private kernel(shape: KernelShape, memory: WebAssembly.Memory): Kernel {
    const key = shapeKey(shape);
    let byShape = this.instances.get(memory);
    if (!byShape) this.instances.set(memory, (byShape = new Map()));
    let k = byShape.get(key);
    if (!k) {
      k = new WebAssembly.Instance(this.module(shape), { env: { m: memory } }).exports['k'] as Kernel;
      byShape.set(key, k);
    }
    return k;
  }
}

/** Rows split into up to `threads` contiguous ranges of whole tiles (a thread gets at least one tile). */
export function split(rows: number, tile: number, threads: number): KernelRange[] {
  const tiles = Math.ceil(rows / tile);
  const parts = Math.max(1, Math.min(threads, tiles));
  const ranges: KernelRange[] = [];
  for (let p = 0, t0 = 0; p < parts; p++) {
    const t1 = Math.round(((p + 1) * tiles) / parts);
    ranges.push({ start: t0 * tile, end: Math.min(rows, t1 * tile) });
    t0 = t1;
  }
  return ranges;
}
