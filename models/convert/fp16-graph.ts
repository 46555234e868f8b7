import { AppError } from '../../main/core/app-error.ts';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { AT, DT, num, type Attribute, type Model, type Node, type Tensor } from '../onnx-graph/onnx-schema.ts';

/**
 * fp32 → portable fp16, on the graph: float initializers become fp16, every op runs in fp16
 * except a block list of precision-sensitive ops that stay fp32, graph inputs and outputs stay
 * fp32 (Cast nodes at the boundaries), and a Cast is inserted wherever a tensor crosses between
 * the fp16 and fp32 parts. Only standard ONNX ops are emitted, so DirectML, CoreML, WebGPU and
 * CUDA all load the result. Same rules as onnxconverter-common's float16 converter with
 * keep_io_types=True, which the Hugging Face/ONNX Runtime SD fp16 exports use.
 */

/**
 * Ops kept in fp32: normalisations and reductions whose sums overflow or lose all precision in
 * fp16 (LayerNorm, the GroupNorm pattern = InstanceNormalization between Reshapes, ReduceMean,
 * Pow/Sqrt in hand-written norms), Softmax and Exp (overflow above ~11), the timestep
 * embedding's Range, and random ops.
 */
export const FP32_OPS: ReadonlySet<string> = new Set([
  'LayerNormalization',
  'GroupNormalization',
  'InstanceNormalization',
  'Softmax',
  'LogSoftmax',
  'Pow',
  'Sqrt',
  'ReduceMean',
  'ReduceSum',
  'ReduceSumSquare',
  'ReduceL2',
  'Exp',
  'Range',
  'CumSum',
  'RandomNormal',
  'RandomNormalLike',
  'RandomUniform',
  'RandomUniformLike',
]);

/** Inputs that the ONNX spec types as float32 only, whatever the data type (Resize's roi/scales). */
const FP32_INPUTS: Readonly<Record<string, readonly number[]>> = { Resize: [1, 2], Upsample: [1] };

/** Ops whose float outputs do not follow their inputs' type. */
const FIXED_OUTPUT: Readonly<Record<string, number>> = {
  Shape: DT.INT64, Size: DT.INT64, NonZero: DT.INT64, ArgMax: DT.INT64, ArgMin: DT.INT64,
  Equal: DT.BOOL, Less: DT.BOOL, Greater: DT.BOOL, LessOrEqual: DT.BOOL, GreaterOrEqual: DT.BOOL, Not: DT.BOOL, And: DT.BOOL, Or: DT.BOOL, Xor: DT.BOOL, IsNaN: DT.BOOL, IsInf: DT.BOOL,
};

const isFloat = (dt: number | undefined): boolean => dt === DT.FLOAT || dt === DT.FLOAT16;

export interface Fp16Stats {
  nodes: number;
  fp32Nodes: number;
  castsInserted: number;
  initializersConverted: number;
  initializersKeptFp32: number;
  /** Values that overflowed fp16 and were clamped to ±65504. */
  clamped: number;
}

export interface Fp16Options {
  /** Extra op types to keep in fp32. */
  keepFp32Ops?: Iterable<string>;
  /** Called for each float32 initializer that must become fp16; returns its fp32 bytes. */
  readInitializer: (t: Tensor) => Promise<Uint8Array>;
  /** Stores a converted initializer (inline or into an external data file). */
  storeInitializer: (t: Tensor, fp16: Uint8Array) => Promise<void>;
}

