import { crc32, inflateSync } from 'node:zlib';
import { AppError } from '../core/app-error.ts';

/**
 * Minimal PNG chunk reader/writer: just enough to find IHDR and to read and write text chunks
 * (tEXt, zTXt, iTXt) without re-encoding pixels. node:zlib's crc32 exists from Node 20.15.
 */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngChunk {
  type: string;
  data: Buffer;
}

export function isPng(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 8).equals(PNG_SIGNATURE);
}

export function readPngChunks(buf: Buffer): PngChunk[] {
  if (!isPng(buf)) throw new AppError('BadInput', 'not a PNG file (bad signature)');
  const chunks: PngChunk[] = [];
  let off = 8;
  while (off + 12 <= buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    if (off + 12 + len > buf.length) throw new AppError('BadInput', `PNG chunk ${type} runs past the end of the file`);
    const data = buf.subarray(off + 8, off + 8 + len);
    const crc = buf.readUInt32BE(off + 8 + len);
    if (crc32(buf.subarray(off + 4, off + 8 + len)) !== crc) {
      throw new AppError('BadInput', `PNG chunk ${type} has a bad CRC`);
    }
    chunks.push({ type, data });
    off += 12 + len;
    if (type === 'IEND') break;
  }
  return chunks;
}

export function encodePngChunk(chunk: PngChunk): Buffer {
  const out = Buffer.alloc(12 + chunk.data.length);
  out.writeUInt32BE(chunk.data.length, 0);
  out.write(chunk.type, 4, 'latin1');
  chunk.data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + chunk.data.length)), 8 + chunk.data.length);
  return out;
}

export function writePngChunks(chunks: PngChunk[]): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ...chunks.map(encodePngChunk)]);
}

export function readIhdr(chunks: PngChunk[]): { width: number; height: number } {
  const ihdr = chunks[0];
  if (!ihdr || ihdr.type !== 'IHDR' || ihdr.data.length < 8) throw new AppError('BadInput', 'PNG has no IHDR chunk');
  return { width: ihdr.data.readUInt32BE(0), height: ihdr.data.readUInt32BE(4) };
}

function isLatin1(s: string): boolean {
  // tEXt is Latin-1 only and forbids NUL; anything else must go to iTXt (UTF-8).
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0 || c > 0xff) return false;
  }
  return true;
}

/** tEXt when the value is Latin-1, else uncompressed iTXt (UTF-8), as A1111 does. */
export function makeTextChunk(keyword: string, value: string): PngChunk {
  if (isLatin1(value)) {
    return { type: 'tEXt', data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]) };
  }
  return {
    type: 'iTXt',
    // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
    data: Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(value, 'utf8')]),
  };
}

/** Decodes tEXt / zTXt / iTXt; other chunk types give null. */
export function decodeTextChunk(chunk: PngChunk): { keyword: string; text: string } | null {
  const d = chunk.data;
  const nul = d.indexOf(0);
  if (nul < 0) return null;
  const keyword = d.toString('latin1', 0, nul);
  switch (chunk.type) {
    case 'tEXt':
      return { keyword, text: d.toString('latin1', nul + 1) };
    case 'zTXt':
      return { keyword, text: inflateSync(d.subarray(nul + 2)).toString('latin1') };
    case 'iTXt': {
      const compressed = d[nul + 1] === 1;
      const langEnd = d.indexOf(0, nul + 3);
      const transEnd = langEnd < 0 ? -1 : d.indexOf(0, langEnd + 1);
      if (transEnd < 0) return null;
      const body = d.subarray(transEnd + 1);
      return { keyword, text: (compressed ? inflateSync(body) : body).toString('utf8') };
    }
    default:
      return null;
  }
}

/** Returns a copy of the PNG with every existing `keyword` text chunk replaced by one new chunk right after IHDR. */
export function setPngText(png: Buffer, keyword: string, value: string): Buffer {
  const chunks = readPngChunks(png).filter((c) => decodeTextChunk(c)?.keyword !== keyword);
  chunks.splice(1, 0, makeTextChunk(keyword, value));
  return writePngChunks(chunks);
}
