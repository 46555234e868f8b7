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

/** Flat index in the initializer of PyTorch element (o, i) of a 2-D parameter [O, I]. */
function initIndex(t: WeightTarget, o: number, i: number): number {
  const [O = 1, I = 1] = t.paramShape;
  if (t.layout !== 'packed') return t.layout === 'same' ? o * I + i : i * O + o;
  const width = t.of * O;
  if (t.heads === null) return i * width + t.index * O + o;
  const headDim = O / t.heads;
  const n = Math.floor(o / headDim);
  const h = o % headDim;
  return i * width + n * t.of * headDim + t.index * headDim + h;
}

/** The parameter's values (PyTorch layout) read out of the initializer's values. */
export function gatherParam(t: WeightTarget, init: Float32Array): Float32Array {
  const count = t.paramShape.reduce((a, b) => a * b, 1);
  if (t.layout === 'same') return init.slice(0, count);
  const [O = 1, I = 1] = t.paramShape;
  const out = new Float32Array(count);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) out[o * I + i] = init[initIndex(t, o, i)] ?? 0;
  return out;
}

/** Writes the parameter's values (PyTorch layout) into the initializer's values in place. */
export function scatterParam(t: WeightTarget, init: Float32Array, param: Float32Array): void {
  if (t.layout === 'same') {
    init.set(param);
    return;
  }
  const [O = 1, I = 1] = t.paramShape;
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) init[initIndex(t, o, i)] = param[o * I + i] ?? 0;
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
