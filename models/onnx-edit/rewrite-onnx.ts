import { open, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { toFloat16Array } from '../../workers/onnx/float16.ts';
import { BytePool } from './byte-pool.ts';
import { ReadAhead } from './read-ahead.ts';
import { ONNX_FLOAT, ONNX_FLOAT16, type InitializerRef, type OnnxFile } from './onnx-file.ts';
import { concat, lengthDelimited, stringField, varintField } from './wire.ts';

/**
 * Bytes of tensors read ahead or waiting to be written, at most (plus one tensor when a single
 * one is larger): a few SDXL weights, whatever the size of the model.
 */
const PIPELINE_BYTES = 32 * 1024 * 1024;

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
 * data). Weights stream through in graph order, so memory holds the graph plus the tensors within
 * PIPELINE_BYTES; every graph field this code does not touch is copied byte for byte.
 */
export async function rewriteOnnx(src: OnnxFile, destPath: string, dataFile: string, opts: RewriteOptions = {}): Promise<RewriteResult> {
  return src.withDataOpen(() => rewriteStreaming(src, destPath, dataFile, opts));
}

/**
 * One pool for every rewrite in the process: a bake's buffers are wasm memories whose pages the
 * next bake reuses instead of faulting in fresh ones (the pool drops them when idle).
 */
const POOL = new BytePool();

async function rewriteStreaming(src: OnnxFile, destPath: string, dataFile: string, opts: RewriteOptions): Promise<RewriteResult> {
  const data = await open(join(dirname(destPath), dataFile), 'w');
  const pool = POOL;
  const out = new DataWriter(data, dataFile, pool, opts.onBytes);
  const inits = new Map([...src.initializers.values()].map((i) => [i.fieldIndex, i]));
  // The stored initializers in graph order, prepared (read, patched) ahead of the one being
  // placed while earlier ones are written, within PIPELINE_BYTES.
  const stored = src.graphFields.map((_, i) => i).filter((i) => !opts.replaceFields?.has(i) && inits.get(i) !== undefined && inits.get(i)!.source.kind !== 'typed');
  const reads = new ReadAhead(
    stored.map((i) => inits.get(i)!.byteLength),
    (k) => prepare(src, inits.get(stored[k]!)!, pool, opts.patch),
    PIPELINE_BYTES,
  );
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
        const prepared = await reads.take(next++, () => out.flush());
        const release = (): void => reads.release(init.byteLength);
        if (prepared.patched) patched += 1;
        if (prepared.bytes === null) {
          parts.push(src.bytes.subarray(f.start, f.end));
          release();
        } else if (init.byteLength < INLINE_BELOW) {
          parts.push(inlineTensor(init.name, init.dims, init.dataType, prepared.bytes));
          release();
        } else parts.push(out.tensor(init.name, init.dims, init.dataType, prepared.bytes, prepared.owned, release));
      } else parts.push(src.bytes.subarray(f.start, f.end));
      out.check();
    }
    for (const extra of opts.appendFields ?? []) parts.push(extra);
    for (const n of opts.addInitializers ?? []) {
      parts.push(out.tensor(n.name, n.dims, n.dataType, encodeValues(n.values, n.dataType, n.name)));
      // Added tensors are encoded here, not read ahead: one at a time.
      await out.settle();
      out.check();
    }
    await out.finish();
  } finally {
    await reads.settle();
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
 * caller reads and converts the next ones. Writes run one after another, in order; the caller
 * bounds how many are pending (each reports when its bytes are written). Alignment gaps are left
 * as holes, which read back as zeros.
 */
class DataWriter {
  offset = 0;
  private gathered: Uint8Array[] = [];
  private gatheredDone: Array<() => void> = [];
  private gatherStart = 0;
  private gatherEnd = 0;
  /** The last write queued; settles (never rejects) when every write before it is done. */
  private tail: Promise<void> = Promise.resolve();
  private failed: unknown = null;

  constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
    private readonly pool: BytePool,
    private readonly onBytes?: (n: number) => void,
  ) {}

  /**
   * Places the bytes (written soon, not yet) and returns the TensorProto field that points at
   * them. `owned` bytes go back to the pool once written; `written` runs then (also on failure).
   */
  tensor(name: string, dims: number[], dataType: number, bytes: Uint8Array, owned = false, written?: () => void): Uint8Array {
    const at = this.offset + ((ALIGN - (this.offset % ALIGN)) % ALIGN);
    this.offset = at + bytes.length;
    if (bytes.length < GATHER_BELOW) {
      if (this.gathered.length === 0) this.gatherStart = at;
      else if (at > this.gatherEnd) this.gathered.push(new Uint8Array(at - this.gatherEnd));
      this.gathered.push(bytes);
      if (written) this.gatheredDone.push(written);
      this.gatherEnd = this.offset;
      if (this.gatherEnd - this.gatherStart >= GATHER_FLUSH) this.flush();
    } else {
      // A gathered run must stay contiguous (only alignment padding inside it): write it first.
      this.flush();
      this.queue(bytes, at, owned, written ? [written] : []);
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

  /** Throws the first write error, if any. */
  check(): void {
    if (this.failed) throw this.failed;
  }

  /** Writes everything placed so far. */
  async finish(): Promise<void> {
    this.flush();
    await this.settle();
    this.check();
  }

  /** Waits for every queued write (also after an error elsewhere, before the file is closed). */
  async settle(): Promise<void> {
    await this.tail;
  }

  /** Queues the gathered small tensors as one write. */
  flush(): void {
    if (this.gathered.length === 0) return;
    const bytes = this.gathered.length === 1 ? this.gathered[0]! : concat(this.gathered);
    this.queue(bytes, this.gatherStart, false, this.gatheredDone);
    this.gathered = [];
    this.gatheredDone = [];
    this.gatherEnd = this.gatherStart = 0;
  }

  /** Writes run one after another, in order, without blocking the caller; the first error is kept. */
  private queue(bytes: Uint8Array, at: number, owned: boolean, done: Array<() => void>): void {
    this.tail = this.tail
      .then(async () => {
        if (!this.failed) await writeAll(this.fh, bytes, at);
        if (owned) this.pool.give(bytes);
      })
      .catch((err: unknown) => {
        this.failed ??= err;
      })
      .finally(() => {
        for (const d of done) d();
      });
  }
}

async function writeAll(fh: FileHandle, bytes: Uint8Array, at: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done, at + done)).bytesWritten;
}
