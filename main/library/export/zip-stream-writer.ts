import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Where the archive's bytes go: a file (FileHandle fits) or an HTTP response (export-download). */
export interface ZipSink {
  write(buf: Buffer, offset: number, length: number, position: null): Promise<{ bytesWritten: number }>;
}
import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';

const deflateRawAsync = promisify(deflateRaw);

/** Read/write unit for stored entries: big enough that per-chunk overhead vanishes, small enough to stay flat. */
export const ZIP_CHUNK_BYTES = 1 << 20;

const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const UT_EXTRA = 9;
const ZIP64_EXTRA = 28;
const VERSION_UTF8 = 20;
const VERSION_ZIP64 = 45;
const VERSION_MADE_BY = (3 << 8) | 63; // unix, spec 6.3
const FLAG_UTF8 = 1 << 11;
const FLAG_DATA_DESCRIPTOR = 1 << 3;
const STORED = 0;
const DEFLATED = 8;
const MODE = 0o100664;
const ZIP64_LIMIT = 0xfffffffe;

interface CentralEntry {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  mtime: Date;
}

export interface ZipEntryResult {
  sha256: string;
  bytes: number;
}

/**
 * Minimal streaming ZIP writer for the bulk export, producing the same layout yazl does (UTF-8
 * names, data descriptors for streamed entries, Info-ZIP UT timestamps, ZIP64 when needed).
 * Written in-house because yazl computes every entry's CRC-32 in JavaScript (~180 MB/s, the
 * export's bottleneck) and cannot take a precomputed one; here CRC-32 (node:zlib, native) and the
 * entry's sha256 come from the single read that also feeds the archive, and the archive's own
 * sha256 is taken from the bytes as they are written, so nothing is read twice.
 *
 * Memory is flat: at most one chunk is being written while the next is hashed, and only the
 * central directory (a few dozen bytes per entry) is kept until finish().
 */
export class ZipStreamWriter {
  private offset = 0;
  private readonly entries: CentralEntry[] = [];
  private readonly archiveHash = createHash('sha256');
  /** The write in flight; awaited before the next is issued, so writes stay ordered. */
  private inFlight: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(
    private readonly out: ZipSink,
    private readonly onBytes?: (n: number) => void,
  ) {}

  /**
   * Stores (method 0) the file open at `src`, streaming it in ZIP_CHUNK_BYTES reads with the next
   * read issued before the current chunk is hashed and written. `checkAbort` runs per chunk.
   */
  async addFile(name: string, src: FileHandle, mtime: Date, checkAbort?: () => void): Promise<ZipEntryResult> {
    const entry = this.newEntry(name, STORED, FLAG_DATA_DESCRIPTOR, mtime);
    await this.write(localHeader(entry));
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    const readChunk = async (): Promise<Buffer> => {
      const buf = Buffer.allocUnsafe(ZIP_CHUNK_BYTES);
      const { bytesRead } = await src.read(buf, 0, buf.length, null);
      return bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    };
    let next = readChunk();
    try {
      for (;;) {
        const chunk = await next;
        if (chunk.length === 0) break;
        next = readChunk();
        next.catch(() => undefined); // surfaced by the next await; avoids an unhandled rejection meanwhile
        checkAbort?.();
        hash.update(chunk);
        crc = crc32(chunk, crc);
        size += chunk.length;
        await this.write(chunk);
      }
    } finally {
      await next.catch(() => undefined); // never leave a read pending on a handle the caller closes
    }
    entry.crc = crc;
    entry.size = size;
    entry.compressedSize = size;
    await this.write(dataDescriptor(entry));
    this.entries.push(entry);
    return { sha256: hash.digest('hex'), bytes: size };
  }

  /** Adds an in-memory entry with known CRC and sizes (no data descriptor), deflated by default. */
  async addBuffer(name: string, data: Buffer, options: { compress?: boolean; mtime?: Date } = {}): Promise<void> {
    const compress = options.compress ?? true;
    const body = compress ? await deflateRawAsync(data, { level: 6 }) : data;
    const entry = this.newEntry(name, compress ? DEFLATED : STORED, 0, options.mtime ?? new Date());
    entry.crc = crc32(data);
    entry.size = data.length;
    entry.compressedSize = body.length;
    await this.write(localHeader(entry));
    await this.write(body);
    this.entries.push(entry);
  }

