import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `dest` so that a crash leaves either the old file or the complete new one:
 * temp file in `tmpDir` (same filesystem as the library, so rename is atomic), fsync, rename,
 * then fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomic(tmpDir: string, dest: string, data: Uint8Array): Promise<void> {
  await mkdir(tmpDir, { recursive: true });
  await mkdir(dirname(dest), { recursive: true });
  const tmp = join(tmpDir, `${basename(dest)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(dest));
}

export async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync is unsupported on Windows (EPERM/EISDIR); durability there rests on NTFS.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
