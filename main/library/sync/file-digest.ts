import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AppError } from '../../core/app-error.ts';

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export async function statFile(path: string): Promise<FileStat> {
  try {
    const st = await stat(path);
    return { size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
  } catch {
    throw new AppError('NotFound', `file to sync is missing: ${path}`, { file: path });
  }
}

/** sha256 (change detection, stored as object metadata) and md5 (S3 ETag check) in one read. */
export async function digestFile(path: string): Promise<{ sha256: string; md5: string }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex') };
}
