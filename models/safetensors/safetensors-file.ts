import { open, type FileHandle } from 'node:fs/promises';
import { float16BitsToFloat32 } from '../../workers/onnx/float16.ts';
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

  /** The tensor's bytes exactly as stored (little-endian). */
  async readRaw(name: string): Promise<Buffer> {
    const t = this.info(name);
    const buf = Buffer.allocUnsafe(t.byteLength);
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

let f16Table: Float32Array | null = null;

/** All 65536 half-precision values, so F16 → F32 is one lookup per element. */
function halfTable(): Float32Array {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) f16Table[i] = float16BitsToFloat32(i);
  }
  return f16Table;
}

/** Copies `raw` into a fresh aligned buffer so typed-array views can read it directly. */
function aligned(raw: Buffer): ArrayBuffer {
  const ab = new ArrayBuffer(raw.byteLength);
  new Uint8Array(ab).set(raw);
  return ab;
}

export function toFloat32(t: TensorInfo, raw: Buffer): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  switch (t.dtype) {
    case 'F32':
      return new Float32Array(aligned(raw));
    case 'F16': {
      const bits = new Uint16Array(aligned(raw));
      const table = halfTable();
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[bits[i] ?? 0] ?? 0;
      return out;
    }
    case 'BF16': {
      const bits = new Uint16Array(aligned(raw));
      const out = new Float32Array(n);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) u[i] = (bits[i] ?? 0) << 16;
      return out;
    }
    case 'F64':
      return Float32Array.from(new Float64Array(aligned(raw)));
    case 'I8':
      return Float32Array.from(new Int8Array(aligned(raw)));
    case 'U8':
    case 'BOOL':
      return Float32Array.from(raw);
    case 'I16':
      return Float32Array.from(new Int16Array(aligned(raw)));
    case 'I32':
      return Float32Array.from(new Int32Array(aligned(raw)));
    case 'I64':
      return Float32Array.from(new BigInt64Array(aligned(raw)), (v) => Number(v));
  }
}
