import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { Migration } from './migration.ts';
import { ALL_MIGRATIONS } from './migrations/index.ts';

export type { Database };

export interface OpenOptions {
  /** Extra migrations (tests); normally the built-in list. */
  migrations?: readonly Migration[];
  readonly?: boolean;
  /**
   * Run `PRAGMA quick_check` before anything touches the file (the data folder's opener does);
   * a damaged database is refused with DatabaseDamagedError instead of being migrated.
   */
  quickCheck?: boolean;
}

/** A database SQLite cannot read or whose pages fail the integrity check. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly problems: string[],
  ) {
    super(`${path}: ${problems.join('; ')}`);
    this.name = 'DatabaseDamagedError';
  }
}

/**
 * Opens the library database: WAL so the UI can read while the pipeline writes,
 * synchronous=FULL because the task ledger must survive a power cut (ARCHITECTURE.md → Data),
 * foreign keys on, and every pending migration applied.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const db = new BetterSqlite3(path, { readonly: options.readonly ?? false });
  try {
    // Another process (a CLI search, the app's reader, a migration) may hold the write lock for
    // a moment: wait up to 5 s instead of failing with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    if (options.quickCheck) {
      const problems = integrityProblems(db, 'quick');
      if (problems.length > 0) throw new DatabaseDamagedError(path, problems);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      immediateTransactions(db);
    }
    db.pragma('foreign_keys = ON');
    // 64 MiB page cache: a 100k-asset library's search indexes stay in memory (default is 2 MB).
    db.pragma('cache_size = -65536');
    if (!options.readonly) migrate(db, options.migrations ?? ALL_MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof DatabaseDamagedError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw new DatabaseDamagedError(path, [(err as Error).message]);
    throw err;
  }
}

/**
 * `quick_check` (O(pages), skips index-vs-table cross checks) or the full `integrity_check`.
 * Returns SQLite's complaints, at most 20; empty when the file is sound.
 */
export function integrityProblems(db: Database, level: 'quick' | 'full'): string[] {
  const rows = db.pragma(`${level === 'quick' ? 'quick_check' : 'integrity_check'}(20)`) as Record<string, string>[];
  const messages = rows.map((r) => String(Object.values(r)[0]));
  return messages.length === 1 && messages[0] === 'ok' ? [] : messages;
}

/**
 * Every write transaction starts with BEGIN IMMEDIATE. A DEFERRED transaction that reads and
 * then writes must upgrade its lock; when another connection wrote in between, WAL mode answers
 * SQLITE_BUSY at once (busy_timeout cannot help: waiting would not fix the stale snapshot).
 * Taking the write lock up front makes the transaction wait its turn instead. Done once here so
 * no call site can forget; `.deferred` stays available for read-only snapshots.
 */
function immediateTransactions(db: Database): void {
  const base = db.transaction.bind(db);
  db.transaction = ((fn: (...args: never[]) => unknown) => base(fn).immediate) as Database['transaction'];
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
