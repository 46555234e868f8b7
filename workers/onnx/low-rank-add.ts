import { availableParallelism } from 'node:os';
import protobuf from 'protobufjs';
import { createOrtSessionFromBytes, OrtTensorClass, type OrtSession } from './ort.ts';

/**
 * C + A·B on ONNX Runtime's CPU Gemm (MLAS: vectorised, multi-threaded), for LoRA baking into
 * float32 and fp16 weights; for fp16 the Casts run inside the graph, where converting in JS cost
 * several times the maths. One tiny in-memory graph per variant (transposed or not, fp32 or fp16)
 * with dynamic shapes serves every layer; the caller folds the scale into the up factor, so one
 * session serves every scale. Loads onnxruntime: bakes run in the weights worker
 * (main/inference/cpu-jobs.ts), never on the app's main thread.
 */
export interface LowRankAdd {
  /** The weights, [rows, cols] row-major: float32 values or float16 bit patterns. */
  c: Float32Array | Uint16Array;
  rows: number;
  cols: number;
  /** [rows, rank], or [rank, rows] when `transposed`. */
  a: Float32Array;
  /** [rank, cols], or [cols, rank] when `transposed`. */
  b: Float32Array;
  rank: number;
  /** Computes C + Aᵀ·Bᵀ: a linear layer stored transposed (MatMul [in, out]) gets downᵀ·upᵀ. */
  transposed: boolean;
  /** Where the result goes (C's type and size), so the caller can recycle buffers; a new array when absent. */
  out?: Float32Array | Uint16Array;
}

const sessions = new Map<string, Promise<OrtSession>>();

/**
 * Threads for the Gemm: all cores but one, which stays for the bake's reads and writes (on a
 * 2-core machine two Gemm threads were no faster than one: they queued behind the I/O). No
 * spinning between layers: idle threads would burn the core the I/O needs.
 */
const THREADS = Math.max(1, availableParallelism() - 1);

/**
 * C + A·B (or C + Aᵀ·Bᵀ), in `out` when given, else in a new array of C's type. onnxruntime-node
 * 1.30 fills a preallocated output in place but still returns a fresh copy of it; that copy is
 * dropped at once, so it dies in the young generation, where a long-lived one would not.
 */
export async function lowRankAdd(x: LowRankAdd): Promise<Float32Array | Uint16Array> {
  const half = x.c instanceof Uint16Array;
  if (x.c.length !== x.rows * x.cols || (x.out && (x.out.length !== x.c.length || x.out instanceof Uint16Array !== half)) || x.a.length !== x.rows * x.rank || x.b.length !== x.rank * x.cols) {
    throw new Error(`low-rank update: shapes disagree (C ${x.c.length} ≠ ${x.rows}×${x.cols}, A ${x.a.length}, B ${x.b.length}, rank ${x.rank})`);
  }
  const key = `${x.transposed ? 'T' : 'N'}:${half ? 'f16' : 'f32'}`;
  let session = sessions.get(key);
  if (!session) {
    // No arena: the buffers are tens of megabytes each and must go back as soon as a layer is done.
    session = createOrtSessionFromBytes(gemmModel(x.transposed, half), {
      enableCpuMemArena: false,
      graphOptimizationLevel: 'all',
      intraOpNumThreads: THREADS,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    sessions.set(key, session);
    session.catch(() => sessions.delete(key));
  }
  const s = await session;
  const feeds = {
    a: new OrtTensorClass('float32', x.a, x.transposed ? [x.rank, x.rows] : [x.rows, x.rank]),
    b: new OrtTensorClass('float32', x.b, x.transposed ? [x.cols, x.rank] : [x.rank, x.cols]),
    c: new OrtTensorClass(half ? 'float16' : 'float32', x.c, [x.rows, x.cols]),
  };
  const y = (await (x.out ? s.run(feeds, { y: new OrtTensorClass(half ? 'float16' : 'float32', x.out, [x.rows, x.cols]) }) : s.run(feeds)))['y'];
  if (!y || !(y.data instanceof (half ? Uint16Array : Float32Array))) throw new Error('low-rank update: the Gemm graph returned no output of the weights type');
  return x.out ?? (y.data as Float32Array | Uint16Array);
}

/** Releases the cached sessions (tests, and a worker that no longer bakes). */
export async function releaseLowRankSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.all(all.map(async (p) => (await p.catch(() => null))?.release()));
}

const FLOAT = 1;
const FLOAT16 = 10;

/** y = Gemm(a, b, c) with transA = transB = `transposed`, wrapped in Casts for fp16 weights. */
function gemmModel(transposed: boolean, half: boolean): Uint8Array {
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
  const t = transposed ? 1 : 0;
  const gemm = [intAttr('transA', t), intAttr('transB', t)];
  if (half) {
    w.uint32(10).bytes(node(['c'], ['c32'], 'Cast', [intAttr('to', FLOAT)]));
    w.uint32(10).bytes(node(['a', 'b', 'c32'], ['y32'], 'Gemm', gemm));
    w.uint32(10).bytes(node(['y32'], ['y'], 'Cast', [intAttr('to', FLOAT16)]));
  } else {
    w.uint32(10).bytes(node(['a', 'b', 'c'], ['y'], 'Gemm', gemm));
  }
  w.uint32(18).string('low-rank-add');
  const wt = half ? FLOAT16 : FLOAT;
  w.uint32(90).bytes(valueInfo('a', FLOAT, transposed ? ['rank', 'rows'] : ['rows', 'rank']));
  w.uint32(90).bytes(valueInfo('b', FLOAT, transposed ? ['cols', 'rank'] : ['rank', 'cols']));
  w.uint32(90).bytes(valueInfo('c', wt, ['rows', 'cols']));
  w.uint32(98).bytes(valueInfo('y', wt, ['rows', 'cols']));
  w.ldelim();
  return w.finish();
}
