import { ATTR_TYPE } from '../test-pack/onnx-proto.ts';
import { concat, fields, lengthDelimited, stringField, varintField } from '../onnx-edit/wire.ts';

type Attr = { i: number } | { f: number } | { ints: number[] };

/** An encoded graph field (GraphProto.node = 1) holding one NodeProto. */
export function nodeField(opType: string, name: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}): Uint8Array {
  const attrBytes = Object.entries(attrs).map(([k, v]) => {
    let body: Uint8Array[];
    if ('i' in v) body = [stringField(1, k), varintField(3, nonNegative(v.i)), varintField(20, ATTR_TYPE.int)];
    else if ('f' in v) {
      const b = new Uint8Array(5);
      b[0] = (2 << 3) | 5;
      new DataView(b.buffer).setFloat32(1, v.f, true);
      body = [stringField(1, k), b, varintField(20, ATTR_TYPE.float)];
    } else body = [stringField(1, k), ...v.ints.map((x) => varintField(8, nonNegative(x))), varintField(20, ATTR_TYPE.ints)];
    return lengthDelimited(5, concat(body));
  });
  return lengthDelimited(1, concat([...inputs.map((i) => stringField(1, i)), ...outputs.map((o) => stringField(2, o)), stringField(3, name), stringField(4, opType), ...attrBytes]));
}

/** A graph input (GraphProto.input = 11): float tensor with symbolic or fixed dims. */
export function floatInputField(name: string, dims: Array<number | string>): Uint8Array {
  const dim = dims.map((d) => lengthDelimited(1, typeof d === 'number' ? varintField(1, d) : stringField(2, d)));
  const tensorType = concat([varintField(1, 1), lengthDelimited(2, concat(dim))]);
  return lengthDelimited(11, concat([stringField(1, name), lengthDelimited(2, lengthDelimited(1, tensorType))]));
}

/** The node's bytes with input `from` renamed to `to`; every other byte is kept as is. */
export function renameNodeInput(bytes: Uint8Array, end: number, payloadStart: number, from: string, to: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes, payloadStart, end)) {
    const raw = bytes.subarray(f.start, f.end);
    if (f.field === 1 && f.wireType === 2 && Buffer.from(bytes.subarray(f.payloadStart, f.end)).toString('utf8') === from) parts.push(stringField(1, to));
    else parts.push(raw);
  }
  return lengthDelimited(1, concat(parts));
}

/** Negative attribute values would need 64-bit two's complement varints; the surgery never uses them. */
function nonNegative(v: number): number {
  if (v < 0 || !Number.isSafeInteger(v)) throw new Error(`attribute value ${v} must be a non-negative integer here`);
  return v;
}

/** An inline int64 initializer (GraphProto.initializer = 5), e.g. a Reshape target. */
export function int64InitField(name: string, values: number[]): Uint8Array {
  const raw = new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
  return lengthDelimited(5, concat([varintField(1, values.length), varintField(2, 7), stringField(8, name), lengthDelimited(9, raw)]));
}
