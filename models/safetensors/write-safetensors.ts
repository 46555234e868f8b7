import { open } from 'node:fs/promises';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { DTYPE_BYTES, type SafetensorsDtype } from './safetensors-header.ts';

export interface TensorToWrite {
  name: string;
  shape: number[];
  dtype: 'F32' | 'F16' | 'BF16';
  values: ArrayLike<number>;
}

/**
 * Writes a .safetensors file (tests, benchmarks and LoRA storage). Data is laid out in the
 * given order with the header padded to 8 bytes, as the reference implementation does.
 */
export async function writeSafetensors(path: string, tensors: TensorToWrite[], metadata: Record<string, string> = {}): Promise<void> {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const t of tensors) {
    const len = t.values.length * DTYPE_BYTES[t.dtype as SafetensorsDtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + len] };
    offset += len;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const fh = await open(path, 'w');
  try {
    await fh.write(Buffer.concat([prefix, Buffer.from(json)]));
    for (const t of tensors) await fh.write(encode(t));
  } finally {
    await fh.close();
  }
}

export function encode(t: Pick<TensorToWrite, 'dtype' | 'values'>): Buffer {
  if (t.dtype === 'F32') {
    const f = Float32Array.from(t.values);
    return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  }
  if (t.dtype === 'F16') {
    const h = toFloat16Array(t.values);
    return Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  }
  // BF16: the top half of the float32 bits, rounded to nearest even.
  const f = Float32Array.from(t.values);
  const u = new Uint32Array(f.buffer);
  const out = new Uint16Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const x = u[i] ?? 0;
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return Buffer.from(out.buffer);
}
