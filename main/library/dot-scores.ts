import { simdDotModuleBytes } from './simd-dot-wasm.ts';

/**
 * scores[r] = matrix[r·dim … r·dim+dim) · query. Four accumulators let V8 keep the adds
 * independent; on one core this streams about 1.5 GB/s of Float32 (100k × 768 in ~55 ms),
 * hence the SIMD path below for the big matrix.
 */
export function dotScores(matrix: Float32Array, dim: number, query: Float32Array, out: Float32Array): void {
  const rows = out.length;
  const d4 = dim - (dim % 4);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      s0 += matrix[o + j]! * query[j]!;
      s1 += matrix[o + j + 1]! * query[j + 1]!;
      s2 += matrix[o + j + 2]! * query[j + 2]!;
      s3 += matrix[o + j + 3]! * query[j + 3]!;
    }
    for (; j < dim; j++) s0 += matrix[o + j]! * query[j]!;
    out[r] = s0 + s1 + s2 + s3;
  }
}

/** A rows × dim matrix with a scoring function; SIMD WebAssembly memory when possible. */
export interface ScoringMatrix {
  readonly rows: number;
  readonly dim: number;
  readonly simd: boolean;
  /** Row-major storage to fill; for SIMD it lives inside the wasm memory. */
  readonly matrix: Float32Array;
  score(query: Float32Array): Float32Array;
}

let simdModule: WebAssembly.Module | null | undefined;

function getSimdModule(): WebAssembly.Module | null {
  if (simdModule !== undefined) return simdModule;
  const bytes = simdDotModuleBytes();
  simdModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return simdModule;
}

const PAGE = 65_536;
// wasm32 memory tops out at 4 GiB; past ~3.5 GiB we stay in JS rather than fail.
const MAX_WASM_BYTES = 3.5 * 1024 ** 3;

export function createScoringMatrix(rows: number, dim: number, opts: { simd?: boolean } = {}): ScoringMatrix {
  const bytes = rows * dim * 4;
  const module = opts.simd === false || dim % 16 !== 0 || bytes + dim * 4 + rows * 4 + 64 > MAX_WASM_BYTES ? null : getSimdModule();
  if (!module) {
    const matrix = new Float32Array(rows * dim);
    return {
      rows,
      dim,
      simd: false,
      matrix,
      score(query) {
        const out = new Float32Array(rows);
        dotScores(matrix, dim, query, out);
        return out;
      },
    };
  }
  const instance = new WebAssembly.Instance(module);
  const mem = instance.exports['mem'] as WebAssembly.Memory;
  const dot = instance.exports['dot'] as (mat: number, q: number, out: number, rows: number, dim: number) => void;
  // Layout (16-byte aligned): [matrix][query][scores]
  const qPtr = align16(bytes);
  const outPtr = align16(qPtr + dim * 4);
  const total = outPtr + rows * 4;
  const have = mem.buffer.byteLength;
  if (total > have) mem.grow(Math.ceil((total - have) / PAGE));
  // Views made after the single grow stay valid: the memory never grows again.
  const matrix = new Float32Array(mem.buffer, 0, rows * dim);
  const q = new Float32Array(mem.buffer, qPtr, dim);
  const out = new Float32Array(mem.buffer, outPtr, rows);
  return {
    rows,
    dim,
    simd: true,
    matrix,
    score(query) {
      q.set(query);
      dot(0, qPtr, outPtr, rows, dim);
      return out.slice();
    },
  };
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
