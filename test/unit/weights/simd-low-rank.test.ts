import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../workers/onnx/float16.ts';
import { KernelThreads } from '../../../workers/onnx/kernel-threads.ts';
import { kernelModule, SimdLowRank, simdSupports, split } from '../../../workers/onnx/simd-low-rank.ts';
import { KERNEL_SCRATCH, kernelBuffer } from '../../../workers/wasm/kernel-buffer.ts';
import { reference, values } from './low-rank-reference.ts';

/**
 * The generated wasm SIMD kernel against plain maths (float64 sums) and against the JS fp16
 * conversions, which are the reference for the kernel's in-register ones.
 */
/** C = c0 (rounded to fp16 when `half`) in a fresh kernel buffer, as the bake reads weights. */
function inKernelBuffer(c0: Float32Array, half: boolean): { buf: Buffer; c: Float32Array | Uint16Array } {
  const buf = kernelBuffer(c0.length * (half ? 2 : 4))!;
  const c = half ? new Uint16Array(buf.buffer, buf.byteOffset, c0.length) : new Float32Array(buf.buffer, buf.byteOffset, c0.length);
  if (c instanceof Uint16Array) c.set(Uint16Array.from(c0, (v) => float32ToFloat16Bits(v)));
  else c.set(c0);
  return { buf, c };
}

/** Elements of C off the reference by more than 1e-5 (f32) or one fp16 rounding. */
function outsideTolerance(c: ArrayLike<number>, want: Float64Array, half: boolean): number {
  let outside = 0;
  for (let i = 0; i < want.length; i++) {
    const got = half ? float16BitsToFloat32(c[i]!) : c[i]!;
    if (Math.abs(got - want[i]!) > (half ? Math.abs(want[i]!) * 2 ** -11 + 2 ** -24 + 1e-6 : 1e-5)) outside++;
  }
  return outside;
}

