import type { Database } from 'better-sqlite3';

/**
 * A generation counter in the database (library_generation), bumped by every library write that
 * changes what similarity search sees: new embeddings, new versions, state changes, purges.
 * Caches compare it to know when to reload. Unlike PRAGMA data_version it does not move on
 * unrelated commits, and unlike an in-process counter it sees other connections' writes.
 */
export function markLibraryChanged(db: Database): void {
  db.prepare('UPDATE library_generation SET n = n + 1 WHERE id = 1').run();
}

export function libraryGeneration(db: Database): string {
  const row = db.prepare('SELECT n FROM library_generation WHERE id = 1').get() as { n: number } | undefined;
  return String(row?.n ?? 0);
}
