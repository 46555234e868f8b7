import { decodeFloat16Into, encodeFloat16Into, fromFloat16Array } from '../../workers/onnx/float16.ts';

/*
 * C[rows, cols] += A[rows, rank] · B[rank, cols] in place, on a small hand-assembled WebAssembly
 * SIMD kernel (f32x4, four rank terms per pass so each C vector is loaded and stored once per
 * four products). It needs no native runtime, allocates nothing per call and runs anywhere
 * (main process, worker, CLI). cols must be a multiple of 4 (every SDXL width is); others and
 * ranks not a multiple of 4 are handled by padding or a plain loop.
 */

// WebAssembly binary encoding (LEB128 integers, sections, opcodes from the core and SIMD specs).
const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
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
};
const str = (s: string): number[] => [...leb(s.length), ...Buffer.from(s)];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];

// Parameters (c, a, b: byte offsets in the kernel's memory; rows, cols, rank) and locals.
const C = 0, A = 1, B = 2, ROWS = 3, COLS = 4, RANK = 5;
const O = 6, CROW = 7, AROW = 8, R = 9, B0 = 10, B1 = 11, B2 = 12, B3 = 13, JB = 14, RB = 15;
const U0 = 16, U1 = 17, U2 = 18, U3 = 19;
const get = (l: number): number[] => [0x20, ...leb(l)];
const set = (l: number): number[] => [0x21, ...leb(l)];
const i32 = (n: number): number[] => [0x41, ...sleb(n)];
const ADD = 0x6a, MUL = 0x6c, SHL = 0x74, GE_U = 0x4f;
const f32load = (off: number): number[] => [0x2a, 2, ...leb(off)];
const v128load = [0xfd, 0x00, 4, 0];
const v128store = [0xfd, 0x0b, 4, 0];
const splat = [0xfd, 0x13];
const fadd = [0xfd, ...leb(0xe4)];
const fmul = [0xfd, ...leb(0xe6)];
const block = [0x02, 0x40], loop = [0x03, 0x40], end = [0x0b];
const brIf = (d: number): number[] => [0x0d, ...leb(d)];
const br = (d: number): number[] => [0x0c, ...leb(d)];

/*
 * for (o = 0; o < rows; o++)                         // one row of C
 *   for (r = 0; r < rank; r += 4)                    // four rank terms per pass
 *     u0..u3 = splat(A[o][r..r+3])
 *     for (j = 0; j < cols; j += 4)                  // four columns per vector
 *       C[o][j..j+3] += u0·B[r][j..] + u1·B[r+1][j..] + u2·B[r+2][j..] + u3·B[r+3][j..]
 */
