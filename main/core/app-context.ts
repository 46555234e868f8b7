import type { Database } from 'better-sqlite3';
import { clearCleanClose, closedCleanly, markCleanClose } from '../db/clean-close-marker.ts';
import { openDataFolderDatabase } from '../db/open-data-folder-db.ts';
import { cleanCrashLeftovers, type LeftoverReport } from './crash-leftovers.ts';
import { acquireWriterLock, type LockHolder } from './data-folder-lock.ts';
import { resolveDataDir, type DataDir } from './data-dir.ts';

/** What every command, handler and service needs: where data lives and the open database. */
export interface AppContext {
  dataDir: DataDir;
  db: Database;
  /** Set when this process holds the data folder's writer lock (it may run an engine). */
  writer: LockHolder | null;
  /** What start-up cleaning removed (writers only; null for readers). */
  leftovers: LeftoverReport | null;
  close(): void;
}

export interface OpenContextOptions {
  /**
   * Take the data folder's writer lock for this command ("assetql run", "the AssetQL app"): a
   * process that runs an engine must. Refused with the holder's pid when another process has it.
   * Commands without it are readers (short transactions, no engine) and keep working meanwhile.
   */
  writer?: string;
}

export function openAppContext(dataDirOption?: string, options: OpenContextOptions = {}): AppContext {
  const dataDir = resolveDataDir(dataDirOption);
  const lock = options.writer ? acquireWriterLock(dataDir.root, options.writer) : null;
  let db: Database | undefined;
  try {
    db = openDataFolderDatabase(dataDir, { quickCheck: lock !== null && !closedCleanly(dataDir.dbPath) });
    if (lock) clearCleanClose(dataDir.dbPath);
    // Only the lock holder may clean: no engine elsewhere can be writing those files now.
    const leftovers = lock ? cleanCrashLeftovers(dataDir, db) : null;
    const opened = db;
    return {
      dataDir,
      db: opened,
      writer: lock?.holder ?? null,
      leftovers,
      close: () => {
        opened.close();
        if (lock) markCleanClose(dataDir.dbPath);
        lock?.release();
      },
    };
  } catch (err) {
    db?.close();
    lock?.release();
    throw err;
  }
}
