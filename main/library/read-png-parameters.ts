import { readFile } from 'node:fs/promises';
import { AppError } from '../core/app-error.ts';
import { parseA1111Parameters, type A1111Parameters } from './a1111-parameters.ts';
import { decodeTextChunk, readPngChunks } from './png-chunks.ts';

/** The raw `parameters` text of a PNG (tEXt, zTXt or iTXt), or null when it has none. */
export function readPngParametersText(png: Buffer): string | null {
  for (const chunk of readPngChunks(png)) {
    if (chunk.type === 'IDAT') continue;
    const t = decodeTextChunk(chunk);
    if (t && t.keyword === 'parameters') return t.text;
  }
  return null;
}

/** Reads and parses the A1111 recipe of a PNG written by AssetQL or another tool. */
export async function readPngParameters(file: string): Promise<A1111Parameters | null> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new AppError('NotFound', `cannot read ${file}: ${(err as Error).message}`, { file });
  }
  let text: string | null;
  try {
    text = readPngParametersText(buf);
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.kind, `${file}: ${err.message}`, { file });
    throw err;
  }
  return text === null ? null : parseA1111Parameters(text);
}