describe('wasm SIMD low-rank kernel', () => {
  it('emits a module WebAssembly accepts, for full blocks and every tail width', () => {
    for (const cols of [4, 8, 12, 16, 20, 36, 4608]) for (const half of [false, true]) expect(WebAssembly.validate(kernelModule({ rank: 3, cols, half }))).toBe(true);
    expect(simdSupports({ rank: 4, cols: 6, half: false })).toBe(false); // ONNX Runtime's Gemm takes those
  });

  it.each([
    [3, 4, 1],
    [5, 12, 5],
    [9, 20, 16],
    [2, 36, 64],
    // More rows than one 256 KB tile holds (1000 rows of 1 KB floats): three tiles, the last partial.
    [1000, 256, 4],
  ])('float32 C[%i, %i] += A·B at rank %i matches plain maths to 1e-5', (rows, cols, rank) => {
    const c = values(rows * cols, 1);
    const a = values(rows * rank, 2);
    const b = values(rank * cols, 3);
    const want = reference(c, a, b, rows, cols, rank);
    new SimdLowRank().add(c, a, b, rows, cols, rank);
    let err = 0;
    for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i]! - want[i]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('fp16 weights: every one of the 65,536 bit patterns survives widening and narrowing unchanged (NaN stays NaN)', () => {
    const c = new Uint16Array(65536).map((_, i) => i);
    new SimdLowRank().add(c, new Float32Array(65536 / 16), new Float32Array(16), 65536 / 16, 16, 1);
    let changed = 0;
    // −0 + 0·0 is +0 in IEEE arithmetic (the sum, not the conversion): the one pattern that changes.
    expect(c[0x8000]).toBe(0);
    for (let i = 0; i < 65536; i++) {
      if (i === 0x8000) continue;
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN ? !Number.isNaN(float16BitsToFloat32(c[i]!)) : c[i] !== i) changed++;
    }
    expect(changed).toBe(0);
  });

  it('fp16 weights: sums are rounded to nearest, ties to even, exactly as the JS conversion does (subnormals, overflow to inf)', () => {
    const probes: number[] = [];
    // Ties and near-ties around 1, 2048 (spacing 2) and the subnormal range; the largest half and just beyond.
    for (const base of [1, 2048, 2 ** -20, 2 ** -15, 6e-5, 65504]) for (let k = -40; k <= 40; k++) probes.push(base + k * base * 2 ** -12);
    probes.push(65519.99, 65520, 70000, 1e9, 2 ** -25, 2 ** -24, 3 * 2 ** -25, 1e-10);
    const rnd = values(4000, 9);
    for (const v of rnd) probes.push(v * 100);
    while (probes.length % 16) probes.push(0.5);
    const n = probes.length;
    const b = Float32Array.from(probes, (v, i) => (i % 2 ? -v : v));
    // One row: C = 0, A = 1, so the result is the float32 probe rounded to fp16 by the kernel.
    const c = new Uint16Array(n);
    new SimdLowRank().add(c, new Float32Array([1]), b, 1, n, 1);
    const mismatches: string[] = [];
    for (let i = 0; i < n; i++) if (c[i] !== float32ToFloat16Bits(b[i]!)) mismatches.push(`${b[i]} → ${c[i]} (JS ${float32ToFloat16Bits(b[i]!)})`);
    expect(mismatches).toEqual([]);
  });

  it('fp16 C[40, 52] += A·B at rank 7 matches plain maths within one fp16 rounding', () => {
    const [rows, cols, rank] = [40, 52, 7];
    const c0 = values(rows * cols, 4);
    const c = Uint16Array.from(c0, (v) => float32ToFloat16Bits(v));
    const a = values(rows * rank, 5).map((v) => v * 0.1);
    const b = values(rank * cols, 6);
    const want = reference(Float32Array.from(c, (h) => float16BitsToFloat32(h)), a, b, rows, cols, rank);
    new SimdLowRank().add(c, a, b, rows, cols, rank);
    for (let i = 0; i < c.length; i++) expect(Math.abs(float16BitsToFloat32(c[i]!) - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -11 + 2 ** -24 + 1e-7);
  });

  it.each([false, true])('updates C where it lies when C is in a kernel buffer (half: %s), with B in the buffer\'s scratch', (half) => {
    // 700 rows of 384 columns: several 256 KB tiles, the last one partial.
    const [rows, cols, rank] = [700, 384, 12];
    const { buf, c } = inKernelBuffer(values(rows * cols, 21), half);
    expect(buf.byteOffset).toBe(KERNEL_SCRATCH);
    const a = values(rows * rank, 22).map((v) => v * 0.1);
    const b = values(rank * cols, 23);
    const start = Float32Array.from(c, (v) => (half ? float16BitsToFloat32(v) : v));
    const want = reference(start, a, b, rows, cols, rank);
    new SimdLowRank().add(c, a, b, rows, cols, rank);
    // In place: the kernel put B at the start of the buffer's own memory (the copying path would not).
    expect(Array.from(new Float32Array(buf.buffer, 0, b.length))).toEqual(Array.from(b));
    expect(outsideTolerance(c, want, half)).toBe(0);
  });

  it('copies tiles instead when the factors do not fit the kernel buffer\'s scratch', () => {
    // B of rank 512 × 8192 columns is 16 MB: with A it overflows the 16 MB scratch.
    const [rows, cols, rank] = [4, 8192, 512];
    const buf = kernelBuffer(rows * cols * 4)!;
    const c = new Float32Array(buf.buffer, buf.byteOffset, rows * cols);
    c.set(values(rows * cols, 31));
    const a = values(rows * rank, 32).map((v) => v * 0.01);
    const b = values(rank * cols, 33);
    const want = reference(Float32Array.from(c), a, b, rows, cols, rank);
    new SimdLowRank().add(c, a, b, rows, cols, rank);
    expect(new Float32Array(buf.buffer, 0, 16).every((v) => v === 0)).toBe(true); // scratch untouched
    let err = 0;
    for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i]! - want[i]!));
    expect(err).toBeLessThan(1e-4);
  });

  it('splits rows into whole-tile ranges, one per thread at most', () => {
    expect(split(10, 4, 1)).toEqual([{ start: 0, end: 10 }]);
    expect(split(10, 4, 2)).toEqual([
      { start: 0, end: 8 },
      { start: 8, end: 10 },
    ]);
    expect(split(10, 4, 8)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
    expect(split(3, 4, 4)).toEqual([{ start: 0, end: 3 }]);
  });

  it.each([false, true])('gives the same bits on 1, 2 and 4 threads for C in a kernel buffer (half: %s)', (half) => {
    const [rows, cols, rank] = [1100, 256, 8]; // 1 KB rows of f32: 5 tiles of 256 rows (f16: 3 of 512)
    const a = values(rows * rank, 41).map((v) => v * 0.1);
    const b = values(rank * cols, 42);
    const c0 = values(rows * cols, 43);
    const results: number[][] = [];
    for (const helpers of [0, 1, 3]) {
      const { c } = inKernelBuffer(c0, half);
      const k = new SimdLowRank({ helpers });
      try {
        k.add(c, a, b, rows, cols, rank);
      } finally {
        k.close();
      }
      results.push(Array.from(c));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const want = reference(half ? Float32Array.from(c0, (v) => float16BitsToFloat32(float32ToFloat16Bits(v))) : c0, a, b, rows, cols, rank);
    expect(outsideTolerance(results[0]!, want, half)).toBe(0);
  });

  it('a kernel thread that fails fails the call with a message and turns the threads off', () => {
    const shape = { rank: 1, cols: 16, half: false };
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const module = new WebAssembly.Module(kernelModule(shape));
    const threads = new KernelThreads(1);
    try {
      expect(threads.threads).toBe(2);
      // The helper's range points past the end of the memory: its kernel traps.
      const call = { module, memory, cPtr: 0, aPtr: 0, bPtr: 0, cRowBytes: 64 * 1024 * 1024, aRowBytes: 4, tile: 1 };
      expect(() => threads.run(call, [{ start: 0, end: 0 }, { start: 1, end: 2 }], () => undefined)).toThrow(/kernel thread 1 failed/);
      expect(threads.threads).toBe(1);
    } finally {
      threads.close();
    }
  });
});
