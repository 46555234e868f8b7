import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxFile } from '../../../models/onnx-edit/onnx-file.ts';
import { rewriteOnnx } from '../../../models/onnx-edit/rewrite-onnx.ts';
import { NamedGraph } from '../../../models/test-pack/named-graph.ts';
import { gatherParam, scatterParam, type WeightTarget } from '../../../models/weights/weight-target.ts';
import { lowRankAdd, releaseLowRankSessions } from '../../../workers/onnx/low-rank-add.ts';
import { encodeFloat16Into, float16BitsToFloat32, float32ToFloat16Bits, fromFloat16Array, toFloat16Array } from '../../../workers/onnx/float16.ts';
import { reference, values } from './low-rank-reference.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assetql-wstream-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('low-rank update (SIMD kernel; ONNX Runtime Gemm for other shapes)', () => {
  afterAll(releaseLowRankSessions);

  it.each([
    [24, 40, 16],
    [7, 12, 3],
    [5, 6, 2],
    [64, 4608, 16],
  ])('C[%i, %i] + A·B at rank %i matches plain maths on float32 weights, updated in place', async (rows, cols, rank) => {
    const c = values(rows * cols, 1);
    const before = c.slice();
    const a = values(rows * rank, 2);
    const b = values(rank * cols, 3);
    const want = reference(c, a, b, rows, cols, rank);
    const got = await lowRankAdd({ c, rows, cols, a, b, rank, transposed: false });
    expect(got).toBeInstanceOf(Float32Array);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
    expect(err).toBeLessThan(1e-5);
    expect(got).toBe(c); // in place
    expect(c).not.toEqual(before);
  });

  it('computes Cᵀ + downᵀ·upᵀ for a weight stored transposed', async () => {
    const [out, inner, rank] = [12, 20, 4];
    const up = values(out * rank, 7);
    const down = values(rank * inner, 8);
    const ct = values(inner * out, 9);
    const before = ct.slice();
    const got = await lowRankAdd({ c: ct, rows: inner, cols: out, a: down, b: up, rank, transposed: true });
    for (let i = 0; i < inner; i++) {
      for (let o = 0; o < out; o++) {
        let want = before[i * out + o]!;
        for (let r = 0; r < rank; r++) want += up[o * rank + r]! * down[r * inner + i]!;
        expect(Math.abs(got[i * out + o]! - want)).toBeLessThan(1e-5);
      }
    }
  });

  it('updates fp16 weights, rounded once to fp16', async () => {
    const rows = 16;
    const cols = 32;
    const rank = 8;
    const c = toFloat16Array(values(rows * cols, 4));
    const a = values(rows * rank, 5).map((v) => v * 0.1);
    const b = values(rank * cols, 6);
    const want = reference(fromFloat16Array(c), a, b, rows, cols, rank);
    const got = await lowRankAdd({ c, rows, cols, a, b, rank, transposed: false });
    expect(got).toBeInstanceOf(Uint16Array);
    for (let i = 0; i < got.length; i++) expect(Math.abs(float16BitsToFloat32(got[i]!) - want[i]!)).toBeLessThanOrEqual(Math.abs(want[i]!) * 2 ** -10 + 1e-6);
  });

  it.each([false, true])('updates every row tile in place, the last partial tile included (transposed: %s)', async (transposed) => {
    // 1 MB tiles: 300 rows of 2000 floats (8 KB) are 131 + 131 + 38 rows.
    const [rows, cols, rank] = [300, 2000, 3];
    const c = values(rows * cols, 10);
    const a = values(rows * rank, 11);
    const b = values(rank * cols, 12);
    const want = reference(c, a, b, rows, cols, rank);
    // The transposed call takes the same factors stored transposed: A as [rank, rows], B as [cols, rank].
    const at = new Float32Array(a.length);
    for (let i = 0; i < rows; i++) for (let r = 0; r < rank; r++) at[r * rows + i] = a[i * rank + r]!;
    const bt = new Float32Array(b.length);
    for (let r = 0; r < rank; r++) for (let j = 0; j < cols; j++) bt[j * rank + r] = b[r * cols + j]!;
    const got = await lowRankAdd({ c, rows, cols, a: transposed ? at : a, b: transposed ? bt : b, rank, transposed });
    expect(got).toBe(c);
    let err = 0;
    for (let i = 0; i < c.length; i++) err = Math.max(err, Math.abs(c[i]! - want[i]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('refuses factors whose shapes do not fit', async () => {
    await expect(lowRankAdd({ c: new Float32Array(12), rows: 3, cols: 4, a: new Float32Array(6), b: new Float32Array(7), rank: 2, transposed: false })).rejects.toThrow(/shapes disagree/);
  });
});

describe('fp16 encoding', () => {
  it('rounds exactly like the scalar converter, ties, subnormals, overflow and zeros included', () => {
    const bits = new Uint32Array(1 << 16);
    for (let i = 0; i < bits.length; i++) bits[i] = (Math.imul(i, 2654435761) ^ (i << 7)) >>> 0;
    let k = 0;
    for (let e = 0; e < 256; e++) for (const m of [0, 1, 0x1000, 0x3000, 0x2000, 0x7fe000, 0x7fffff, 0x400000]) for (const s of [0, 1]) bits[k++] = ((s << 31) | (e << 23) | m) >>> 0;
    const f = new Float32Array(bits.buffer);
    const out = new Uint16Array(f.length);
    encodeFloat16Into(f, out);
    const wrong: string[] = [];
    for (let i = 0; i < f.length; i++) {
      const ok = Number.isNaN(f[i]!) ? Number.isNaN(float16BitsToFloat32(out[i]!)) : out[i] === float32ToFloat16Bits(f[i]!);
      if (!ok) wrong.push(`0x${bits[i]!.toString(16)} → 0x${out[i]!.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('weight targets', () => {
  it('gathers and scatters transposed and packed (per-head and block) parameters like the index formula', () => {
    const O = 8;
    const I = 6;
    const targets: WeightTarget[] = [
      { init: 'w', layout: 'transpose', paramShape: [O, I] },
      { init: 'w', layout: 'packed', index: 1, of: 3, heads: 2, paramShape: [O, I] },
      { init: 'w', layout: 'packed', index: 2, of: 3, heads: null, paramShape: [O, I] },
    ];
    for (const t of targets) {
      const width = t.layout === 'packed' ? t.of * O : O;
      const at = (o: number, i: number): number => {
        if (t.layout === 'transpose') return i * O + o;
        if (t.layout !== 'packed') return o * I + i;
        if (t.heads === null) return i * width + t.index * O + o;
        const hd = O / t.heads;
        return i * width + Math.floor(o / hd) * t.of * hd + t.index * hd + (o % hd);
      };
      const init = values(I * width, 7);
      const param = gatherParam(t, init);
      for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) expect(param[o * I + i]).toBe(init[at(o, i)]);
      const next = values(O * I, 8);
      const copy = init.slice();
      scatterParam(t, copy, next);
      for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) expect(copy[at(o, i)]).toBe(next[o * I + i]);
    }
  });
});

describe('streaming pack rewrite', () => {
  /** A graph with two multi-megabyte weights around small ones, so both write paths run. */
  async function graph(): Promise<{ file: OnnxFile; big1: Float32Array; big2: Float32Array; small: Float32Array }> {
    const g = new NamedGraph(3);
    const big1 = values(600 * 600, 9);
    const big2 = values(512 * 600, 10);
    const small = values(600, 11);
    const x = g.input('x', 'float32', [1, 600]);
    const y = g.node('MatMul', '/a/MatMul', [x, g.floats('a.weight', [600, 600], big1)]);
    const z = g.node('Add', '/a/Add', [y, g.floats('a.bias', [600], small)]);
    const w = g.node('MatMul', '/b/MatMul', [z, g.floats('b.weight', [600, 512], big2)]);
    g.output('y', w, [1, 512]);
    await g.write(dir, 'src.onnx', { inputs: [], outputs: [] });
    return { file: await OnnxFile.read(join(dir, 'src.onnx')), big1, big2, small };
  }

  it('writes patched values, passed-through bytes and kept weights at aligned offsets', async () => {
    const { file, big1, big2, small } = await graph();
    const doubled = big2.map((v) => v * 2);
    const r = await rewriteOnnx(file, join(dir, 'out.onnx'), 'out.onnx_data', {
      patch: async (init) => {
        if (init.name === 'a.weight') return big1.map((v) => v + 1);
        if (init.name === 'b.weight') return { encoded: Buffer.from(doubled.buffer) };
        return null;
      },
    });
    expect(r.patched).toBe(2);
    const out = await OnnxFile.read(join(dir, 'out.onnx'));
    const a = await out.readFloat32(out.initializers.get('a.weight')!);
    expect(a.length).toBe(big1.length);
    for (let i = 0; i < a.length; i += 997) expect(a[i]).toBe(Math.fround(big1[i]! + 1));
    expect(Array.from(await out.readFloat32(out.initializers.get('b.weight')!))).toEqual(Array.from(doubled));
    expect(Array.from(await out.readFloat32(out.initializers.get('a.bias')!))).toEqual(Array.from(small));
    for (const init of out.initializers.values()) if (init.source.kind === 'external') expect(init.source.offset % 64).toBe(0);
  });

  it('refuses patched bytes of the wrong size and reports a failing patch, naming the initializer', async () => {
    const { file } = await graph();
    await expect(rewriteOnnx(file, join(dir, 'bad.onnx'), 'bad.onnx_data', { patch: async (init) => (init.name === 'b.weight' ? { encoded: new Uint8Array(8) } : null) })).rejects.toThrow(/initializer b\.weight: patched bytes are 8/);
    await expect(
      rewriteOnnx(file, join(dir, 'bad2.onnx'), 'bad2.onnx_data', {
        patch: async (init) => {
          if (init.name === 'b.weight') throw new Error('cannot read b.weight');
          return null;
        },
      }),
    ).rejects.toThrow(/cannot read b\.weight/);
  });
});
