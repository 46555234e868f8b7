import { readFileSync } from 'node:fs';
import type { AssetDetail, AssetSummary } from '../../../preload/api.ts';
import type { AppServices } from '../app-services.ts';
import type { FileUrl } from '../../core/file-urls.ts';
import { AppError } from '../../core/app-error.ts';
import type { Asset } from '../../library/asset-types.ts';
import { getAsset } from '../../library/get-asset.ts';
import { searchAssets } from '../../library/search-assets.ts';
import { similarAssets, similarToImage } from '../../library/similar-assets.ts';
import { getAssetTags, normaliseTag, overrideCategory, setAssetTags } from '../../library/tags-repo.ts';
import { listAssetVersions } from '../../library/asset-versions.ts';
import { archiveAsset, deleteAsset, purgeDeletedAssets, restoreAsset, undeleteAsset } from '../../library/lifecycle.ts';
import { purgeAssetVersion } from '../../library/purge-asset.ts';
import { requireAssetRow } from '../../library/asset-row.ts';
import { searchQueryFromContract } from '../../library/contract-query.ts';
import { libraryFacets } from '../../library/library-facets.ts';
import { onLibraryEvent } from '../../library/library-events.ts';
import { libraryFile } from '../../library/library-paths.ts';
import { readPngParametersText } from '../../library/read-png-parameters.ts';
import { loadRgbImage } from '../../library/tag-asset.ts';
import { getUpload } from '../../uploads/upload-store.ts';
import { scoresDto, iso } from '../dto/pipeline-dto.ts';
import { readStyleScores } from '../../pipeline/records/style-scores.ts';
import { BatchConfigSchema } from '../../pipeline/records/batch-config.ts';
import { getBatch } from '../../pipeline/ledger-api.ts';

function summaryDto(a: Asset, fileUrl: FileUrl): AssetSummary {
  return {
    id: a.id, name: a.name, thumbUrl: fileUrl(a.thumbRelPath ?? a.relPath), styleScore: a.styleScore, category: a.category,
    width: a.width, height: a.height, createdAt: iso(a.createdAt), state: a.state,
  };
}

function detailDto(s: AppServices, a: Asset): AssetDetail {
  const tags = getAssetTags(s.app.db, a.id);
  let recipe = '';
  try {
    recipe = readPngParametersText(readFileSync(libraryFile(s.app.dataDir, a.relPath))) ?? '';
  } catch {
    recipe = ''; // file archived to cold storage or missing: the DB still has the recipe fields
  }
  return {
    ...summaryDto(a, s.fileUrl),
    imageUrl: s.fileUrl(a.relPath),
    batchId: a.batchId, prompt: a.prompt, negativePrompt: a.negativePrompt, params: a.params, seed: a.seed ?? 0, model: a.model, loras: assetLoras(s, a.id),
    scores: scoresDto(readStyleScores(a.scores), getBatch(s.app.db, a.batchId)?.config ?? BatchConfigSchema.parse({})),
    tags: tags.map((t) => ({ tag: t.tag, group: t.group, confidence: t.confidence ?? 1, source: t.source })),
    subcategories: a.subcategories,
    version: a.version,
    versions: listAssetVersions(s.app.db, a.id).map((v) => ({ id: v.id, version: v.version, createdAt: iso(v.createdAt), thumbUrl: s.fileUrl(v.thumbRelPath ?? v.relPath) })),
    fileSize: a.fileSize,
    recipe,
  };
}

/** The recipe's LoRA names (assets.loras, JSON); a malformed value reads as none. */
function assetLoras(s: AppServices, id: string): string[] {
  const row = s.app.db.prepare('SELECT loras FROM assets WHERE id = ?').get(id) as { loras: string | null } | undefined;
  if (!row?.loras) return [];
  try {
    const v = JSON.parse(row.loras) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function requireAsset(s: AppServices, id: string): Asset {
  const a = getAsset(s.app.db, id);
  if (!a) throw new AppError('NotFound', `asset ${id} not found`);
  return a;
}

export function registerLibraryHandlers(s: AppServices): void {
  const ctx = { db: s.app.db, dataDir: s.app.dataDir };
  // Library changes reach the renderer (and the grid refreshes) whatever caused them.
  const off = onLibraryEvent((e) => s.bus.emit('library.changed', { assetIds: [e.assetId] }));
  s.onClose(off);

  s.registry.handle('library.search', (q) => {
    // The first page counts exactly, so the header's number is what scrolling reaches.
    const r = searchAssets(s.app.db, { ...searchQueryFromContract(q), limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : { withTotal: 'exact' as const }) });
    return { items: r.items.map((a) => summaryDto(a, s.fileUrl)), nextCursor: r.nextCursor, total: r.total ?? -1, totalExact: r.total !== null && r.totalExact };
  });

  s.registry.handle('library.get', ({ id }) => detailDto(s, requireAsset(s, id)));

  s.registry.handle('library.similar', async ({ assetId, uploadId, k }) => {
    if (assetId) return similarAssets(s.app.db, { assetId, k }).map((h) => summaryDto(h.asset, s.fileUrl));
    if (!uploadId) throw new AppError('BadInput', 'give an asset or an image to search by');
    const embedder = await s.inference.embedder();
    if (!embedder) throw new AppError('ModelMissing', 'visual search needs a CLIP pack: install one in Settings → Model packs');
    const image = await loadRgbImage(getUpload(s.app.dataDir.library, uploadId).path);
    return (await similarToImage(s.app.db, embedder, image, { k })).map((h) => summaryDto(h.asset, s.fileUrl));
  });

  s.registry.handle('library.setTags', ({ id, tags }) => {
    const current = getAssetTags(s.app.db, id).map((t) => t.tag);
    const wanted = new Set(tags.map(normaliseTag));
    setAssetTags(s.app.db, id, { add: [...wanted].filter((t) => !current.includes(t)), remove: current.filter((t) => !wanted.has(t)) });
    return detailDto(s, requireAsset(s, id));
  });

  s.registry.handle('library.setCategory', ({ id, category }) => {
    requireAsset(s, id);
    overrideCategory(s.app.db, id, category);
    return detailDto(s, requireAsset(s, id));
  });

  s.registry.handle('library.archive', async ({ ids }) => {
    for (const id of ids) await archiveAsset(ctx, id);
    return { changed: ids.length };
  });
  s.registry.handle('library.restore', async ({ ids }) => {
    for (const id of ids) await restoreAsset(ctx, id);
    return { changed: ids.length };
  });
  s.registry.handle('library.delete', ({ ids }) => {
    for (const id of ids) deleteAsset(ctx, id);
    return { changed: ids.length };
  });

  s.registry.handle('library.undelete', ({ ids }) => {
    for (const id of ids) undeleteAsset(ctx, id);
    return { changed: ids.length };
  });
  s.registry.handle('library.purge', async ({ ids }) => {
    if (!ids) return { purged: (await purgeDeletedAssets(ctx)).length };
    // Only deleted assets can be purged: a purge is never the first step of removing something.
    const versions: string[] = [];
    for (const id of ids) {
      const row = requireAssetRow(s.app.db, id);
      if (row.state !== 'deleted') throw new AppError('Conflict', `asset ${id} is ${row.state}; delete it before purging`);
      versions.push(...(s.app.db.prepare('SELECT id FROM assets WHERE lineage_id = ? ORDER BY version').all(row.lineage_id) as { id: string }[]).map((r) => r.id));
    }
    for (const v of versions) await purgeAssetVersion(ctx, v);
    return { purged: ids.length };
  });

  s.registry.handle('library.facets', () => libraryFacets(s.app.db));
}
