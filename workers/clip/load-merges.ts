import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { WorkerError } from '../protocol.ts';

/**
 * CLIP uses the first 49152 − 256 − 2 = 48894 merges of its file (OpenAI's
 * bpe_simple_vocab_16e6.txt holds many more lines; Hugging Face's merges.txt holds exactly these).
 */
export const CLIP_MAX_MERGES = 49152 - 256 - 2;

/**
 * Reads merges from .txt or .txt.gz; drops the version header (OpenAI's file starts with
 * `"bpe_simple_vocab_16e6.txt#version: 0.2`, Hugging Face's with `#version: 0.2`) and blank lines.
 */
export async function loadMerges(path: string): Promise<Array<[string, string]>> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch {
    throw new WorkerError('ModelMissing', `tokenizer merges file missing: ${path}`, { file: path });
  }
  const text = (path.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  return parseMerges(text);
}

export function parseMerges(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const lines = text.split('\n');
  if (lines[0]?.includes('#version')) lines.shift();
  for (const line of lines) {
    if (out.length >= CLIP_MAX_MERGES) break;
    if (line.trim() === '') continue;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new WorkerError('BadInput', `malformed BPE merge line: ${JSON.stringify(line)}`);
    out.push([parts[0], parts[1]]);
  }
  return out;
}
