import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { BytePool } from './byte-pool.ts';
import { float16Table } from '../../workers/onnx/float16.ts';
import { fields, readVarint, type WireField } from './wire.ts';

/** onnx.TensorProto.DataType → bytes per element (the types weights come in). */
export const ONNX_ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 16: 2 };
export const ONNX_FLOAT = 1;
export const ONNX_FLOAT16 = 10;

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;

export type InitializerSource = { kind: 'raw'; offset: number } | { kind: 'external'; file: string; offset: number } | { kind: 'typed' };

export interface InitializerRef {
  name: string;
  dims: number[];
  dataType: number;
  byteLength: number;
  source: InitializerSource;
  /** Index of the field within the graph message (for rewriting). */
  fieldIndex: number;
}

export interface NodeRef {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  /** Integer attributes (num_heads, transB, axis…). */
  intAttrs: Record<string, number>;
  fieldIndex: number;
}

/**
 * One ONNX file held as bytes plus an index of its graph: nodes (names, ops, wiring) and
 * initializers (where each weight's bytes live, inline or in external data). Nothing is
 * decoded that is not needed, and rewriting copies every other byte verbatim.
 */
export class OnnxFile {
  /** External data files held open by withDataOpen(), by path. */
  private held: Map<string, Promise<FileHandle>> | null = null;

  private constructor(
    readonly path: string,
    readonly bytes: Uint8Array,
    readonly modelFields: WireField[],
    readonly graphFieldIndex: number,
    readonly graphFields: WireField[],
    readonly nodes: NodeRef[],
    readonly initializers: Map<string, InitializerRef>,
    readonly inputNames: string[],
  ) {}

  static async read(path: string): Promise<OnnxFile> {
    const bytes = new Uint8Array(await readFile(path));
    let modelFields: WireField[];
    try {
      modelFields = fields(bytes);
    } catch (err) {
      throw new Error(`${path} is not an ONNX model: ${(err as Error).message}`);
    }
    const graphFieldIndex = modelFields.findIndex((f) => f.field === MODEL_GRAPH && f.wireType === 2);
    const g = modelFields[graphFieldIndex];
    if (!g) throw new Error(`${path} is not an ONNX model: it has no graph`);
    const graphFields = fields(bytes, g.payloadStart, g.end);
    const nodes: NodeRef[] = [];
    const initializers = new Map<string, InitializerRef>();
    const inputNames: string[] = [];
    const dir = dirname(path);
    graphFields.forEach((f, i) => {
      if (f.field === GRAPH_NODE) nodes.push(parseNode(bytes, f, i));
      else if (f.field === GRAPH_INITIALIZER) {
        const init = parseTensor(bytes, f, i, dir, path);
        initializers.set(init.name, init);
      } else if (f.field === GRAPH_INPUT) inputNames.push(parseName(bytes, f));
    });
    return new OnnxFile(path, bytes, modelFields, graphFieldIndex, graphFields, nodes, initializers, inputNames);
  }

  /**
   * The initializer's bytes (raw little-endian), read from wherever they are stored, in a buffer
   * of their own at offset 0 (so typed-array views need no copy).
   */
  async readRaw(init: InitializerRef, pool?: BytePool): Promise<Buffer> {
    const src = init.source;
    if (src.kind === 'raw') return Buffer.from(this.bytes.subarray(src.offset, src.offset + init.byteLength));
    if (src.kind === 'typed') throw new Error(`${this.path}: initializer ${init.name} stores typed values, not raw data`);
    const held = this.held?.get(src.file);
    const fh = held ? await held : await open(src.file, 'r');
    try {
      const buf = pool ? pool.take(init.byteLength) : Buffer.allocUnsafeSlow(init.byteLength);
      let done = 0;
      while (done < init.byteLength) {
        const { bytesRead } = await fh.read(buf, done, init.byteLength - done, src.offset + done);
        if (bytesRead === 0) throw new Error(`${src.file}: external data for ${init.name} is truncated`);
        done += bytesRead;
      }
      return buf;
    } finally {
      if (!held) await fh.close();
    }
  }

