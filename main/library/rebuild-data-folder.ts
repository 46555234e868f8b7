import { existsSync, renameSync, statSync } from 'node:fs';
import { acquireWriterLock } from '../core/data-folder-lock.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { DatabaseDamagedError, openDatabase } from '../db/database.ts';
import { reindexLibrary, type ReindexReport } from './reindex-library.ts';

export type DatabaseState = 'ok' | 'missing' | 'empty' | 'damaged';

export interface RebuildResult extends ReindexReport {
  databaseWas: DatabaseState;
  /** Where the old file(s) went: nothing is ever deleted. */
  movedAside: string[];
}

/**
 * `assetql library rebuild` and the app's start-up offer: as the data folder's writer, set a
 * damaged or empty database aside (renamed, with its -wal/-shm, never deleted), open a fresh or
 * the existing healthy one, and re-index every library image from its embedded recipe.
 */
export async function rebuildDataFolder(
  dataDirOption: string | undefined,
  command: string,
  onProgress?: (done: number, total: number) => void,
): Promise<RebuildResult> {
  const dataDir = resolveDataDir(dataDirOption);
  const lock = acquireWriterLock(dataDir.root, command);
  try {
    const state = databaseState(dataDir.dbPath);
    const movedAside = state === 'empty' || state === 'damaged' ? moveAside(dataDir.dbPath, state) : [];
    const db = openDatabase(dataDir.dbPath, { quickCheck: true });
    try {
      return { ...(await reindexLibrary({ db, dataDir }, onProgress)), databaseWas: state, movedAside };
    } finally {
      db.close();
    }
  } finally {
    lock.release();
  }
}

export function databaseState(path: string): DatabaseState {
  if (!existsSync(path)) return 'missing';
  if (statSync(path).size === 0) return 'empty';
  try {
    openDatabase(path, { readonly: true, quickCheck: true }).close();
    return 'ok';
  } catch (err) {
    if (err instanceof DatabaseDamagedError) return 'damaged';
    throw err;
  }
}

function moveAside(dbPath: string, state: 'empty' | 'damaged'): string[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const moved: string[] = [];
  for (const suffix of ['', '-wal', '-shm']) {
    const from = `${dbPath}${suffix}`;
    if (!existsSync(from)) continue;
    const to = `${dbPath}.${state}-${stamp}${suffix}`;
    renameSync(from, to);
    moved.push(to);
  }
  return moved;
}
