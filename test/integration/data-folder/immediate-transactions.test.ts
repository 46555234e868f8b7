import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/db/database.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dbPath(): string {
  const d = mkdtempSync(join(tmpdir(), 'aq-imm-'));
  dirs.push(d);
  return join(d, 'assetql.db');
}

describe('write transactions', () => {
  it('take the write lock at BEGIN (IMMEDIATE), so another writer waits instead of failing mid-transaction', () => {
    const path = dbPath();
    const db = openDatabase(path);
    const other = new BetterSqlite3(path, { timeout: 0 });
    let otherCouldWrite: boolean | undefined;
    // A transaction that has only read so far: with DEFERRED it would hold no write lock yet.
    db.transaction(() => {
      db.prepare('SELECT COUNT(*) FROM batches').get();
      try {
        other.exec('BEGIN IMMEDIATE');
        other.exec('ROLLBACK');
        otherCouldWrite = true;
      } catch (err) {
        expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
        otherCouldWrite = false;
      }
    })();
    expect(otherCouldWrite).toBe(false);
    // Released at commit; nested transactions still work (savepoints).
    other.exec('BEGIN IMMEDIATE');
    other.exec('ROLLBACK');
    const nested = db.transaction(() => db.transaction(() => 42)());
    expect(nested()).toBe(42);
    // A read-only snapshot can still ask for DEFERRED explicitly.
    db.transaction(() => {
      other.exec('BEGIN IMMEDIATE');
      other.exec('ROLLBACK');
    }).deferred();
    other.close();
    db.close();
  });

  it('wait up to busy_timeout for a writer in another connection', () => {
    const path = dbPath();
    const db = openDatabase(path);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.close();
  });
});
