import { open, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { AppError } from '../../main/core/app-error.ts';
import { DT, ModelProtoType, num, type Model, type Tensor } from './onnx-schema.ts';

/**
 * Read / modify / write ONNX models in JS, external data included. Shared by the fp16
 * converter (models/convert) and anything else that edits initializers.
 */
export async function readModel(path: string): Promise<Model> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new AppError('NotFound', `cannot read ONNX model ${path}: ${(err as Error).message}`, { file: path });
  }
  let model: Model;
  try {
    model = ModelProtoType.decode(bytes) as unknown as Model;
  } catch (err) {
    throw new AppError('BadInput', `${path} is not an ONNX model: ${(err as Error).message}`, { file: path });
  }
  if (!model.graph) throw new AppError('BadInput', `${path} has no graph`, { file: path });
  for (const [what, list] of [['training info', model.trainingInfo], ['functions', model.functions], ['sparse initializers', model.graph.sparseInitializer], ['quantization annotations', model.graph.quantizationAnnotation]] as const) {
    if (list?.length) throw new AppError('BadInput', `${path} has ${what}, which this tool does not rewrite`, { file: path });
  }
  return model;
}

export function encodeModel(model: Model): Uint8Array {
  return ModelProtoType.encode(model as unknown as Record<string, unknown>).finish();
}

export async function writeModel(path: string, model: Model): Promise<void> {
  await writeFile(path, encodeModel(model));
}

export const isExternal = (t: Tensor): boolean => t.dataLocation === 1;

export function externalInfo(t: Tensor): { location: string; offset: number; length: number | undefined } {
  const get = (k: string): string | undefined => t.externalData?.find((e) => e.key === k)?.value;
  const location = get('location');
  if (!location) throw new AppError('BadInput', `tensor ${t.name} is stored externally but names no file`);
  const len = get('length');
  return { location, offset: Number(get('offset') ?? 0), length: len === undefined ? undefined : Number(len) };
}

/** Element count from the tensor's dims. */
export const elementCount = (t: Tensor): number => t.dims.reduce<number>((a, d) => a * num(d), 1);

/**
 * The tensor's little-endian bytes, wherever they are: raw_data, the typed repeated fields, or an
 * external data file next to the model (paths outside the model's folder are refused).
 */
export async function tensorBytes(t: Tensor, modelDir: string): Promise<Uint8Array> {
  if (isExternal(t)) {
    const info = externalInfo(t);
    const rel = normalize(info.location);
    if (isAbsolute(rel) || rel.startsWith('..')) throw new AppError('BadInput', `tensor ${t.name} points outside the model folder (${info.location})`);
    const file = join(modelDir, rel);
    const fh = await open(file, 'r');
    try {
      const length = info.length ?? elementCount(t) * bytesPerElement(t.dataType);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, info.offset);
      if (bytesRead !== length) throw new AppError('BadInput', `${file}: tensor ${t.name} wants ${length} bytes at ${info.offset}, file ends early`, { file });
      return buf;
    } finally {
      await fh.close();
    }
  }
  if (t.rawData && t.rawData.length) return t.rawData;
  if (t.dataType === DT.FLOAT && t.floatData?.length) return new Uint8Array(Float32Array.from(t.floatData).buffer);
  if (t.dataType === DT.DOUBLE && t.doubleData?.length) return new Uint8Array(Float64Array.from(t.doubleData).buffer);
  if (t.dataType === DT.FLOAT16 && t.int32Data?.length) return new Uint8Array(Uint16Array.from(t.int32Data).buffer);
  if (t.dataType === DT.INT64 && t.int64Data?.length) return new Uint8Array(BigInt64Array.from(t.int64Data, (v) => BigInt(num(v))).buffer);
  if (t.dataType === DT.INT32 && t.int32Data?.length) return new Uint8Array(Int32Array.from(t.int32Data).buffer);
  return new Uint8Array(0);
}

export function bytesPerElement(dt: number): number {
  switch (dt) {
    case DT.FLOAT:
    case DT.INT32:
      return 4;
    case DT.FLOAT16:
    case DT.BFLOAT16:
      return 2;
    case DT.INT64:
    case DT.DOUBLE:
      return 8;
    default:
      return 1;
  }
}

/** Replaces a tensor's payload with inline raw bytes of a new type (clears every other store). */
export function setInline(t: Tensor, dataType: number, bytes: Uint8Array): void {
  t.dataType = dataType;
  t.rawData = bytes;
  t.floatData = [];
  t.int32Data = [];
  t.int64Data = [];
  t.doubleData = [];
  t.externalData = [];
  t.dataLocation = 0;
}

export function setExternal(t: Tensor, dataType: number, location: string, offset: number, length: number): void {
  setInline(t, dataType, new Uint8Array(0));
  t.dataLocation = 1;
  t.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) },
  ];
}

export const modelDirOf = (path: string): string => dirname(path);
