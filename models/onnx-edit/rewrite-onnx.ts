import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { BytePool } from './byte-pool.ts';
import { ONNX_FLOAT, ONNX_FLOAT16, type InitializerRef, type OnnxFile } from './onnx-file.ts';
import { concat, lengthDelimited, stringField, varintField } from './wire.ts';

/** Tensors at least this large count against the read-ahead (smaller ones ride along). */
const LARGE_BYTES = 1024 * 1024;
const LARGE_AHEAD = 1;

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

/**
 * A patched initializer: float32 values in its own layout and shape (encoded to its data type
 * on write), or its bytes already in its data type (a checkpoint tensor stored exactly as the
 * graph wants it is passed through without a conversion round trip). `owned`: the bytes came
 * from the rewrite's pool and nothing else references them, so they are recycled once written.
 */
export type PatchValues = Float32Array | { encoded: Uint8Array; owned?: boolean };

export interface RewriteOptions {
  /** New values for the initializer, or null to keep the stored bytes; `pool` lends large buffers. */
  patch?: (init: InitializerRef, pool: BytePool) => Promise<PatchValues | null>;
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
  const pool = new BytePool();
  const out = new DataWriter(data, dataFile, pool, opts.onBytes);
  const inits = new Map([...src.initializers.values()].map((i) => [i.fieldIndex, i]));
  // The stored initializers in graph order: their bytes are prepared ahead of the one being
  // placed, so reading and converting the next overlaps the write of the last.
  const stored = src.graphFields.map((_, i) => i).filter((i) => !opts.replaceFields?.has(i) && inits.get(i) !== undefined && inits.get(i)!.source.kind !== 'typed');
  const ahead = new Map<number, Promise<Prepared>>();
  const prepareAt = (k: number): void => {
    const i = stored[k];
    if (i === undefined || ahead.has(i)) return;
    const p = prepare(src, inits.get(i)!, pool, opts.patch);
    p.catch(() => undefined); // awaited in order below; this only keeps a failure ahead from being "unhandled"
    ahead.set(i, p);
  };
  const parts: Uint8Array[] = [];
  let patched = 0;
  let next = 0;
  try {
    for (let i = 0; i < src.graphFields.length; i++) {
      const f = src.graphFields[i]!;
      const replaced = opts.replaceFields?.get(i);
      const init = inits.get(i);
      if (replaced) parts.push(replaced);
      else if (init && init.source.kind !== 'typed') {
        // Up to and including the next LARGE_AHEAD large tensors: small ones (biases, norms)
        // sit between the large ones in graph order, and counting them starved the pipeline.
        prepareAt(next);
        for (let k = next + 1, large = 0; k < stored.length && large < LARGE_AHEAD; k++) {
          prepareAt(k);
          if (inits.get(stored[k]!)!.byteLength >= LARGE_BYTES) large++;
        }
        next += 1;
        const prepared = await ahead.get(i)!;
        ahead.delete(i);
        if (prepared.patched) patched += 1;
        if (prepared.bytes === null) parts.push(src.bytes.subarray(f.start, f.end));
        else if (init.byteLength < INLINE_BELOW) parts.push(inlineTensor(init.name, init.dims, init.dataType, prepared.bytes));
        else parts.push(out.tensor(init.name, init.dims, init.dataType, prepared.bytes, prepared.owned));
      } else parts.push(src.bytes.subarray(f.start, f.end));
      // Bounds memory: at most one tensor being prepared ahead and one being written.
      await out.drain();
    }
    for (const extra of opts.appendFields ?? []) parts.push(extra);
    for (const n of opts.addInitializers ?? []) {
      parts.push(out.tensor(n.name, n.dims, n.dataType, encodeValues(n.values, n.dataType, n.name)));
      await out.drain();
    }
    await out.finish();
  } finally {
    await Promise.all([...ahead.values()].map((p) => p.catch(() => undefined)));
    await out.settle();
    await data.close();
  }
  const graph = lengthDelimited(7, concat(parts));
  const model = concat(src.modelFields.map((f, i) => (i === src.graphFieldIndex ? graph : src.bytes.subarray(f.start, f.end))));
  await writeFile(destPath, model);
  return { onnxBytes: model.length, dataBytes: out.offset, patched };
}

/** One initializer's bytes for the new file; `bytes: null` keeps its field as it is (small, inline, unpatched). */
interface Prepared {
  bytes: Uint8Array | null;
  owned: boolean;
  patched: boolean;
}

