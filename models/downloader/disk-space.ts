import { statfs } from 'node:fs/promises';
import { AppError } from '../../main/core/app-error.ts';
import { formatBytes } from './format-bytes.ts';

/** Free bytes available to this (unprivileged) user on the filesystem holding `dir`. */
export type FreeSpaceFn = (dir: string) => Promise<number>;

export const freeBytesAt: FreeSpaceFn = async (dir) => {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
};

/**
 * Fails before the first byte is fetched when the download cannot fit, instead of filling the
 * disk 9 GB into a 10 GB pack. `margin` covers rounded catalog sizes and filesystem overhead.
 */
export async function ensureFreeSpace(dir: string, neededBytes: number, freeSpace: FreeSpaceFn = freeBytesAt, margin = 0.02): Promise<void> {
  if (neededBytes <= 0) return;
  const free = await freeSpace(dir);
  const need = Math.ceil(neededBytes * (1 + margin));
  if (free < need) {
    throw new AppError(
      'Unavailable',
      `not enough disk space in ${dir}: the download needs ${formatBytes(need)} but only ${formatBytes(free)} is free; free some space or choose another folder`,
      { dir, neededBytes: need, freeBytes: free },
    );
  }
}
