import { open, type FileHandle } from 'node:fs/promises';
import type { BytePool } from '../onnx-edit/byte-pool.ts';
import { float16Table } from '../../workers/onnx/float16.ts';
import { headerLength, parseHeader, SafetensorsError, type SafetensorsHeader, type TensorInfo } from './safetensors-header.ts';

/**
 * A local .safetensors file opened for random access. Only the header is held in memory; each
 * tensor is read on request with one positioned read, so a 7 GB checkpoint streams through a
 * converter one tensor at a time.
 */
export class SafetensorsFile {
  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly fh: FileHandle,
    private readonly header: SafetensorsHeader,
  ) {}

  static async open(path: string): Promise<SafetensorsFile> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const prefix = Buffer.alloc(8);
      await fh.read(prefix, 0, 8, 0);
      const n = headerLength(path, prefix, size);
      const json = Buffer.alloc(n);
      const { bytesRead } = await fh.read(json, 0, n, 8);
      if (bytesRead !== n) throw new SafetensorsError(path, `truncated: read ${bytesRead} of ${n} header bytes`);
      return new SafetensorsFile(path, size, fh, parseHeader(path, json, size));
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get tensors(): ReadonlyMap<string, TensorInfo> {
    return this.header.tensors;
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  info(name: string): TensorInfo {
    const t = this.header.tensors.get(name);
    if (!t) throw new SafetensorsError(this.path, `no tensor named "${name}"`);
    return t;
  }

  /**
   * The tensor's bytes exactly as stored (little-endian), in a buffer of its own that starts at
   * offset 0 of its ArrayBuffer, so typed-array views read it without another copy.
   */
  async readRaw(name: string, pool?: BytePool): Promise<Buffer> {
    const t = this.info(name);
    const buf = pool ? pool.take(t.byteLength) : Buffer.allocUnsafeSlow(t.byteLength);
    let done = 0;
    while (done < t.byteLength) {
      const { bytesRead } = await this.fh.read(buf, done, t.byteLength - done, t.start + done);
      if (bytesRead === 0) throw new SafetensorsError(this.path, `truncated: tensor "${name}" ends past the end of the file`);
      done += bytesRead;
    }
    return buf;
  }

  /** The tensor as float32, converting F16/BF16/F64 (and integer types, for alpha scalars). */
  async readFloat32(name: string): Promise<Float32Array> {
    const t = this.info(name);
    return toFloat32(t, await this.readRaw(name));
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** A view of `raw` as `T` when its offset allows one, else a copy into a fresh aligned buffer. */
function view<T>(raw: Buffer, bytesPer: number, make: (ab: ArrayBufferLike, offset: number, length: number) => T): T {
  if (raw.byteOffset % bytesPer === 0) return make(raw.buffer, raw.byteOffset, raw.byteLength / bytesPer);
  const ab = new ArrayBuffer(raw.byteLength);
  new Uint8Array(ab).set(raw);
  return make(ab, 0, raw.byteLength / bytesPer);
}

/** Converts one tensor's stored bytes to float32. F32 is returned as a view of `raw` (no copy). */
export function toFloat32(t: TensorInfo, raw: Buffer): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  switch (t.dtype) {
    case 'F32':
      return view(raw, 4, (b, o, l) => new Float32Array(b, o, l));
    case 'F16': {
      const bits = view(raw, 2, (b, o, l) => new Uint16Array(b, o, l));
      const table = float16Table();
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[bits[i]!]!;
      return out;
    }
    case 'BF16': {
      const bits = view(raw, 2, (b, o, l) => new Uint16Array(b, o, l));
      const out = new Float32Array(n);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = bits[i]! << 16;
      return out;
    }
    case 'F64':
      return new Float32Array(view(raw, 8, (b, o, l) => new Float64Array(b, o, l)));
    case 'I8':
      return new Float32Array(new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    case 'U8':
    case 'BOOL':
      return new Float32Array(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
    case 'I16':
      return new Float32Array(view(raw, 2, (b, o, l) => new Int16Array(b, o, l)));
    case 'I32':
      return new Float32Array(view(raw, 4, (b, o, l) => new Int32Array(b, o, l)));
    case 'I64': {
      const big = view(raw, 8, (b, o, l) => new BigInt64Array(b, o, l));
      const out = new Float32Array(big.length);
      for (let i = 0; i < big.length; i++) out[i] = Number(big[i]!);
      return out;
    }
  }
}
