import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { AppError } from '../core/app-error.ts';
import { crc32Update } from './crc32.ts';

/**
 * Just enough ZIP to take a few files out of a .nupkg (a NuGet package is a ZIP): the central
 * directory, stored and deflated entries, streamed to disk with their CRC-32 checked. ZIP64 is
 * not needed (the runtime packages are far below 4 GiB).
 */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export async function listZipEntries(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new AppError('BadInput', `${path} is not a ZIP file (no end-of-central-directory record)`, { file: path });
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size) throw new AppError('BadInput', `${path}: central directory points past the end of the file`, { file: path });
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new AppError('BadInput', `${path}: damaged central directory`, { file: path });
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      entries.push({
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        size: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
      });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** Streams one entry to `dest`, checking its size and CRC-32. */
export async function extractZipEntry(path: string, entry: ZipEntry, dest: string): Promise<void> {
  if (entry.method !== 0 && entry.method !== 8) throw new AppError('BadInput', `${path}: ${entry.name} uses ZIP method ${entry.method}, which is not supported`);
  const fh = await open(path, 'r');
  let dataStart: number;
  try {
    const head = Buffer.alloc(30);
    await fh.read(head, 0, 30, entry.localHeaderOffset);
    if (head.readUInt32LE(0) !== 0x04034b50) throw new AppError('BadInput', `${path}: damaged local header for ${entry.name}`);
    dataStart = entry.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  let crc = 0;
  let n = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc = crc32Update(crc, chunk);
      n += chunk.length;
      cb(null, chunk);
    },
  });
  const source = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  if (entry.method === 8) await pipeline(source, createInflateRaw(), check, createWriteStream(dest));
  else await pipeline(source, check, createWriteStream(dest));
  if (n !== entry.size || crc !== entry.crc32) {
    throw new AppError('BadInput', `${path}: ${entry.name} is damaged (size ${n}/${entry.size}, CRC ${crc.toString(16)}/${entry.crc32.toString(16)})`, { file: path, entry: entry.name });
  }
}
