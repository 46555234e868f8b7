import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import { listLibraryPngs } from '../library/library-pngs.ts';
import { DatabaseDamagedError, openDatabase } from './database.ts';

/**
 * Opens a data folder's database with the checks a user's data deserves:
 *  - a missing or 0-byte database next to a library that holds images is refused instead of
 *    silently re-created empty (which would hide every asset); `library rebuild` restores it;
 *  - `PRAGMA quick_check` before migrations (when the caller asks: the writer, unless the file is
 *    as its last clean close left it, see clean-close-marker.ts), so a damaged file is refused
 *    with its path and the way out instead of being written to. Readers skip the full pass (it
 *    reads every page); a file SQLite cannot even open is refused for them too.
 * Errors carry detail.reason ('database-missing' | 'database-damaged') so the app can offer the
 * rebuild at start.
 */
export function openDataFolderDatabase(dataDir: DataDir, options: { quickCheck: boolean }): Database {
  const size = fileSize(dataDir.dbPath);
  if (size === null || size === 0) {
    const images = listLibraryPngs(dataDir.library, 1).length;
    if (images > 0) throw databaseMissingError(dataDir, size === null ? 'missing' : 'empty (0 bytes)');
  }
  try {
    return openDatabase(dataDir.dbPath, { quickCheck: options.quickCheck });
  } catch (err) {
    if (err instanceof DatabaseDamagedError) throw databaseDamagedError(dataDir, err.problems);
    throw err;
  }
}

export function rebuildHint(dataDir: DataDir): string {
  return `Run \`assetql library rebuild --data-dir "${dataDir.root}"\` (or Settings → Maintenance → Rebuild library index in the app): it keeps the old file as assetql.db.damaged-<time> and re-indexes every image in ${dataDir.library} from the recipe embedded in it. Restoring assetql.db from a backup also works.`;
}

export function databaseMissingError(dataDir: DataDir, what: string): AppError {
  return new AppError(
    'Unavailable',
    `The database ${dataDir.dbPath} is ${what}, but the library next to it holds generated images. AssetQL will not create an empty database over them. ${rebuildHint(dataDir)}`,
    { reason: 'database-missing', path: dataDir.dbPath, dataDir: dataDir.root },
  );
}

export function databaseDamagedError(dataDir: DataDir, problems: string[]): AppError {
  return new AppError(
    'Unavailable',
    `The database ${dataDir.dbPath} is damaged (SQLite: ${problems.slice(0, 3).join('; ')}). AssetQL will not open it, so nothing more is lost. ${rebuildHint(dataDir)}`,
    { reason: 'database-damaged', path: dataDir.dbPath, dataDir: dataDir.root, problems },
  );
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
