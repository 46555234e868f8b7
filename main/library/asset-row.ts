import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { Asset, AssetState } from './asset-types.ts';

/** The assets table row as better-sqlite3 returns it. */
export interface AssetRow {
  rowid: number;
  id: string;
  lineage_id: string;
  version: number;
  is_current: number;
  batch_id: string;
  task_id: string | null;
  task_key: string | null;
  name: string;
  rel_path: string;
  thumb_rel_path: string | null;
  file_size: number;
  width: number;
  height: number;
  sha256: string;
  prompt: string;
  negative_prompt: string;
  params: string;
  seed: number | null;
  model: string;
  scores: string;
  style_score: number | null;
  category: string | null;
  auto_category: string | null;
  category_user: number;
  subcategories: string;
  state: string;
  source_row: string | null;
  row_index: number | null;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
  deleted_at: number | null;
  tagged_at: number | null;
}

export const ASSET_COLUMNS = 'a.rowid AS rowid, a.*';

export function rowToAsset(row: AssetRow): Asset {
  return {
    id: row.id,
    lineageId: row.lineage_id,
    version: row.version,
    isCurrent: row.is_current === 1,
    batchId: row.batch_id,
    taskId: row.task_id,
    taskKey: row.task_key,
    name: row.name,
    relPath: row.rel_path,
    thumbRelPath: row.thumb_rel_path,
    fileSize: row.file_size,
    width: row.width,
    height: row.height,
    sha256: row.sha256,
    prompt: row.prompt,
    negativePrompt: row.negative_prompt,
    params: JSON.parse(row.params) as Record<string, unknown>,
    seed: row.seed,
    model: row.model,
    scores: JSON.parse(row.scores) as Record<string, number | null>,
    styleScore: row.style_score,
    category: row.category,
    categorySource: row.category === null ? null : row.category_user === 1 ? 'user' : 'auto',
    subcategories: JSON.parse(row.subcategories) as string[],
    state: row.state as AssetState,
    sourceRow: row.source_row ? (JSON.parse(row.source_row) as Record<string, string>) : null,
    rowIndex: row.row_index,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
    deletedAt: row.deleted_at,
    taggedAt: row.tagged_at,
  };
}

export function getAssetRow(db: Database, id: string): AssetRow | undefined {
  return db.prepare(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = ?`).get(id) as AssetRow | undefined;
}

export function requireAssetRow(db: Database, id: string): AssetRow {
  const row = getAssetRow(db, id);
  if (!row) throw new AppError('NotFound', `no asset with id ${id}`, { assetId: id });
  return row;
}