  /** Writes the central directory and end records; resolves once every byte is written. */
  async finish(): Promise<ZipEntryResult> {
    if (this.finished) throw new Error('zip already finished');
    this.finished = true;
    const cdStart = this.offset;
    for (const e of this.entries) await this.write(centralRecord(e));
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const zip64 = count >= 0xffff || cdSize >= 0xffffffff || cdStart >= 0xffffffff;
    if (zip64) {
      const eocd64 = Buffer.alloc(56);
      eocd64.writeUInt32LE(0x06064b50, 0);
      eocd64.writeBigUInt64LE(44n, 4);
      eocd64.writeUInt16LE(VERSION_MADE_BY, 12);
      eocd64.writeUInt16LE(VERSION_ZIP64, 14);
      eocd64.writeBigUInt64LE(BigInt(count), 24);
      eocd64.writeBigUInt64LE(BigInt(count), 32);
      eocd64.writeBigUInt64LE(BigInt(cdSize), 40);
      eocd64.writeBigUInt64LE(BigInt(cdStart), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([eocd64, locator]));
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(Math.min(count, 0xffff), 8);
    eocd.writeUInt16LE(Math.min(count, 0xffff), 10);
    eocd.writeUInt32LE(Math.min(cdSize, 0xffffffff), 12);
    eocd.writeUInt32LE(Math.min(cdStart, 0xffffffff), 16);
    await this.write(eocd);
    await this.inFlight;
    return { sha256: this.archiveHash.digest('hex'), bytes: this.offset };
  }

  /** Waits for the write in flight (if any); call before closing the file after a failure. */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  private newEntry(name: string, method: number, flags: number, mtime: Date): CentralEntry {
    if (this.finished) throw new Error('zip already finished');
    const utf8 = Buffer.from(name, 'utf8');
    if (utf8.length > 0xffff) throw new Error(`zip entry name too long: ${name}`);
    return { name: utf8, method, flags: FLAG_UTF8 | flags, crc: 0, compressedSize: 0, size: 0, offset: this.offset, mtime };
  }

  /** Hashes and counts buf now; queues its write behind the one in flight. */
  private async write(buf: Buffer): Promise<void> {
    await this.inFlight;
    this.archiveHash.update(buf);
    this.offset += buf.length;
    this.onBytes?.(buf.length);
    this.inFlight = writeAll(this.out, buf);
    this.inFlight.catch(() => undefined);
  }
}

async function writeAll(fh: ZipSink, buf: Buffer): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, null);
    done += bytesWritten;
  }
}

function isZip64(e: CentralEntry): boolean {
  return e.size > ZIP64_LIMIT || e.compressedSize > ZIP64_LIMIT || e.offset > ZIP64_LIMIT;
}

function localHeader(e: CentralEntry): Buffer {
  const known = (e.flags & FLAG_DATA_DESCRIPTOR) === 0;
  const b = Buffer.alloc(LOCAL_HEADER + e.name.length);
  const { date, time } = dosDateTime(e.mtime);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION_UTF8, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  b.writeUInt32LE(known ? e.crc : 0, 14);
  b.writeUInt32LE(known ? e.compressedSize : 0, 18);
  b.writeUInt32LE(known ? e.size : 0, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(0, 28);
  e.name.copy(b, LOCAL_HEADER);
  return b;
}

function dataDescriptor(e: CentralEntry): Buffer {
  if (!isZip64(e)) {
    const b = Buffer.alloc(16);
    b.writeUInt32LE(0x08074b50, 0);
    b.writeUInt32LE(e.crc, 4);
    b.writeUInt32LE(e.compressedSize, 8);
    b.writeUInt32LE(e.size, 12);
    return b;
  }
  const b = Buffer.alloc(24);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(e.crc, 4);
  b.writeBigUInt64LE(BigInt(e.compressedSize), 8);
  b.writeBigUInt64LE(BigInt(e.size), 16);
  return b;
}

function centralRecord(e: CentralEntry): Buffer {
  const zip64 = isZip64(e);
  const extraLen = UT_EXTRA + (zip64 ? ZIP64_EXTRA : 0);
  const b = Buffer.alloc(CENTRAL_HEADER + e.name.length + extraLen);
  const { date, time } = dosDateTime(e.mtime);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(VERSION_MADE_BY, 4);
  b.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_UTF8, 6);
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(time, 12);
  b.writeUInt16LE(date, 14);
  b.writeUInt32LE(e.crc, 16);
  b.writeUInt32LE(zip64 ? 0xffffffff : e.compressedSize, 20);
  b.writeUInt32LE(zip64 ? 0xffffffff : e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extraLen, 30);
  b.writeUInt16LE(0, 32); // comment length
  b.writeUInt16LE(0, 34); // disk
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE((MODE << 16) >>> 0, 38);
  b.writeUInt32LE(zip64 ? 0xffffffff : e.offset, 42);
  let p = CENTRAL_HEADER;
  e.name.copy(b, p);
  p += e.name.length;
  // Info-ZIP universal timestamp ("UT"): mtime flag, atime flag set as Info-ZIP does.
  b.writeUInt16LE(0x5455, p);
  b.writeUInt16LE(UT_EXTRA - 4, p + 2);
  b.writeUInt8(0b11, p + 4);
  b.writeInt32LE(Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(e.mtime.getTime() / 1000))), p + 5);
  p += UT_EXTRA;
  if (zip64) {
    b.writeUInt16LE(0x0001, p);
    b.writeUInt16LE(ZIP64_EXTRA - 4, p + 2);
    b.writeBigUInt64LE(BigInt(e.size), p + 4);
    b.writeBigUInt64LE(BigInt(e.compressedSize), p + 12);
    b.writeBigUInt64LE(BigInt(e.offset), p + 20);
  }
  return b;
}

const MIN_DOS = new Date(1980, 0, 1);
const MAX_DOS = new Date(2107, 11, 31, 23, 59, 58);

/** DOS date/time in local time, clamped to its 1980–2107 range (as yazl and Info-ZIP do). */
function dosDateTime(d: Date): { date: number; time: number } {
  const t = d < MIN_DOS ? MIN_DOS : d > MAX_DOS ? MAX_DOS : d;
  const date = (t.getDate() & 0x1f) | (((t.getMonth() + 1) & 0xf) << 5) | (((t.getFullYear() - 1980) & 0x7f) << 9);
  const time = Math.floor(t.getSeconds() / 2) | ((t.getMinutes() & 0x3f) << 5) | ((t.getHours() & 0x1f) << 11);
  return { date, time };
}
