import { availableParallelism } from 'node:os';
import protobuf from 'protobufjs';
import { createOrtSessionFromBytes, OrtTensorClass, type OrtSession } from './ort.ts';
import { SimdLowRank, simdSupports } from './simd-low-rank.ts';

/**
 * C += A·B for LoRA baking into float32 and fp16 weights, in place. Shapes the wasm SIMD kernel
 * serves (every real SDXL layer: columns a multiple of 4) run there (simd-low-rank.ts); any other
 * runs on ONNX Runtime's CPU Gemm (MLAS), for fp16 with the Casts inside the graph. The caller
 * folds the scale into the up factor, so one kernel or session serves every scale. Loads
 * onnxruntime for the fallback: bakes run in the weights worker (main/inference/cpu-jobs.ts),
 * never on the app's main thread. ASSETQL_LOW_RANK=ort forces the Gemm path (the benchmark
 * compares the two).
 */
export interface LowRankAdd {
  /** The weights, [rows, cols] row-major: float32 values or float16 bit patterns. Updated in place. */
  c: Float32Array | Uint16Array;
  rows: number;
  cols: number;
  /** [rows, rank], or [rank, rows] when `transposed`. */
  a: Float32Array;
  /** [rank, cols], or [cols, rank] when `transposed`. */
  b: Float32Array;
  rank: number;
  /** Adds Aᵀ·Bᵀ: a linear layer stored transposed (MatMul [in, out]) gets downᵀ·upᵀ. */
  transposed: boolean;
}

const sessions = new Map<string, Promise<OrtSession>>();
let simd: SimdLowRank | null = null;

/**
 * Threads for the Gemm: all cores but one, which stays for the bake's reads and writes (on a
 * 2-core machine two Gemm threads were no faster than one: they queued behind the I/O). No
 * spinning between layers: idle threads would burn the core the I/O needs.
 */
const THREADS = Math.max(1, availableParallelism() - 1);

/**
 * Rows of C per Gemm call: about 1 MB of weights, so the in-place copy of C into Y and the
 * accumulation that follows it run in cache (a [512, 4608] rank-16 layer took 5.6 ms in 128-row
 * tiles against 10.5 ms whole, when outputs were still returned as copies).
 */
const TILE_BYTES = 1 << 20;

