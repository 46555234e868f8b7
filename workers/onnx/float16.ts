/**
 * IEEE 754 half precision <-> single precision conversion. Node 20 has no Float16Array, so
 * onnxruntime-node carries float16 tensors as Uint16Array bit patterns.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round-to-nearest-even fp32 → fp16 bits, with overflow to ±Inf and subnormal support. */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN (quiet)
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow → ±0
    // Subnormal half: shift the implicit-one mantissa right, rounding to nearest even.
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = mant & ((1 << shift) - 1);
    let out = mant >>> shift;
    if (rem > half || (rem === half && (out & 1) === 1)) out += 1;
    return sign | out;
  }
  let out = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and may round up to Inf).
  if (rem > 0x1000 || (rem === 0x1000 && (out & 1) === 1)) out += 1;
  return sign | out;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Array(src: ArrayLike<number>): Uint16Array {
  if (src instanceof Float32Array) return float32ArrayToFloat16(src);
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = float32ToFloat16Bits(src[i] ?? 0);
  return out;
}

/**
 * The same rounding as float32ToFloat16Bits on the float32 bit patterns directly: no per-element
 * scratch writes or calls, so multi-megabyte weights convert at memory speed. Values whose
 * result is subnormal, Inf or NaN (rare in weights) take the exact scalar path.
 */
function float32ArrayToFloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  encodeFloat16Into(src, out);
  return out;
}

/**
 * float32 values → fp16 bit patterns in `out` (same length), rounding as float32ToFloat16Bits.
 * Values in the normal half range (nearly every weight) round without a branch: rebias the
 * exponent, add 0xfff plus the kept mantissa's lowest bit, shift (a mantissa carry bumps the
 * exponent, up to Inf); zeros, subnormals, Inf and NaN take the exact scalar path.
 */
export function encodeFloat16Into(src: Float32Array, out: Uint16Array): void {
  const n = src.length;
  if (out.length !== n) throw new Error(`fp16 encode: ${n} values into ${out.length} slots`);
  const bits = src.byteOffset % 4 === 0 ? new Int32Array(src.buffer, src.byteOffset, n) : new Int32Array(Float32Array.from(src).buffer);
  for (let i = 0; i < n; i++) {
    const x = bits[i]!;
    const a = x & 0x7fffffff;
    if (a >= 0x38800000 && a < 0x47800000) out[i] = ((x >>> 16) & 0x8000) | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
    else if (a === 0) out[i] = (x >>> 16) & 0x8000;
    else out[i] = float32ToFloat16Bits(src[i]!);
  }
}

/**
 * fp16 bit patterns → float32 values in `out` (same length). Normal halves are widened with bit
 * arithmetic (a 256 KB table lookup misses cache on multi-megabyte weights); zeros, subnormals,
 * Inf and NaN use the table.
 */
export function decodeFloat16Into(src: Uint16Array, out: Float32Array): void {
  if (out.length !== src.length) throw new Error(`fp16 decode: ${src.length} values into ${out.length} slots`);
  const table = float16Table();
  const bits = out.byteOffset % 4 === 0 ? new Int32Array(out.buffer, out.byteOffset, out.length) : null;
  if (!bits) {
    for (let i = 0; i < src.length; i++) out[i] = table[src[i]!]!;
    return;
  }
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const e = h & 0x7c00;
    if (e !== 0 && e !== 0x7c00) bits[i] = ((h & 0x8000) << 16) | (((h & 0x7fff) + 0x1c000) << 13);
    else out[i] = table[h]!;
  }
}

let halfTable: Float32Array | null = null;

/** All 65536 half-precision values as float32: fp16 → fp32 is one lookup per element. */
export function float16Table(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = float16BitsToFloat32(i);
  }
  return halfTable;
}

export function fromFloat16Array(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  decodeFloat16Into(src, out);
  return out;
}
