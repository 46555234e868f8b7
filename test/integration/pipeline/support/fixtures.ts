import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { resolveDataDir, type DataDir } from '../../../../main/core/data-dir.ts';
import { openDatabase } from '../../../../main/db/database.ts';
import type { NewTask } from '../../../../main/pipeline/ledger/batches.ts';

export interface TempLibrary {
  dir: string;
  dataDir: DataDir;
  db: Database;
  cleanup(): void;
}

export function tempLibrary(prefix = 'assetql-pipeline-'): TempLibrary {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = resolveDataDir(dir);
  const db = openDatabase(dataDir.dbPath);
  return {
    dir,
    dataDir,
    db,
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** n rows with distinct seeds; `row` is carried in params so stages can inject per-row failures. */
export function rows(n: number, size = 32, steps = 4): NewTask[] {
  return Array.from({ length: n }, (_, i) => ({
    rowIndex: i + 1,
    name: `item-${i + 1}`,
    prompt: `a product photo of item ${i + 1}`,
    params: { width: size, height: size, steps, guidance: 5, sampler: 'euler', seed: 1000 + i, row: i + 1 },
    sourceRow: { name: `item-${i + 1}` },
  }));
}
