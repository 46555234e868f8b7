import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { AppError } from './app-error.ts';

/**
 * One writer per data folder. The process that runs an engine (the app, `assetql serve`,
 * `assetql run`, `assetql library rebuild`) holds an OS-level exclusive lock on
 * `<root>/assetql.lock`: a tiny SQLite file kept inside an open `BEGIN EXCLUSIVE`. SQLite takes
 * that lock with fcntl (POSIX) or LockFileEx (Windows), so the kernel drops it the moment the
 * holder exits, however it exits (SIGKILL, crash, power cut): there is no stale lock to detect
 * and no pid-reuse guess. SQLite also tracks the lock per file inside one process, so a second
 * holder in the same process is refused too (tests rely on that).
 *
 * Who holds it is written next to it in `assetql.lock.json` (pid, host, start time, command)
 * only after the lock is won, so a refused process can name the holder. That file is
 * information, never the lock: one left behind by a killed process is simply overwritten.
 * docs/data-folder-lock.md explains the choice.
 */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface WriterLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/**
 * Strong references to the open lock connections: a caller that drops its AppContext (a script
 * that never closes it) must not lose the lock when the garbage collector finalises the handle.
 */
const heldLocks = new Set<Database>();

export const LOCK_FILE = 'assetql.lock';
export const LOCK_INFO_FILE = 'assetql.lock.json';

export function acquireWriterLock(root: string, command: string): WriterLock {
  const path = join(root, LOCK_FILE);
  const db = new BetterSqlite3(path, { timeout: 0 });
  try {
    // Rollback-journal mode: BEGIN EXCLUSIVE then takes the file's EXCLUSIVE lock at once.
    db.pragma('journal_mode = DELETE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw lockHeldError(root);
    throw new AppError('Unavailable', `cannot lock the data folder ${root}: ${(err as Error).message}`, { path });
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  heldLocks.add(db);
  writeInfo(root, holder);
  let released = false;
  return {
    path,
    holder,
    release() {
      if (released) return;
      released = true;
      // Remove the info file first (still under the lock) so it never names a finished process.
      if (readLockHolder(root)?.pid === process.pid) rmSync(join(root, LOCK_INFO_FILE), { force: true });
      heldLocks.delete(db);
      closeQuietly(db);
    },
  };
}

/** The holder named in the info file, or null when it is missing or unreadable. */
export function readLockHolder(root: string): LockHolder | null {
  try {
    const v = JSON.parse(readFileSync(join(root, LOCK_INFO_FILE), 'utf8')) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || typeof v.command !== 'string') return null;
    return { pid: v.pid, host: String(v.host ?? ''), startedAt: String(v.startedAt ?? ''), command: v.command };
  } catch {
    return null;
  }
}

/** True when `root` is locked by some writer right now (probe: take the lock and drop it). */
export function isWriterLocked(root: string): boolean {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(join(root, LOCK_FILE), { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
    return false;
  } catch (err) {
    return (err as { code?: string }).code === 'SQLITE_BUSY';
  } finally {
    if (db) closeQuietly(db);
  }
}

function lockHeldError(root: string): AppError {
  const h = currentHolder(root);
  const who = h
    ? `pid ${h.pid}${h.host && h.host !== hostname() ? ` on ${h.host}` : ''} (${h.command}, started ${h.startedAt})`
    : 'another process (its pid is not recorded yet)';
  return new AppError(
    'Conflict',
    `The data folder ${root} is in use by ${who}. Only one app, \`assetql serve\` or \`assetql run\` may work on a data folder at a time: ` +
      'wait for it to finish or stop it, or use another --data-dir. Read-only commands (search, batch list, export) keep working meanwhile.',
    { dataDir: root, ...(h ? { pid: h.pid, command: h.command, startedAt: h.startedAt, host: h.host } : {}) },
  );
}

/**
 * The winner writes the info file just after taking the lock, so a loser can read the previous
 * (dead) holder's file for a moment: wait briefly for a live pid before naming anyone.
 */
function currentHolder(root: string): LockHolder | null {
  for (let i = 0; i < 20; i++) {
    const h = readLockHolder(root);
    if (h && (h.host !== hostname() || pidAlive(h.pid))) return h;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
  return null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeInfo(root: string, holder: LockHolder): void {
  // Written atomically so a refused process never reads half a file.
  const tmp = join(root, `${LOCK_INFO_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`);
  renameSync(tmp, join(root, LOCK_INFO_FILE));
}

function closeQuietly(db: Database): void {
  try {
    if (db.inTransaction) db.exec('ROLLBACK');
  } catch {
    // closing drops the lock anyway
  }
  try {
    db.close();
  } catch {
    // already closed
  }
}
