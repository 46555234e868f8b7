import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { ONNX_FLOAT, ONNX_FLOAT16, type InitializerRef, type OnnxFile } from './onnx-file.ts';
import { concat, lengthDelimited, stringField, varintField } from './wire.ts';

/** Offsets in the data file are 64-byte aligned so ORT can map tensors without copying. */
const ALIGN = 64;
/**
 * Tensors under 1 KiB stay inside the graph, as onnx.save_model does: shape inference must read
 * constants such as Reshape targets, and ORT cannot read those from external data.
 */
const INLINE_BELOW = 1024;

export interface NewInitializer {
  name: string;
  dims: number[];
  dataType: typeof ONNX_FLOAT | typeof ONNX_FLOAT16;
  values: Float32Array;
}

export interface RewriteOptions {
  /** New values (in the initializer's own layout and shape) or null to keep the stored bytes. */
  patch?: (init: InitializerRef) => Promise<Float32Array | null>;
  /** Whole graph fields (as encoded by graph-fields.ts) replacing the node at that field index. */
  replaceFields?: Map<number, Uint8Array>;
  /** Whole graph fields appended after the existing ones (new nodes, inputs). */
  appendFields?: Uint8Array[];
  addInitializers?: NewInitializer[];
  onBytes?: (n: number) => void;
}

export interface RewriteResult {
  onnxBytes: number;
  dataBytes: number;
  patched: number;
}

/**
 * Writes `src` as `destPath` with every raw weight moved to `<dir>/<dataFile>` (ONNX external
 * data). Weights stream one tensor at a time, so memory holds the graph plus one tensor; every
 * graph field this code does not touch is copied byte for byte.
 */
export async function rewriteOnnx(src: OnnxFile, destPath: string, dataFile: string, opts: RewriteOptions = {}): Promise<RewriteResult> {
  const data = await open(join(dirname(destPath), dataFile), 'w');
  const out = new DataWriter(data, dataFile, opts.onBytes);
  const inits = new Map([...src.initializers.values()].map((i) => [i.fieldIndex, i]));
  const parts: Uint8Array[] = [];
  let patched = 0;
  try {
    for (let i = 0; i < src.graphFields.length; i++) {
      const f = src.graphFields[i]!;
      const replaced = opts.replaceFields?.get(i);
      const init = inits.get(i);
      if (replaced) parts.push(replaced);
      else if (init && init.source.kind !== 'typed') {
        const values = opts.patch ? await opts.patch(init) : null;
        if (values) patched += 1;
        const small = init.byteLength < INLINE_BELOW;
        if (!values && small && init.source.kind === 'raw') parts.push(src.bytes.subarray(f.start, f.end));
        else {
          const bytes = values ? encodeValues(values, init.dataType, init.name) : await src.readRaw(init);
          parts.push(small ? inlineTensor(init.name, init.dims, init.dataType, bytes) : await out.tensor(init.name, init.dims, init.dataType, bytes));
        }
      } else parts.push(src.bytes.subarray(f.start, f.end));
    }
    for (const extra of opts.appendFields ?? []) parts.push(extra);
    for (const n of opts.addInitializers ?? []) parts.push(await out.tensor(n.name, n.dims, n.dataType, encodeValues(n.values, n.dataType, n.name)));
  } finally {
    await data.close();
  }
  const graph = lengthDelimited(7, concat(parts));
  const model = concat(src.modelFields.map((f, i) => (i === src.graphFieldIndex ? graph : src.bytes.subarray(f.start, f.end))));
  await writeFile(destPath, model);
  return { onnxBytes: model.length, dataBytes: out.offset, patched };
}

export function encodeValues(values: Float32Array, dataType: number, name: string): Buffer {
  if (dataType === ONNX_FLOAT) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (dataType === ONNX_FLOAT16) {
    const h = toFloat16Array(values);
    return Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  }
  throw new Error(`initializer ${name}: cannot write weights of ONNX data type ${dataType}`);
}

function inlineTensor(name: string, dims: number[], dataType: number, bytes: Buffer): Uint8Array {
  return lengthDelimited(5, concat([...dims.map((d) => varintField(1, d)), varintField(2, dataType), stringField(8, name), lengthDelimited(9, bytes)]));
}

class DataWriter {
  offset = 0;
  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    private readonly onBytes?: (n: number) => void,
  ) {}

  /** Appends the bytes and returns the TensorProto field that points at them. */
  async tensor(name: string, dims: number[], dataType: number, bytes: Buffer): Promise<Uint8Array> {
    const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
    if (pad) await this.fh.write(Buffer.alloc(pad), 0, pad, this.offset);
    this.offset += pad;
    const at = this.offset;
    let done = 0;
    while (done < bytes.length) done += (await this.fh.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
    this.offset += bytes.length;
    this.onBytes?.(bytes.length);
    const entry = (k: string, v: string): Uint8Array => lengthDelimited(13, concat([stringField(1, k), stringField(2, v)]));
    const tensor = concat([
      ...dims.map((d) => varintField(1, d)),
      varintField(2, dataType),
      stringField(8, name),
      entry('location', this.file),
      entry('offset', String(at)),
      entry('length', String(bytes.length)),
      varintField(14, 1),
    ]);
    return lengthDelimited(5, tensor);
  }
}
