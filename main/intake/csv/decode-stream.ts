import { decodeWindows1252 } from './windows-1252.ts';
import type { CsvEncoding } from './types.ts';

/**
 * Incremental bytes → text for CSV files. The encoding is chosen from the BOM on the first
 * bytes; without a BOM we decode strictly as UTF-8 and throw NotUtf8 on the first invalid
 * byte, so the caller can restart the (cheap) parse as Windows-1252 — the usual encoding of
 * "CSV" saved by Excel on Windows.
 */
export class NotUtf8Error extends Error {
  constructor() {
    super('not valid UTF-8');
  }
}

export interface ChunkDecoder {
  readonly encoding: CsvEncoding;
  write(chunk: Uint8Array): string;
  end(): string;
}

export function detectBom(head: Uint8Array): { encoding: CsvEncoding; bomLength: number } | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8-bom', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}

export function createChunkDecoder(encoding: CsvEncoding): ChunkDecoder {
  if (encoding === 'windows-1252') {
    // Single-byte: every chunk decodes on its own.
    return { encoding, write: (c) => decodeWindows1252(c), end: () => '' };
  }
  const label = encoding === 'utf-16le' ? 'utf-16le' : encoding === 'utf-16be' ? 'utf-16be' : 'utf-8';
  // ignoreBOM: true keeps the BOM in the output; we strip the BOM bytes ourselves before decoding.
  const decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
  const guard = (fn: () => string): string => {
    try {
      return fn();
    } catch {
      throw new NotUtf8Error();
    }
  };
  return {
    encoding,
    write: (c) => guard(() => decoder.decode(c, { stream: true })),
    end: () => guard(() => decoder.decode()),
  };
}
