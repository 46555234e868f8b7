import type { Database } from 'better-sqlite3';
import { openDatabase } from '../db/database.ts';
import { resolveDataDir, type DataDir } from './data-dir.ts';

/** What every command, handler and service needs: where data lives and the open database. */
export interface AppContext {
  dataDir: DataDir;
  db: Database;
  close(): void;
}

export function openAppContext(dataDirOption?: string): AppContext {
  const dataDir = resolveDataDir(dataDirOption);
  const db = openDatabase(dataDir.dbPath);
  return {
    dataDir,
    db,
    close: () => db.close(),
  };
}
