/**
 * The safetensors header (huggingface/safetensors format spec): 8-byte little-endian header
 * length N, then N bytes of UTF-8 JSON mapping tensor names to {dtype, shape, data_offsets}
 * (offsets relative to the byte after the header), plus an optional `__metadata__` string map.
 * Everything here is hostile input: sizes are bounded and every offset is checked before a
 * single tensor byte is read.
 */

/** The reference implementation refuses headers over 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export const DTYPE_BYTES = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 } as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte offset in the file (header included). */
  start: number;
  byteLength: number;
}

export interface SafetensorsHeader {
  /** Absolute offset of the first data byte (8 + header length). */
  dataStart: number;
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'SafetensorsError';
  }
}

/** Validates the header length field against the file size before anything is allocated. */
export function headerLength(file: string, prefix: Buffer, fileSize: number): number {
  if (fileSize < 8 || prefix.length < 8) throw new SafetensorsError(file, `not a safetensors file: ${fileSize} bytes is shorter than the 8-byte header length`);
  const n = prefix.readBigUInt64LE(0);
  if (n === 0n) throw new SafetensorsError(file, 'not a safetensors file: the header length is 0');
  if (n > BigInt(MAX_HEADER_BYTES)) throw new SafetensorsError(file, `not a safetensors file: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (Number(n) + 8 > fileSize) throw new SafetensorsError(file, `truncated: header length ${n} runs past the end of the ${fileSize}-byte file`);
  return Number(n);
}

/** Parses and checks the JSON header: dtypes, shapes, sizes, bounds and overlaps. */
export function parseHeader(file: string, json: Buffer, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + json.length;
  let raw: unknown;
  try {
    raw = JSON.parse(json.toString('utf8'));
  } catch (err) {
    throw new SafetensorsError(file, `corrupt header: not valid JSON (${(err as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new SafetensorsError(file, 'corrupt header: the JSON is not an object');
  const dataSize = fileSize - dataStart;
  const tensors = new Map<string, TensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(file, entry);
      continue;
    }
    tensors.set(name, parseEntry(file, name, entry, dataStart, dataSize));
  }
  checkOverlaps(file, [...tensors.values()]);
  return { dataStart, tensors, metadata };
}

function parseMetadata(file: string, entry: unknown): Record<string, string> {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new SafetensorsError(file, 'corrupt header: __metadata__ is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new SafetensorsError(file, `corrupt header: __metadata__.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

function parseEntry(file: string, name: string, entry: unknown, dataStart: number, dataSize: number): TensorInfo {
  const bad = (why: string): never => {
    throw new SafetensorsError(file, `corrupt header: tensor "${name}" ${why}`);
  };
  if (!entry || typeof entry !== 'object') bad('is not an object');
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) bad(`has unsupported dtype ${JSON.stringify(e.dtype)}`);
  const dtype = e.dtype as SafetensorsDtype;
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad('has an invalid shape');
  const shape = e.shape as number[];
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) bad('has invalid data_offsets');
  const [begin, end] = offsets as [number, number];
  if (end < begin) bad(`has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataSize) {
    throw new SafetensorsError(file, `out-of-range offsets: tensor "${name}" ends at data byte ${end} but the file holds ${dataSize} data bytes (truncated file?)`);
  }
  const elements = shape.reduce((a, b) => a * b, 1);
  const want = elements * DTYPE_BYTES[dtype];
  if (want !== end - begin) bad(`is ${end - begin} bytes but ${dtype}[${shape.join(', ')}] needs ${want}`);
  return { name, dtype, shape, start: dataStart + begin, byteLength: end - begin };
}

function checkOverlaps(file: string, list: TensorInfo[]): void {
  const sorted = list.filter((t) => t.byteLength > 0).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.start + prev.byteLength) {
      throw new SafetensorsError(file, `overlapping offsets: tensors "${prev.name}" and "${cur.name}" share bytes`);
    }
  }
}