  /**
   * Runs `fn` with the external data files held open, so each readRaw issues its read at once.
   * Why: a read that first awaits an open() is only issued on the event loop's next turn, and
   * during a rewrite that turn comes after the (synchronous) LoRA kernel of the tensor before:
   * the read-ahead did not read ahead (measured: a 108 MB fp16 bake idle ≈ 100 ms of 250).
   */
  async withDataOpen<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held) return fn();
    const held = new Map<string, Promise<FileHandle>>();
    for (const init of this.initializers.values()) if (init.source.kind === 'external' && !held.has(init.source.file)) held.set(init.source.file, open(init.source.file, 'r'));
    for (const h of held.values()) h.catch(() => undefined); // a missing file fails the read that needs it, with its name
    this.held = held;
    try {
      return await fn();
    } finally {
      this.held = null;
      await Promise.all([...held.values()].map(async (h) => (await h.catch(() => null))?.close()));
    }
  }

  async readFloat32(init: InitializerRef): Promise<Float32Array> {
    if (init.dataType !== ONNX_FLOAT && init.dataType !== ONNX_FLOAT16) throw new Error(`${this.path}: initializer ${init.name} has data type ${init.dataType}, not float32/float16`);
    const raw = await this.readRaw(init);
    const ab = raw.byteOffset % 4 === 0 ? raw.buffer : new Uint8Array(raw).buffer;
    const offset = raw.byteOffset % 4 === 0 ? raw.byteOffset : 0;
    if (init.dataType === ONNX_FLOAT) return new Float32Array(ab, offset, raw.byteLength / 4);
    const bits = new Uint16Array(ab, offset, raw.byteLength / 2);
    const table = float16Table();
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]!]!;
    return out;
  }

  /** Nodes that read `value`. */
  consumers(value: string): NodeRef[] {
    return this.nodes.filter((n) => n.input.includes(value));
  }

  producer(value: string): NodeRef | undefined {
    return this.nodes.find((n) => n.output.includes(value));
  }
}

function parseName(bytes: Uint8Array, f: WireField): string {
  for (const sub of fields(bytes, f.payloadStart, f.end)) if (sub.field === 1 && sub.wireType === 2) return text(bytes, sub);
  return '';
}

function parseNode(bytes: Uint8Array, f: WireField, fieldIndex: number): NodeRef {
  const node: NodeRef = { name: '', opType: '', domain: '', input: [], output: [], intAttrs: {}, fieldIndex };
  for (const sub of fields(bytes, f.payloadStart, f.end)) {
    if (sub.wireType !== 2) continue;
    if (sub.field === 5) {
      let key = '';
      let value: number | undefined;
      for (const a of fields(bytes, sub.payloadStart, sub.end)) {
        if (a.field === 1 && a.wireType === 2) key = text(bytes, a);
        if (a.field === 3 && a.wireType === 0) value = readVarint(bytes, a.payloadStart).value;
      }
      if (value !== undefined) node.intAttrs[key] = value;
      continue;
    }
    if (sub.field === 1) node.input.push(text(bytes, sub));
    else if (sub.field === 2) node.output.push(text(bytes, sub));
    else if (sub.field === 3) node.name = text(bytes, sub);
    else if (sub.field === 4) node.opType = text(bytes, sub);
    else if (sub.field === 7) node.domain = text(bytes, sub);
  }
  return node;
}

function parseTensor(bytes: Uint8Array, f: WireField, fieldIndex: number, dir: string, path: string): InitializerRef {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let raw: WireField | undefined;
  const external: Record<string, string> = {};
  let location = 0;
  for (const sub of fields(bytes, f.payloadStart, f.end)) {
    if (sub.field === 1 && sub.wireType === 0) dims.push(readVarint(bytes, sub.payloadStart).value);
    else if (sub.field === 1 && sub.wireType === 2) {
      for (let p = sub.payloadStart; p < sub.end; ) {
        const v = readVarint(bytes, p);
        dims.push(v.value);
        p = v.pos;
      }
    } else if (sub.field === 2) dataType = readVarint(bytes, sub.payloadStart).value;
    else if (sub.field === 8) name = text(bytes, sub);
    else if (sub.field === 9) raw = sub;
    else if (sub.field === 13) {
      let k = '';
      let v = '';
      for (const e of fields(bytes, sub.payloadStart, sub.end)) {
        if (e.field === 1) k = text(bytes, e);
        if (e.field === 2) v = text(bytes, e);
      }
      external[k] = v;
    } else if (sub.field === 14) location = readVarint(bytes, sub.payloadStart).value;
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  const byteLength = elements * (ONNX_ELEMENT_BYTES[dataType] ?? 0);
  let source: InitializerSource = { kind: 'typed' };
  if (location === 1) {
    const rel = external.location ?? '';
    // An external path must stay inside the model's folder (ORT enforces the same).
    const full = normalize(join(dir, rel));
    if (!rel || isAbsolute(rel) || !full.startsWith(normalize(dir) + sep)) throw new Error(`${path}: initializer ${name} points at external data outside its folder (${rel})`);
    const len = external.length !== undefined ? Number(external.length) : byteLength;
    if (len !== byteLength) throw new Error(`${path}: initializer ${name} has ${len} external bytes, its shape needs ${byteLength}`);
    source = { kind: 'external', file: full, offset: Number(external.offset ?? 0) };
  } else if (raw) {
    const rawLen = raw.end - raw.payloadStart;
    if (rawLen !== byteLength) throw new Error(`${path}: initializer ${name} has ${rawLen} raw bytes, its shape needs ${byteLength}`);
    source = { kind: 'raw', offset: raw.payloadStart };
  }
  return { name, dims, dataType, byteLength, source, fieldIndex };
}

function text(bytes: Uint8Array, f: WireField): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + f.payloadStart, f.end - f.payloadStart).toString('utf8');
}