const body: number[] = [
  ...get(COLS), ...i32(2), SHL, ...set(RB),
  ...i32(0), ...set(O),
  ...block, ...loop,
  ...get(O), ...get(ROWS), GE_U, ...brIf(1),
  ...get(C), ...get(O), ...get(RB), MUL, ADD, ...set(CROW),
  ...get(A), ...get(O), ...get(RANK), MUL, ...i32(2), SHL, ADD, ...set(AROW),
  ...i32(0), ...set(R),
  ...block, ...loop,
  ...get(R), ...get(RANK), GE_U, ...brIf(1),
  ...get(AROW), ...get(R), ...i32(2), SHL, ADD, ...f32load(0), ...splat, ...set(U0),
  ...get(AROW), ...get(R), ...i32(2), SHL, ADD, ...f32load(4), ...splat, ...set(U1),
  ...get(AROW), ...get(R), ...i32(2), SHL, ADD, ...f32load(8), ...splat, ...set(U2),
  ...get(AROW), ...get(R), ...i32(2), SHL, ADD, ...f32load(12), ...splat, ...set(U3),
  ...get(B), ...get(R), ...get(RB), MUL, ADD, ...set(B0),
  ...get(B0), ...get(RB), ADD, ...set(B1),
  ...get(B1), ...get(RB), ADD, ...set(B2),
  ...get(B2), ...get(RB), ADD, ...set(B3),
  ...i32(0), ...set(JB),
  ...block, ...loop,
  ...get(JB), ...get(RB), GE_U, ...brIf(1),
  ...get(CROW), ...get(JB), ADD, // store address
  ...get(CROW), ...get(JB), ADD, ...v128load,
  ...get(U0), ...get(B0), ...get(JB), ADD, ...v128load, ...fmul, ...fadd,
  ...get(U1), ...get(B1), ...get(JB), ADD, ...v128load, ...fmul, ...fadd,
  ...get(U2), ...get(B2), ...get(JB), ADD, ...v128load, ...fmul, ...fadd,
  ...get(U3), ...get(B3), ...get(JB), ADD, ...v128load, ...fmul, ...fadd,
  ...v128store,
  ...get(JB), ...i32(16), ADD, ...set(JB),
  ...br(0),
  ...end, ...end,
  ...get(R), ...i32(4), ADD, ...set(R),
  ...br(0),
  ...end, ...end,
  ...get(O), ...i32(1), ADD, ...set(O),
  ...br(0),
  ...end, ...end,
  ...end,
];
const func = [2, 10, 0x7f, 4, 0x7b, ...body]; // locals: 10 × i32, 4 × v128
const bytes = new Uint8Array([ // magic, version; type, function, memory, export, code sections
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, [1, 0x60, 6, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
  ...section(3, [1, 0]),
  ...section(5, [1, 0x00, 1]),
  ...section(7, [2, ...str('lra'), 0x00, 0, ...str('mem'), 0x02, 0]),
  ...section(10, [1, ...leb(func.length), ...func]),
]);

/** Compiled once per process: V8 tiers the hot loop up to optimised code, which later bakes keep. */
let compiled: WebAssembly.Module | null = null;
let instance: { lra: (c: number, a: number, b: number, rows: number, cols: number, rank: number) => void; mem: WebAssembly.Memory } | null = null;

function kernelInstance(): NonNullable<typeof instance> {
  if (!instance) {
    compiled ??= new WebAssembly.Module(bytes);
    const inst = new WebAssembly.Instance(compiled, {});
    instance = { lra: inst.exports['lra'] as NonNullable<typeof instance>['lra'], mem: inst.exports['mem'] as WebAssembly.Memory };
  }
  return instance;
}

/**
 * C += A·B in place. C is float32 values or fp16 bit patterns (decoded into and encoded back out
 * of the kernel's memory, so an fp16 pack costs no float32 copy of its own).
 */
export function addLowRankInPlace(c: Float32Array | Uint16Array, rows: number, cols: number, a: Float32Array, b: Float32Array, rank: number): void {
  if (c.length !== rows * cols || a.length !== rows * rank || b.length !== rank * cols) throw new Error(`low-rank update: shapes disagree (C ${c.length} ≠ ${rows}×${cols}, A ${a.length}, B ${b.length}, rank ${rank})`);
  if (cols % 4 !== 0) {
    const f = c instanceof Float32Array ? c : fromFloat16Array(c);
    for (let o = 0; o < rows; o++) {
      for (let r = 0; r < rank; r++) {
        const u = a[o * rank + r]!;
        const bRow = r * cols;
        const cRow = o * cols;
        for (let j = 0; j < cols; j++) f[cRow + j] = f[cRow + j]! + u * b[bRow + j]!;
      }
    }
    if (c instanceof Uint16Array) encodeFloat16Into(f, c);
    return;
  }
  // Ranks are padded to a multiple of 4 with zero terms (real LoRAs use 4, 8, 16… already).
  const rank4 = Math.ceil(rank / 4) * 4;
  const k = kernelInstance();
  const cBytes = rows * cols * 4;
  const aOff = cBytes;
  const bOff = aOff + rows * rank4 * 4;
  const need = bOff + rank4 * cols * 4;
  if (k.mem.buffer.byteLength < need) k.mem.grow(Math.ceil((need - k.mem.buffer.byteLength) / 65536));
  const mem = new Float32Array(k.mem.buffer, 0, need / 4);
  const cm = mem.subarray(0, rows * cols);
  if (c instanceof Float32Array) cm.set(c);
  else decodeFloat16Into(c, cm);
  if (rank4 === rank) mem.set(a, aOff / 4);
  else {
    mem.fill(0, aOff / 4, bOff / 4);
    for (let o = 0; o < rows; o++) mem.set(a.subarray(o * rank, o * rank + rank), aOff / 4 + o * rank4);
  }
  mem.set(b, bOff / 4);
  mem.fill(0, bOff / 4 + rank * cols);
  k.lra(0, aOff, bOff, rows, cols, rank4);
  if (c instanceof Float32Array) c.set(cm);
  else encodeFloat16Into(cm, c);
}

/** Drops the kernel's memory (it keeps the size of the largest layer while an instance lives); the compiled code stays. */
export function releaseLowRankKernel(): void {
  instance = null;
}
