import { WorkerError } from '../protocol.ts';
import { fromFloat16Array, toFloat16Array } from './float16.ts';
import { OrtTensorClass, type OrtTensor } from './ort.ts';

/** Float element types a model may declare for its float I/O. */
export type FloatDtype = 'float32' | 'float16';
export type IdDtype = 'int32' | 'int64';

/** Builds a float tensor in the dtype the model declares; the caller always works in fp32. */
export function floatTensor(dtype: FloatDtype, data: Float32Array, dims: readonly number[]): OrtTensor {
  checkSize(data.length, dims);
  if (dtype === 'float16') return new OrtTensorClass('float16', toFloat16Array(data), dims);
  return new OrtTensorClass('float32', data, dims);
}

/** Token ids as int32 or int64 (CLIP exports differ; read the dtype from inputMetadata). */
export function idTensor(dtype: IdDtype, ids: ArrayLike<number>, dims: readonly number[]): OrtTensor {
  checkSize(ids.length, dims);
  if (dtype === 'int32') return new OrtTensorClass('int32', Int32Array.from(ids), dims);
  const big = new BigInt64Array(ids.length);
  for (let i = 0; i < ids.length; i++) big[i] = BigInt(ids[i] ?? 0);
  return new OrtTensorClass('int64', big, dims);
}

/** A scalar or vector of one numeric value in any supported dtype (used for `timestep`). */
export function filledTensor(dtype: string, value: number, dims: readonly number[]): OrtTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case 'float32':
    case 'float16':
      return floatTensor(dtype, new Float32Array(n).fill(value), dims);
    case 'int32':
    case 'int64':
      return idTensor(dtype, new Array<number>(n).fill(Math.round(value)), dims);
    default:
      throw new WorkerError('Inference', `unsupported tensor dtype ${dtype}`);
  }
}

/** Reads any float/int tensor back as Float32Array (fp16 bits are decoded). */
export function tensorToFloat32(t: OrtTensor): Float32Array {
  const data: unknown = t.data;
  if (t.type === 'float32' && data instanceof Float32Array) return data;
  if (t.type === 'float16') {
    if (data instanceof Uint16Array) return fromFloat16Array(data);
    // Runtimes with a native Float16Array hand back real numbers.
    if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  }
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new WorkerError('Inference', `cannot read tensor of type ${t.type} as float32`);
}

function checkSize(length: number, dims: readonly number[]): void {
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== length) throw new WorkerError('Internal', `tensor data has ${length} elements but dims [${dims.join(',')}] need ${n}`);
}
