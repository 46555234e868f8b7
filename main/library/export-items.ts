import type { Database } from 'better-sqlite3';
import { AppError } from '../core/app-error.ts';
import type { DataDir } from '../core/data-dir.ts';
import type { ExportItem } from './export/export-item.ts';
import { getAsset } from './get-asset.ts';
import { libraryFile } from './library-paths.ts';

/** Adapts library assets to the exporters' ExportItem, in the order given. Unknown ids are an error. */
export function toExportItems(db: Database, dataDir: Pick<DataDir, 'library'>, assetIds: readonly string[]): ExportItem[] {
  const tagsOf = db.prepare(
    `SELECT tag FROM asset_tags WHERE asset_id = ? AND removed = 0 ORDER BY source = 'user' DESC, IFNULL(confidence, 2) DESC, tag`,
  );
  return assetIds.map((id) => {
    const a = getAsset(db, id);
    if (!a) throw new AppError('NotFound', `no asset with id ${id}`, { assetId: id });
    return {
      assetId: a.id,
      name: a.name,
      filePath: libraryFile(dataDir, a.relPath),
      ...(a.thumbRelPath ? { thumbPath: libraryFile(dataDir, a.thumbRelPath) } : {}),
      width: a.width,
      height: a.height,
      fileSize: a.fileSize,
      prompt: a.prompt,
      negativePrompt: a.negativePrompt,
      seed: a.seed ?? 0,
      model: a.model,
      params: a.params,
      scores: a.scores,
      styleScore: a.styleScore,
      tags: (tagsOf.all(id) as { tag: string }[]).map((t) => t.tag),
      category: a.category,
      subcategories: a.subcategories,
      batchId: a.batchId,
      createdAt: new Date(a.createdAt).toISOString(),
    };
  });
}
