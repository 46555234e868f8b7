import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes a folder adds to the disk: hard-linked files shared with the base pack count once
 * there, so files whose link count is above 1 are not charged to the variant.
 */
export async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const s = await stat(join(entry.parentPath, entry.name));
    if (s.nlink <= 1) total += s.size;
  }
  return total;
}
