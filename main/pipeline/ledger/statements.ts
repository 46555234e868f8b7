import type { Database, Statement } from 'better-sqlite3';

const cache = new WeakMap<Database, Map<string, Statement>>();

/** Prepared statements cached per connection: the ledger runs a handful of statements per task, thousands of times. */
export function stmt(db: Database, sql: string): Statement {
  let m = cache.get(db);
  if (!m) {
    m = new Map();
    cache.set(db, m);
  }
  let s = m.get(sql);
  if (!s) {
    s = db.prepare(sql);
    m.set(sql, s);
  }
  return s;
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