export async function convertGraphToFp16(model: Model, opts: Fp16Options): Promise<Fp16Stats> {
  const g = model.graph;
  const block = new Set([...FP32_OPS, ...(opts.keepFp32Ops ?? [])]);
  for (const n of g.node) {
    if (n.attribute.some((a) => a.type === AT.GRAPH || a.type === AT.GRAPHS)) {
      throw new AppError('BadInput', `node ${n.name} (${n.opType}) has a subgraph; fp16 conversion of control flow is not supported`);
    }
  }
  const stats: Fp16Stats = { nodes: g.node.length, fp32Nodes: 0, castsInserted: 0, initializersConverted: 0, initializersKeptFp32: 0, clamped: 0 };
  const runsFp32 = (n: Node): boolean => block.has(n.opType) || (n.domain !== undefined && n.domain !== '' && n.domain !== 'ai.onnx');
  const wants = (n: Node, index: number): number => (runsFp32(n) || FP32_INPUTS[n.opType]?.includes(index) ? DT.FLOAT : DT.FLOAT16);

  // 1. Initializers: fp16 when any consumer computes in fp16; fp32 ones only feed fp32 inputs.
  const dtype = new Map<string, number>();
  for (const i of g.input) dtype.set(i.name, i.type?.tensorType?.elemType ?? 0);
  const consumers = new Map<string, Array<{ node: Node; index: number }>>();
  for (const n of g.node) n.input.forEach((name, index) => name && consumers.set(name, [...(consumers.get(name) ?? []), { node: n, index }]));
  for (const t of g.initializer) {
    if (t.dataType === DT.FLOAT && (consumers.get(t.name) ?? []).some((c) => wants(c.node, c.index) === DT.FLOAT16)) {
      const fp32 = await opts.readInitializer(t);
      const f32 = new Float32Array(fp32.buffer.slice(fp32.byteOffset, fp32.byteOffset + fp32.byteLength));
      for (const v of f32) if (Math.abs(v) > 65504 && Number.isFinite(v)) stats.clamped++;
      const half = toFloat16Array(f32.map((v) => Math.max(-65504, Math.min(65504, v))));
      await opts.storeInitializer(t, new Uint8Array(half.buffer, half.byteOffset, half.byteLength));
      stats.initializersConverted++;
    } else if (t.dataType === DT.FLOAT) stats.initializersKeptFp32++;
    dtype.set(t.name, t.dataType);
  }

  // 2. Walk the nodes in (topological) order: cast inputs to what the node computes in, convert
  //    type attributes of fp16 nodes, and track each output's type.
  const out: Node[] = [];
  const casts = new Map<string, string>();
  const castTo = (name: string, to: number): string => {
    const key = `${name}\u0000${to}`;
    let made = casts.get(key);
    if (!made) {
      made = `${name}__${to === DT.FLOAT16 ? 'fp16' : 'fp32'}`;
      out.push(castNode(name, made, to));
      dtype.set(made, to);
      casts.set(key, made);
      stats.castsInserted++;
    }
    return made;
  };
  for (const n of g.node) {
    const fp32 = runsFp32(n);
    if (fp32) stats.fp32Nodes++;
    n.input = n.input.map((name, index) => {
      // Shape and Size only read dims: no cast needed whatever the type.
      if (!name || n.opType === 'Shape' || n.opType === 'Size') return name;
      const dt = dtype.get(name);
      if (!isFloat(dt)) return name;
      const want = wants(n, index);
      return dt === want ? name : castTo(name, want);
    });
    if (!fp32) convertTypeAttributes(n, stats);
    const firstFloat = n.input.map((i) => dtype.get(i)).find(isFloat);
    const outType = outputType(n, firstFloat);
    for (const o of n.output) if (o) dtype.set(o, outType);
    out.push(n);
  }

  // 3. Graph outputs stay fp32: rename the fp16 producer's output and cast back at the end.
  for (const o of g.output) {
    if (o.type?.tensorType?.elemType !== DT.FLOAT || dtype.get(o.name) !== DT.FLOAT16) continue;
    const inner = `${o.name}__fp16_out`;
    for (const n of out) {
      n.output = n.output.map((x) => (x === o.name ? inner : x));
      n.input = n.input.map((x) => (x === o.name ? inner : x));
    }
    out.push(castNode(inner, o.name, DT.FLOAT));
    stats.castsInserted++;
  }
  g.node = out;

  // 4. Intermediate type annotations: update the float ones we know, drop the rest (ORT infers).
  g.valueInfo = g.valueInfo.filter((v) => {
    const tt = v.type?.tensorType;
    if (!tt || !isFloat(tt.elemType)) return true;
    const dt = dtype.get(v.name);
    if (!isFloat(dt)) return false;
    tt.elemType = dt as number;
    return true;
  });
  return stats;
}

function castNode(input: string, output: string, to: number): Node {
  return { input: [input], output: [output], name: `${output}__cast`, opType: 'Cast', domain: '', attribute: [{ name: 'to', type: AT.INT, i: to }] };
}

/** Cast-to-float becomes cast-to-fp16, float constants become fp16, inside the fp16 part. */
function convertTypeAttributes(n: Node, stats: Fp16Stats): void {
  for (const a of n.attribute) {
    if (n.opType === 'Cast' && a.name === 'to' && num(a.i) === DT.FLOAT) a.i = DT.FLOAT16;
    if ((n.opType === 'Constant' || n.opType === 'ConstantOfShape') && a.t && a.t.dataType === DT.FLOAT) convertInlineTensor(a, stats);
    if (n.opType === 'Constant' && a.name === 'value_float') {
      a.name = 'value';
      a.type = AT.TENSOR;
      a.t = { name: '', dims: [], dataType: DT.FLOAT, floatData: [a.f ?? 0] };
      delete a.f;
      convertInlineTensor(a, stats);
    }
    if (n.opType === 'Constant' && a.name === 'value_floats') {
      const values = a.floats ?? [];
      a.name = 'value';
      a.type = AT.TENSOR;
      a.t = { name: '', dims: [values.length], dataType: DT.FLOAT, floatData: values };
      a.floats = [];
      convertInlineTensor(a, stats);
    }
  }
}

function convertInlineTensor(a: Attribute, stats: Fp16Stats): void {
  const t = a.t as Tensor;
  const f32 = t.rawData?.length
    ? new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength))
    : Float32Array.from(t.floatData ?? []);
  for (const v of f32) if (Math.abs(v) > 65504 && Number.isFinite(v)) stats.clamped++;
  const half = toFloat16Array(f32.map((v) => Math.max(-65504, Math.min(65504, v))));
  t.dataType = DT.FLOAT16;
  t.rawData = new Uint8Array(half.buffer, half.byteOffset, half.byteLength);
  t.floatData = [];
}

function outputType(n: Node, firstFloatInput: number | undefined): number {
  const fixed = FIXED_OUTPUT[n.opType];
  if (fixed !== undefined) return fixed;
  const attr = (name: string): Attribute | undefined => n.attribute.find((a) => a.name === name);
  if (n.opType === 'Cast') return num(attr('to')?.i);
  if (n.opType === 'Constant') return attr('value')?.t?.dataType ?? (attr('value_int') || attr('value_ints') ? DT.INT64 : DT.FLOAT);
  if (n.opType === 'ConstantOfShape') return attr('value')?.t?.dataType ?? DT.FLOAT;
  if (/^Random(Normal|Uniform)$/.test(n.opType)) return num(attr('dtype')?.i) || DT.FLOAT;
  // Everything else yields the type of its float operand (or its first input when none is float,
  // e.g. Gather on an int table, Reshape of ints).
  return firstFloatInput ?? 0;
}
