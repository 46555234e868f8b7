import type { Database } from 'better-sqlite3';
import type { ExportResult } from './export-options.ts';

export interface ExportHistoryEntry {
  id: number;
  format: string;
  outDir: string;
  manifestPath: string;
  itemCount: number;
  bytes: number;
  assetIds: string[];
  createdAt: number;
}

/** export_history (migration 005): what was exported where, for the UI's "recent exports". */
export function recordExport(db: Database, result: ExportResult, assetIds: readonly string[], now = Date.now()): number {
  const r = db
    .prepare(
      `INSERT INTO export_history (format, out_dir, manifest_path, item_count, bytes, asset_ids, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(result.format, result.outDir, result.manifestPath, result.itemCount, result.bytesWritten, JSON.stringify(assetIds), now);
  return Number(r.lastInsertRowid);
}

export function listExports(db: Database, limit = 50): ExportHistoryEntry[] {
  const rows = db.prepare('SELECT * FROM export_history ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as {
    id: number; format: string; out_dir: string; manifest_path: string; item_count: number; bytes: number; asset_ids: string; created_at: number;
  }[];
  return rows.map((r) => ({
    id: r.id, format: r.format, outDir: r.out_dir, manifestPath: r.manifest_path, itemCount: r.item_count, bytes: r.bytes,
    assetIds: JSON.parse(r.asset_ids) as string[], createdAt: r.created_at,
  }));
}
