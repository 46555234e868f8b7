import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ComponentSpec } from '../manifest.ts';
import { SeededRandom } from '../../workers/sdxl/seeded-random.ts';
import { ATTR_TYPE, encodeModel, ONNX_DTYPE, type AttributeMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from './onnx-proto.ts';
import type { Dim } from './graph-builder.ts';
import type { IoDecl } from './write-component.ts';

type AttrValue = { i: number } | { f: number } | { ints: number[] };

/**
 * A graph builder that names things the way real exporters do: initializers under PyTorch
 * parameter names (`down_blocks.1.resnets.0.conv1.weight`) or generated ones (`onnx::MatMul_7`),
 * nodes after their module path (`/down_blocks.1/attentions.0/…/to_q/MatMul`). The weight-import
 * tests locate weights through exactly these names.
 */
export class NamedGraph {
  readonly nodes: NodeMsg[] = [];
  readonly inits: TensorMsg[] = [];
  readonly inputs: ValueInfoMsg[] = [];
  readonly outputs: ValueInfoMsg[] = [];
  /** Every float weight by initializer name, as written (tests read them back). */
  readonly values = new Map<string, { dims: number[]; data: Float32Array }>();
  private readonly rng: SeededRandom;
  private n = 0;
  private generated = 1000;

  constructor(seed: number) {
    this.rng = new SeededRandom(seed);
  }

  input(name: string, dtype: 'float32' | 'int32' | 'int64', shape: Dim[]): string {
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  output(name: string, value: string, shape: Dim[]): void {
    this.node('Identity', `/${name}/Identity`, [value], [name]);
    this.outputs.push(valueInfo(name, 'float32', shape));
  }

  /** A random float initializer under `name` (or a generated `onnx::<Op>_N` name when null). */
  weight(name: string | null, dims: number[], scale: number): string {
    const count = dims.reduce((a, b) => a * b, 1);
    return this.floats(name, dims, this.rng.gaussianArray(count, scale));
  }

  floats(name: string | null, dims: number[], data: ArrayLike<number>): string {
    const n = name ?? `onnx::MatMul_${this.generated++}`;
    const f = Float32Array.from(data);
    this.values.set(n, { dims, data: f });
    this.inits.push({ name: n, dims, dataType: ONNX_DTYPE.float32, rawData: new Uint8Array(f.buffer) });
    return n;
  }

  int64(name: string, values: number[]): string {
    const big = BigInt64Array.from(values, (v) => BigInt(v));
    this.inits.push({ name, dims: [values.length], dataType: ONNX_DTYPE.int64, rawData: new Uint8Array(big.buffer) });
    return name;
  }

  /** Adds a node named `name` and returns its first output (`name` + ':0'). */
  node(opType: string, name: string, inputs: string[], outputs?: string[], attrs: Record<string, AttrValue> = {}): string {
    const outs = outputs ?? [`${name}_output_${this.n++}`];
    const attribute: AttributeMsg[] = Object.entries(attrs).map(([k, v]) =>
      'i' in v ? { name: k, type: ATTR_TYPE.int, i: v.i } : 'f' in v ? { name: k, type: ATTR_TYPE.float, f: v.f } : { name: k, type: ATTR_TYPE.ints, ints: v.ints },
    );
    this.nodes.push({ opType, name, input: inputs, output: outs, attribute });
    return outs[0]!;
  }

  async write(dir: string, file: string, io: { inputs: IoDecl[]; outputs: IoDecl[] }): Promise<ComponentSpec> {
    const bytes = encodeModel({ name: file.replace(/\W+/g, '_'), node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs }, 'AssetQL weight-layout test graph');
    await writeFile(join(dir, file), bytes);
    const spec = (list: IoDecl[]): ComponentSpec['inputs'] => Object.fromEntries(list.map((d) => [d.name, { dtype: d.dtype, shape: d.shape }]));
    return { file, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, externalData: [], inputs: spec(io.inputs), outputs: spec(io.outputs) };
  }
}

function valueInfo(name: string, dtype: 'float32' | 'int32' | 'int64', shape: Dim[]): ValueInfoMsg {
  return {
    name,
    type: { tensorType: { elemType: ONNX_DTYPE[dtype], shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

/**
 * The scope name torch.onnx gives a module's nodes: attribute names become path segments and
 * ModuleList indices stay on their segment — `down_blocks.1.attentions.0.…attn2.to_out.0` →
 * `/down_blocks.1/attentions.0/…/attn2/to_out.0`.
 */
export function scopeName(module: string): string {
  return `/${module.replace(/\.(?!\d)/g, '/')}`;
}
