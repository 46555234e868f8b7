/**
 * Where one PyTorch parameter (diffusers/transformers name, PyTorch layout) lives in an ONNX
 * graph. Exports store weights in three ways:
 * - `same`: the initializer is the parameter (conv kernels, norms, biases, Gemm weights), possibly
 *   with trailing 1-dims dropped or added (1×1 conv ↔ linear);
 * - `transpose`: a Linear layer exported as MatMul keeps Wᵀ ([in, out]) under a generated name;
 * - `packed`: ONNX Runtime's transformer optimiser fuses Q/K/V (or K/V) into one MatMul weight
 *   [in, of·out], interleaved per head ([in, heads, of, headDim]) for packed attention, or in
 *   plain blocks ([in, of, out]) for the Attention op (`heads` null).
 */
export type WeightTarget =
  | { init: string; layout: 'same' | 'transpose'; paramShape: number[] }
  | { init: string; layout: 'packed'; index: number; of: number; heads: number | null; paramShape: number[] };

/**
 * Where column o of the parameter's transpose lives in the initializer: for `transpose` and
 * `packed` targets, PyTorch element (o, i) is initializer element i · width + column[o].
 */
function columns(t: WeightTarget): { width: number; column: Int32Array } {
  const [O = 1] = t.paramShape;
  const column = new Int32Array(O);
  if (t.layout !== 'packed') {
    for (let o = 0; o < O; o++) column[o] = o;
    return { width: O, column };
  }
  const width = t.of * O;
  const headDim = t.heads === null ? O : O / t.heads;
  for (let o = 0; o < O; o++) {
    const n = Math.floor(o / headDim);
    column[o] = t.heads === null ? t.index * O + o : n * t.of * headDim + t.index * headDim + (o % headDim);
  }
  return { width, column };
}

/** Rows of the parameter handled per pass: their elements stay in cache while columns are walked. */
const BLOCK = 64;

/** The parameter's values (PyTorch layout) read out of the initializer's values. */
export function gatherParam(t: WeightTarget, init: Float32Array): Float32Array {
  const count = t.paramShape.reduce((a, b) => a * b, 1);
  if (t.layout === 'same') return init.slice(0, count);
  const [O = 1, I = 1] = t.paramShape;
  const { width, column } = columns(t);
  const out = new Float32Array(count);
  for (let o0 = 0; o0 < O; o0 += BLOCK) {
    const o1 = Math.min(O, o0 + BLOCK);
    for (let i = 0; i < I; i++) {
      const row = i * width;
      for (let o = o0; o < o1; o++) out[o * I + i] = init[row + column[o]!]!;
    }
  }
  return out;
}

/** Writes the parameter's values (PyTorch layout) into the initializer's values in place. */
export function scatterParam(t: WeightTarget, init: Float32Array, param: Float32Array): void {
  if (t.layout === 'same') {
    init.set(param);
    return;
  }
  const [O = 1, I = 1] = t.paramShape;
  const { width, column } = columns(t);
  for (let o0 = 0; o0 < O; o0 += BLOCK) {
    const o1 = Math.min(O, o0 + BLOCK);
    for (let i = 0; i < I; i++) {
      const row = i * width;
      for (let o = o0; o < o1; o++) init[row + column[o]!] = param[o * I + i]!;
    }
  }
}

/** Shapes agree up to trailing 1-dims (a 1×1 conv kernel is a linear weight). */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  const trim = (s: readonly number[]): number[] => {
    const out = [...s];
    while (out.length > 1 && out[out.length - 1] === 1) out.pop();
    return out;
  };
  const x = trim(a);
  const y = trim(b);
  return x.length === y.length && x.every((d, i) => d === y[i]);
}
