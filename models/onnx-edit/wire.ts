/**
 * Protocol-buffer wire format, just enough to walk an ONNX file without a schema: a message is
 * a list of fields, each kept as its original bytes so anything we do not understand (fields
 * added by newer ONNX versions, sparse initializers, functions, metadata) is copied verbatim.
 */
export interface WireField {
  field: number;
  wireType: number;
  /** The whole field: tag + length + payload, exactly as in the source. */
  start: number;
  end: number;
  /** Payload of a length-delimited field (wire type 2). */
  payloadStart: number;
}

export function readVarint(buf: Uint8Array, pos: number): { value: number; pos: number } {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated protobuf varint');
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return { value, pos };
    mul *= 128;
  }
  throw new Error('malformed protobuf varint');
}

/** Splits [start, end) of `buf` into top-level fields. */
export function fields(buf: Uint8Array, start = 0, end = buf.length): WireField[] {
  const out: WireField[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const tag = readVarint(buf, pos);
    pos = tag.pos;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value & 7;
    let payloadStart = pos;
    switch (wireType) {
      case 0:
        pos = readVarint(buf, pos).pos;
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = readVarint(buf, pos);
        payloadStart = len.pos;
        pos = len.pos + len.value;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${wireType} (field ${field})`);
    }
    if (pos > end) throw new Error(`protobuf field ${field} runs past the end of its message`);
    out.push({ field, wireType, start: fieldStart, end: pos, payloadStart });
  }
  return out;
}

export function varintBytes(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  return concat([varintBytes(field * 8 + 2), varintBytes(payload.length), payload]);
}

export function varintField(field: number, value: number): Uint8Array {
  return concat([varintBytes(field * 8), varintBytes(value)]);
}

export function stringField(field: number, value: string): Uint8Array {
  return lengthDelimited(field, new TextEncoder().encode(value));
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
