import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { Migration } from './migration.ts';
import { ALL_MIGRATIONS } from './migrations/index.ts';

export type { Database };

export interface OpenOptions {
  /** Extra migrations (tests); normally the built-in list. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens the library database: WAL so the UI can read while the pipeline writes,
 * synchronous=FULL because the task ledger must survive a power cut (ARCHITECTURE.md → Data),
 * foreign keys on, and every pending migration applied.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  // 64 MiB page cache: a 100k-asset library's search indexes stay in memory (default is 2 MB).
  db.pragma('cache_size = -65536');
  if (!options.readonly) migrate(db, options.migrations ?? ALL_MIGRATIONS);
  return db;
}

export function migrate(db: Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  const ran: number[] = [];
  const sorted = [...migrations].sort((a, b) => a.id - b.id);
  for (const m of sorted) {
    if (applied.has(m.id)) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, Date.now());
    })();
    ran.push(m.id);
  }
  return ran;
}
