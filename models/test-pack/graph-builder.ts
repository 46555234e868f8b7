import { SeededRandom } from '../../workers/sdxl/seeded-random.ts';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { ATTR_TYPE, ONNX_DTYPE, type AttributeMsg, type GraphMsg, type NodeMsg, type OnnxDtype, type TensorMsg, type ValueInfoMsg } from './onnx-proto.ts';

export type Dim = number | string;
export type Attr = { i: number } | { f: number } | { ints: number[] } | { floats: number[] };

/**
 * Tiny imperative builder for ONNX graphs: every op returns the name of its (single) output so
 * graphs read like code. Weights are seeded Gaussians so packs are reproducible.
 */
export class GraphBuilder {
  private readonly nodes: NodeMsg[] = [];
  private readonly inits: TensorMsg[] = [];
  private readonly inputs: ValueInfoMsg[] = [];
  private readonly outputs: ValueInfoMsg[] = [];
  private counter = 0;
  private readonly rng: SeededRandom;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  input(name: string, dtype: OnnxDtype, shape: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** Declares a graph output; renames `value` to `name` through Identity when needed. */
  output(name: string, value: string, dtype: OnnxDtype, shape: Dim[]): void {
    if (value !== name) this.nodes.push(node('Identity', `${name}_out`, [value], [name], {}));
    this.outputs.push(valueInfo(name, dtype, shape));
  }

  /** Random N(0, scale²) float32 initializer. */
  weight(dims: number[], scale: number): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.constFloat(this.rng.gaussianArray(n, scale), dims);
  }

  constFloat(values: ArrayLike<number>, dims: number[], dtype: 'float32' | 'float16' = 'float32'): string {
    const name = this.fresh('w');
    const bytes = dtype === 'float16' ? toFloat16Array(values) : Float32Array.from(values);
    this.inits.push({ name, dims, dataType: ONNX_DTYPE[dtype], rawData: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    return name;
  }

  constInt64(values: number[], dims: number[]): string {
    const name = this.fresh('c');
    const big = BigInt64Array.from(values, (v) => BigInt(v));
    this.inits.push({ name, dims, dataType: ONNX_DTYPE.int64, rawData: new Uint8Array(big.buffer) });
    return name;
  }

  op(opType: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    const out = this.fresh(opType.toLowerCase());
    this.nodes.push(node(opType, `${out}_node`, inputs, [out], attrs));
    return out;
  }

  // Conveniences for the ops the tiny packs use most.
  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b]);
  }
  add(a: string, b: string): string {
    return this.op('Add', [a, b]);
  }
  mul(a: string, b: string): string {
    return this.op('Mul', [a, b]);
  }
  tanh(a: string): string {
    return this.op('Tanh', [a]);
  }
  cast(a: string, to: OnnxDtype): string {
    return this.op('Cast', [a], { to: { i: ONNX_DTYPE[to] } });
  }
  /** x·W + b followed by tanh: one tiny "layer". */
  dense(x: string, inDim: number, outDim: number, scale = 1 / Math.sqrt(inDim)): string {
    return this.tanh(this.add(this.matmul(x, this.weight([inDim, outDim], scale)), this.weight([outDim], 0.1)));
  }

  build(name: string): GraphMsg {
    return { name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs };
  }

  private fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }
}

function node(opType: string, name: string, input: string[], output: string[], attrs: Record<string, Attr>): NodeMsg {
  const attribute: AttributeMsg[] = Object.entries(attrs).map(([k, v]) => {
    if ('i' in v) return { name: k, type: ATTR_TYPE.int, i: v.i };
    if ('f' in v) return { name: k, type: ATTR_TYPE.float, f: v.f };
    if ('ints' in v) return { name: k, type: ATTR_TYPE.ints, ints: v.ints };
    return { name: k, type: ATTR_TYPE.floats, floats: v.floats };
  });
  return { opType, name, input, output, attribute };
}

function valueInfo(name: string, dtype: OnnxDtype, shape: Dim[]): ValueInfoMsg {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
