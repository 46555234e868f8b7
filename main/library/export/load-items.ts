import { AppError } from '../../core/app-error.ts';
import { requireAssetRow, rowToAsset } from '../asset-row.ts';
import type { Asset, LibraryContext } from '../asset-types.ts';
import { libraryFile } from '../library-paths.ts';
import { searchAssets, type SearchQuery } from '../search-assets.ts';
import { getAssetTags } from '../tags-repo.ts';
import type { ExportItem } from './export-item.ts';

/** Which assets an export or sync takes; all given filters combine (AND). */
export interface ExportSelection {
  ids?: string[];
  batchId?: string;
  /** Free-text search, escaped by the library's FTS query builder. */
  query?: string;
  /** Archived assets are included unless this is false; deleted ones never are. */
  includeArchived?: boolean;
  /**
   * The library grid's filter (category, tags, scores, dates, lifecycle state…), as
   * searchQueryFromContract builds it: when given, its states replace includeArchived, so an
   * export takes exactly what the grid shows.
   */
  filter?: Omit<SearchQuery, 'limit' | 'cursor' | 'withTotal' | 'sort' | 'dir'>;
}

/**
 * Adapts library assets (current versions) into ExportItems. Goes through searchAssets so a
 * CLI `--query` means exactly what it means in `assetql search`. Explicit ids keep their order
 * and fail loudly when one is unknown or deleted.
 */
export function loadExportItems(ctx: LibraryContext, selection: ExportSelection = {}): ExportItem[] {
  const states: Asset['state'][] = (selection.filter?.states ?? (selection.includeArchived === false ? ['active'] : ['active', 'archived'])).filter((st) => st !== 'deleted');
  if (states.length === 0) throw new AppError('BadInput', 'deleted assets cannot be exported; undelete them first');
  let assets: Asset[];
  if (selection.ids && selection.ids.length > 0) {
    assets = selection.ids.map((id) => rowToAsset(requireAssetRow(ctx.db, id)));
    for (const a of assets) {
      if (a.state === 'deleted') throw new AppError('NotFound', `asset ${a.id} is deleted`, { assetId: a.id });
    }
    assets = assets.filter(
      (a) => (!selection.batchId || a.batchId === selection.batchId) && states.includes(a.state),
    );
    if (selection.query || selection.filter) {
      const matching = new Set(collect(ctx, selection, states).map((a) => a.id));
      assets = assets.filter((a) => matching.has(a.id));
    }
  } else {
    assets = collect(ctx, selection, states);
  }
  return assets.map((a) => toExportItem(ctx, a));
}

function collect(ctx: LibraryContext, selection: ExportSelection, states: Asset['state'][]): Asset[] {
  const out: Asset[] = [];
  let cursor: string | undefined;
  do {
    const page = searchAssets(ctx.db, {
      ...selection.filter,
      ...(selection.query ? { text: selection.query } : {}),
      ...(selection.batchId ? { batchId: selection.batchId } : {}),
      states,
      sort: 'date',
      dir: 'asc',
      limit: 500,
      withTotal: false,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export function toExportItem(ctx: LibraryContext, a: Asset): ExportItem {
  return {
    assetId: a.id,
    name: a.name,
    filePath: libraryFile(ctx.dataDir, a.relPath),
    ...(a.thumbRelPath ? { thumbPath: libraryFile(ctx.dataDir, a.thumbRelPath) } : {}),
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
    tags: getAssetTags(ctx.db, a.id).map((t) => t.tag),
    category: a.category,
    subcategories: a.subcategories,
    batchId: a.batchId,
    createdAt: new Date(a.createdAt).toISOString(),
  };
}
