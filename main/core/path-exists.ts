import { lstat } from 'node:fs/promises';

/**
 * Whether anything is at `path` (file, folder or link, even a dangling one). lstat rather than
 * stat so code that must never clobber a file also refuses to write over a broken link.
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
