/**
 * The few pieces of the WebAssembly binary format that the hand-assembled kernels need: LEB128
 * integers, sections, vectors and names. Pure byte arithmetic, shared by the similarity scan's
 * kernel (main/library/simd-dot-wasm.ts) and the LoRA bake's (workers/onnx/simd-low-rank.ts).
 */

/** Value types. */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** The module header: magic and version 1. */
export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Unsigned LEB128 (sizes, indices, offsets; values up to 2^53). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (i32.const immediates). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A section: its id, then its content's byte length. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A vector: its item count, then the items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** A name (import, export): its byte length, then its UTF-8 bytes. */
export function name(s: string): number[] {
  return [...uleb(Buffer.byteLength(s, 'utf8')), ...Buffer.from(s, 'utf8')];
}
