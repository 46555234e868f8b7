import type { Database } from 'better-sqlite3';

/**
 * A per-connection generation counter bumped by every library write that changes what
 * similarity search sees. Caches compare it (plus PRAGMA data_version, which moves when
 * *another* connection commits) to know when to reload.
 */
const generations = new WeakMap<Database, number>();

export function markLibraryChanged(db: Database): void {
  generations.set(db, (generations.get(db) ?? 0) + 1);
}

export function libraryGeneration(db: Database): string {
  const dataVersion = db.pragma('data_version', { simple: true }) as number;
  return `${generations.get(db) ?? 0}:${dataVersion}`;
}
