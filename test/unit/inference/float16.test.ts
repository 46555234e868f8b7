import { describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits, fromFloat16Array, toFloat16Array } from '../../../workers/onnx/float16.ts';
import { mapOrtError } from '../../../workers/onnx/ort-errors.ts';
import { filledTensor, floatTensor, idTensor, tensorToFloat32 } from '../../../workers/onnx/tensors.ts';

describe('float16 conversion', () => {
  it('encodes known values to IEEE half bits (numpy.float16 reference)', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.1, 0x2e66],
      [65504, 0x7bff],
      [65520, 0x7c00], // rounds up to +Inf
      [1e6, 0x7c00],
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // ties to even → 0
      [3 * 2 ** -25, 0x0002],
      [6.1035156e-5, 0x0400], // smallest normal
      [1 + 2 ** -11, 0x3c00], // tie → even mantissa
      [1 + 3 * 2 ** -11, 0x3c02],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
    ];
    for (const [v, bits] of cases) expect(float32ToFloat16Bits(v), `${v}`).toBe(bits);
    expect(float16BitsToFloat32(float32ToFloat16Bits(Number.NaN))).toBeNaN();
  });

  it('round-trips every non-NaN half value exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = float16BitsToFloat32(bits);
      if (Number.isNaN(v)) continue;
      if (float32ToFloat16Bits(v) !== bits) throw new Error(`bits 0x${bits.toString(16)} → ${v} → 0x${float32ToFloat16Bits(v).toString(16)}`);
    }
  });

  it('converts arrays both ways within half precision', () => {
    const src = Float32Array.from([0.333, -1.5, 1000.1, 1e-3]);
    const back = fromFloat16Array(toFloat16Array(src));
    src.forEach((v, i) => expect(Math.abs((back[i] ?? 0) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11));
  });
});

describe('tensor helpers', () => {
  it('builds fp16 tensors as Uint16Array bits and reads them back as fp32', () => {
    const t = floatTensor('float16', Float32Array.from([1, -2, 0.5, 4]), [2, 2]);
    expect(t.type).toBe('float16');
    expect(t.data).toBeInstanceOf(Uint16Array);
    expect([...(t.data as Uint16Array)]).toEqual([0x3c00, 0xc000, 0x3800, 0x4400]);
    expect([...tensorToFloat32(t)]).toEqual([1, -2, 0.5, 4]);
  });

  it('builds int32 and int64 id tensors and scalar timesteps', () => {
    expect(idTensor('int32', [49406, 1], [1, 2]).data).toEqual(Int32Array.from([49406, 1]));
    expect(idTensor('int64', [49407], [1, 1]).data).toEqual(BigInt64Array.from([49407n]));
    const rank0 = filledTensor('float32', 958, []);
    expect(rank0.dims).toEqual([]);
    expect([...(rank0.data as Float32Array)]).toEqual([958]);
    expect(filledTensor('int64', 958, [2]).data).toEqual(BigInt64Array.from([958n, 958n]));
  });

  it('refuses data whose length does not match the dims', () => {
    expect(() => floatTensor('float32', new Float32Array(3), [2, 2])).toThrow(/dims/);
  });
});

describe('ORT error mapping', () => {
  it('maps allocation failures to OutOfMemory, missing files to ModelMissing, the rest to Inference', () => {
    expect(mapOrtError(new Error('[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : Failed to allocate memory for requested buffer of size 123'), 'unet').kind).toBe('OutOfMemory');
    expect(mapOrtError(new Error('CUDA failure 2: out of memory'), 'unet').kind).toBe('OutOfMemory');
    expect(mapOrtError(new Error("Load model from /x/unet.onnx failed:Load model /x/unet.onnx failed. File doesn't exist"), 'unet').kind).toBe('ModelMissing');
    const other = mapOrtError(new Error('Got invalid dimensions for input: sample'), 'unet');
    expect(other.kind).toBe('Inference');
    expect(other.message).toContain('unet: Got invalid dimensions');
  });
});