/** C += A·B (or Aᵀ·Bᵀ) in place, in row tiles; returns C. */
export async function lowRankAdd(x: LowRankAdd): Promise<Float32Array | Uint16Array> {
  const half = x.c instanceof Uint16Array;
  if (x.c.length !== x.rows * x.cols || x.a.length !== x.rows * x.rank || x.b.length !== x.rank * x.cols) {
    throw new Error(`low-rank update: shapes disagree (C ${x.c.length} ≠ ${x.rows}×${x.cols}, A ${x.a.length}, B ${x.b.length}, rank ${x.rank})`);
  }
  // Row tiles need A's rows contiguous: the transposed factors (rank × rows + cols values, tiny
  // next to C) are transposed once here, so one non-transposed kernel serves both layouts.
  const a = x.transposed ? transpose(x.a, x.rank, x.rows) : x.a;
  const bValues = x.transposed ? transpose(x.b, x.cols, x.rank) : x.b;
  if (process.env['ASSETQL_LOW_RANK'] !== 'ort' && simdSupports({ rank: x.rank, cols: x.cols, half })) {
    simd ??= new SimdLowRank();
    simd.add(x.c, a, bValues, x.rows, x.cols, x.rank);
    return x.c;
  }
  const key = half ? 'f16' : 'f32';
  let session = sessions.get(key);
  if (!session) {
    // No arena: nothing is worth keeping between layers.
    session = createOrtSessionFromBytes(gemmModel(half), {
      enableCpuMemArena: false,
      graphOptimizationLevel: 'all',
      intraOpNumThreads: THREADS,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  const s = await session;
  const b = new OrtTensorClass('float32', bValues, [x.rank, x.cols]);
  const tile = Math.max(1, Math.floor(TILE_BYTES / (x.cols * (half ? 2 : 4))));
  for (let r0 = 0; r0 < x.rows; r0 += tile) {
    const n = Math.min(tile, x.rows - r0);
    const c = x.c.subarray(r0 * x.cols, (r0 + n) * x.cols);
    const type = half ? 'float16' : 'float32';
    // The output is pre-allocated over C itself, so ORT writes the sum in place: no output buffer
    // to allocate, page in and copy back (twice as fast per tile as copying a returned output).
    // Safe: Gemm first copies C into Y element by element (here a no-op) and then accumulates
    // A·B into Y; in the fp16 graph C is fully cast to float32 before the last Cast writes Y.
    await s.run({ a: new OrtTensorClass('float32', a.subarray(r0 * x.rank, (r0 + n) * x.rank), [n, x.rank]), b, c: new OrtTensorClass(type, c, [n, x.cols]) }, { y: new OrtTensorClass(type, c, [n, x.cols]) });
  }
  return x.c;
}

/** [rows, cols] → [cols, rows]. */
function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = m[i * cols + j]!;
  return t;
}

/** Releases the cached sessions and kernels (tests, and a worker that no longer bakes). */
export async function releaseLowRankSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  simd?.close();
  simd = null;
  await Promise.all(all.map(async (p) => (await p.catch(() => null))?.release()));
}

const FLOAT = 1;
const FLOAT16 = 10;

/** y = Gemm(a, b, c), wrapped in Casts for fp16 weights. */
function gemmModel(half: boolean): Uint8Array {
  const W = protobuf.Writer;
  const valueInfo = (name: string, elemType: number, dims: [string, string]): Uint8Array => {
    const v = W.create();
    v.uint32(10).string(name); // ValueInfoProto.name
    v.uint32(18).fork().uint32(10).fork().uint32(8).int32(elemType); // .type.tensor_type.elem_type
    v.uint32(18).fork(); // .shape
    for (const d of dims) v.uint32(10).fork().uint32(18).string(d).ldelim(); // dim_param
    v.ldelim().ldelim().ldelim();
    return v.finish();
  };
  const intAttr = (name: string, value: number): Uint8Array => W.create().uint32(10).string(name).uint32(24).int64(value).uint32(160).int32(2).finish();
  const node = (inputs: string[], outputs: string[], op: string, attrs: Uint8Array[]): Uint8Array => {
    const n = W.create();
    for (const i of inputs) n.uint32(10).string(i);
    for (const o of outputs) n.uint32(18).string(o);
    n.uint32(34).string(op);
    for (const a of attrs) n.uint32(42).bytes(a);
    return n.finish();
  };
  const w = W.create();
  w.uint32(8).int64(8); // ir_version 8
  w.uint32(66).fork().uint32(10).string('').uint32(16).int64(13).ldelim(); // opset ai.onnx 13
  w.uint32(58).fork(); // graph
  const gemm: Uint8Array[] = [];
  if (half) {
    w.uint32(10).bytes(node(['c'], ['c32'], 'Cast', [intAttr('to', FLOAT)]));
    w.uint32(10).bytes(node(['a', 'b', 'c32'], ['y32'], 'Gemm', gemm));
    w.uint32(10).bytes(node(['y32'], ['y'], 'Cast', [intAttr('to', FLOAT16)]));
  } else {
    w.uint32(10).bytes(node(['a', 'b', 'c'], ['y'], 'Gemm', gemm));
  }
  w.uint32(18).string('low-rank-add');
  const wt = half ? FLOAT16 : FLOAT;
  w.uint32(90).bytes(valueInfo('a', FLOAT, ['rows', 'rank']));
  w.uint32(90).bytes(valueInfo('b', FLOAT, ['rank', 'cols']));
  w.uint32(90).bytes(valueInfo('c', wt, ['rows', 'cols']));
  w.uint32(98).bytes(valueInfo('y', wt, ['rows', 'cols']));
  w.ldelim();
  return w.finish();
}