async function prepare(src: OnnxFile, init: InitializerRef, pool: BytePool, patch: RewriteOptions['patch']): Promise<Prepared> {
  const values = patch ? await patch(init, pool) : null;
  if (values) return { bytes: patchBytes(values, init), owned: !(values instanceof Float32Array) && values.owned === true, patched: true };
  if (init.byteLength < INLINE_BELOW && init.source.kind === 'raw') return { bytes: null, owned: false, patched: false };
  return { bytes: await src.readRaw(init, pool), owned: true, patched: false };
}

function patchBytes(values: PatchValues, init: InitializerRef): Uint8Array {
  if (values instanceof Float32Array) return encodeValues(values, init.dataType, init.name);
  if (values.encoded.byteLength !== init.byteLength) throw new Error(`initializer ${init.name}: patched bytes are ${values.encoded.byteLength}, its shape and type need ${init.byteLength}`);
  return values.encoded;
}

export function encodeValues(values: Float32Array, dataType: number, name: string): Buffer {
  if (dataType === ONNX_FLOAT) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (dataType === ONNX_FLOAT16) {
    const h = toFloat16Array(values);
    return Buffer.from(h.buffer, h.byteOffset, h.byteLength);
  }
  throw new Error(`initializer ${name}: cannot write weights of ONNX data type ${dataType}`);
}

function inlineTensor(name: string, dims: number[], dataType: number, bytes: Uint8Array): Uint8Array {
  return lengthDelimited(5, concat([...dims.map((d) => varintField(1, d)), varintField(2, dataType), stringField(8, name), lengthDelimited(9, bytes)]));
}

/** Tensors below this are gathered into one write (a real UNet has thousands of biases and norms). */
const GATHER_BELOW = 1024 * 1024;
const GATHER_FLUSH = 8 * 1024 * 1024;

/**
 * Appends tensors to the external data file with few, large, positioned writes: small tensors are
 * gathered into one buffer, large ones are written straight from the caller's buffer while the
 * caller reads and converts the next one (at most one write in flight). Alignment gaps are left
 * as holes, which read back as zeros.
 */
class DataWriter {
  offset = 0;
  private gathered: Uint8Array[] = [];
  private gatherStart = 0;
  private gatherEnd = 0;
  /** Pending writes, oldest first; each settles (never rejects) when its bytes are written. */
  private writes: Array<Promise<void>> = [];
  private failed: unknown = null;

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    private readonly pool: BytePool,
    private readonly onBytes?: (n: number) => void,
  ) {}

  /**
   * Places the bytes (written soon, not yet) and returns the TensorProto field that points at
   * them. `owned` bytes go back to the pool once written.
   */
  tensor(name: string, dims: number[], dataType: number, bytes: Uint8Array, owned = false): Uint8Array {
    const at = this.offset + ((ALIGN - (this.offset % ALIGN)) % ALIGN);
    this.offset = at + bytes.length;
    if (bytes.length < GATHER_BELOW) {
      if (this.gathered.length === 0) this.gatherStart = at;
      else if (at > this.gatherEnd) this.gathered.push(new Uint8Array(at - this.gatherEnd));
      this.gathered.push(bytes);
      this.gatherEnd = this.offset;
    } else {
      // A gathered run must stay contiguous (only alignment padding inside it): write it first.
      this.flushGathered();
      this.queue(bytes, at, owned);
    }
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

  /** Waits until at most one write is pending (flushing the gathered small tensors when due). */
  async drain(): Promise<void> {
    if (this.gatherEnd - this.gatherStart >= GATHER_FLUSH) this.flushGathered();
    while (this.writes.length > 1) await this.writes.shift();
    if (this.failed) throw this.failed;
  }

  /** Writes everything placed so far. */
  async finish(): Promise<void> {
    this.flushGathered();
    await this.settle();
    if (this.failed) throw this.failed;
  }

  /** Waits for every started write (also after an error elsewhere, before the file is closed). */
  async settle(): Promise<void> {
    while (this.writes.length > 0) await this.writes.shift();
  }

  private flushGathered(): void {
    if (this.gathered.length === 0) return;
    const bytes = this.gathered.length === 1 ? this.gathered[0]! : concat(this.gathered);
    this.queue(bytes, this.gatherStart, false);
    this.gathered = [];
    this.gatherEnd = this.gatherStart = 0;
  }

  /** Writes run one after another, in order, without blocking the caller; the first error is kept. */
  private queue(bytes: Uint8Array, at: number, owned: boolean): void {
    const prev = this.writes[this.writes.length - 1] ?? Promise.resolve();
    this.writes.push(
      prev
        .then(async () => {
          if (!this.failed) await writeAll(this.fh, bytes, at);
          if (owned) this.pool.give(bytes);
        })
        .catch((err: unknown) => {
          this.failed ??= err;
        }),
    );
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, at: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
}
