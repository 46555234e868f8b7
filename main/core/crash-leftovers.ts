import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { pruneUploads } from '../uploads/upload-store.ts';
import type { DataDir } from './data-dir.ts';

export interface LeftoverReport {
  /** Half-written files in library/.tmp (a write that crashed before its rename). */
  tmpFiles: number;
  /** Attempt images under library/attempts/ that no attempt row refers to. */
  orphanAttemptImages: number;
  /** Upload folders past their 7 days. */
  uploads: number;
}

/**
 * A file younger than this may belong to a short-lived reader command (e.g. `assetql dna`
 * writing a reference through .tmp) that runs beside the writer: leave it alone.
 */
const MIN_AGE_MS = 60_000;

/**
 * Removes what a crash leaves behind. Called at start by the process that just took the data
 * folder's writer lock, so no engine elsewhere is writing these files: temp files of writes that
 * died before their rename, attempt images whose attempt row never committed (or whose batch was
 * deleted), and expired uploads. Never touches raw/, archive/, thumbnails/ or refs/.
 */
export function cleanCrashLeftovers(dataDir: DataDir, db: Database, now = Date.now()): LeftoverReport {
  return {
    tmpFiles: removeOld(dataDir.tmp, now),
    orphanAttemptImages: removeOrphanAttempts(dataDir.library, db),
    uploads: pruneUploads(dataDir.library, undefined, now),
  };
}

function removeOld(dir: string, now: number): number {
  let n = 0;
  for (const name of list(dir)) {
    const p = join(dir, name);
    if (!oldEnough(p, now)) continue;
    rmSync(p, { recursive: true, force: true });
    n++;
  }
  return n;
}

function removeOrphanAttempts(library: string, db: Database): number {
  const root = join(library, 'attempts');
  const batches = list(root);
  if (batches.length === 0) return 0;
  const referenced = new Set(
    (db.prepare(`SELECT image_path FROM attempts WHERE image_path LIKE 'attempts/%'`).all() as { image_path: string }[]).map((r) => r.image_path),
  );
  let n = 0;
  for (const batch of batches) {
    const dir = join(root, batch);
    for (const name of list(dir)) {
      const p = join(dir, name);
      if (referenced.has(`attempts/${batch}/${name}`)) continue;
      rmSync(p, { recursive: true, force: true });
      n++;
    }
    if (list(dir).length === 0) rmSync(dir, { recursive: true, force: true });
  }
  return n;
}

function oldEnough(path: string, now: number): boolean {
  try {
    return now - statSync(path).mtimeMs >= MIN_AGE_MS;
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
