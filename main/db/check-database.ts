import { existsSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { readLockHolder, isWriterLocked, type LockHolder } from '../core/data-folder-lock.ts';
import type { DataDir } from '../core/data-dir.ts';
import { integrityProblems } from './database.ts';

export interface DatabaseCheck {
  path: string;
  exists: boolean;
  bytes: number;
  /** True when SQLite could read the file and `integrity_check` said ok. */
  ok: boolean;
  problems: string[];
  ms: number;
  /** The process that holds the data folder for writing now, if any. */
  writer: LockHolder | null;
}

/**
 * `assetql doctor --db`: the full `PRAGMA integrity_check` (every page, every index against its
 * table), read-only so it is safe beside a running app and works on a file AssetQL refuses.
 */
export function checkDatabase(dataDir: DataDir): DatabaseCheck {
  const path = dataDir.dbPath;
  const writer = isWriterLocked(dataDir.root) ? readLockHolder(dataDir.root) : null;
  if (!existsSync(path)) return { path, exists: false, bytes: 0, ok: false, problems: ['the database file does not exist'], ms: 0, writer };
  const bytes = statSync(path).size;
  if (bytes === 0) return { path, exists: true, bytes, ok: false, problems: ['the database file is empty (0 bytes)'], ms: 0, writer };
  const t0 = performance.now();
  let problems: string[];
  try {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      problems = integrityProblems(db, 'full');
    } finally {
      db.close();
    }
  } catch (err) {
    problems = [(err as Error).message];
  }
  return { path, exists: true, bytes, ok: problems.length === 0, problems, ms: Math.round(performance.now() - t0), writer };
}
