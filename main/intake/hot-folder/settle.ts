import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Names and sizes of a folder's files; null when it does not exist. */
async function snapshot(dir: string): Promise<string | null> {
  try {
    const names = (await readdir(dir)).sort();
    const sizes = await Promise.all(names.map(async (n) => `${n}:${(await stat(join(dir, n))).size}`));
    return sizes.join('|');
  } catch {
    return null;
  }
}

/**
 * Waits until a folder's listing and file sizes stay the same for `stableMs` — a copy of
 * several reference images arrives file by file, and each file grows while it is written.
 */
export async function waitForStableFolder(dir: string, stableMs: number, pollMs: number, signal?: AbortSignal): Promise<void> {
  let last = await snapshot(dir);
  let stableSince = Date.now();
  while (Date.now() - stableSince < stableMs) {
    await sleep(pollMs, undefined, signal ? { signal } : undefined);
    const now = await snapshot(dir);
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    }
  }
}

export async function exists(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}
