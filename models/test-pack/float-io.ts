import type { Dim, GraphBuilder } from './graph-builder.ts';
import type { IoDecl } from './write-component.ts';

/**
 * Float I/O in the pack's declared dtype while computing in fp32 inside the graph — the same
 * contract as an fp16 export, at no cost to the tiny graph's numerics.
 */
export class FloatIo {
  readonly inputs: IoDecl[] = [];
  readonly outputs: IoDecl[] = [];

  constructor(
    private readonly g: GraphBuilder,
    private readonly dtype: 'float32' | 'float16',
  ) {}

  input(name: string, shape: Dim[]): string {
    this.inputs.push({ name, dtype: this.dtype, shape });
    const v = this.g.input(name, this.dtype, shape);
    return this.dtype === 'float16' ? this.g.cast(v, 'float32') : v;
  }

  /** Non-float inputs (ids, int64 timesteps) are declared as is. */
  rawInput(decl: IoDecl): string {
    this.inputs.push(decl);
    return this.g.input(decl.name, decl.dtype, decl.shape);
  }

  output(name: string, value: string, shape: Dim[]): void {
    this.outputs.push({ name, dtype: this.dtype, shape });
    this.g.output(name, this.dtype === 'float16' ? this.g.cast(value, 'float16') : value, this.dtype, shape);
  }
}
