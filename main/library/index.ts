// Public surface of the library core (export/ and sync/ have their own entry points).
export type { Asset, AssetState, AssetTag, LibraryContext, TagGroup, TagSource } from './asset-types.ts';
export { storeAsset, type StoreAssetInput, type StoreAssetResult } from './store-asset.ts';
export { getAsset } from './get-asset.ts';
export { listAssetVersions, pruneVersions } from './asset-versions.ts';
export { libraryFile } from './library-paths.ts';
export { readPngParameters, readPngParametersText } from './read-png-parameters.ts';
export { formatA1111Parameters, parseA1111Parameters, type A1111Parameters } from './a1111-parameters.ts';
export { makeThumbnail, rebuildThumbnails, THUMB_QUALITY, THUMB_SIZE } from './thumbnails.ts';
export { getAssetTags, setAssetTags, clearTagOverride, overrideCategory, applyAutoTags, type AutoTagging } from './tags-repo.ts';
export type { Tagger, TaggerInput } from './tagger.ts';
export { createClipZeroShotTagger } from './clip-zero-shot-tagger.ts';
export { createClaudeVisionTagger } from './claude-vision-tagger.ts';
export { TAG_VOCABULARY } from './tag-vocabulary.ts';
export { tagAsset, loadRgbImage } from './tag-asset.ts';
export { searchAssets, type SearchQuery, type SearchResult } from './search-assets.ts';
export { toFtsQuery } from './fts-query.ts';
export { similarAssets, similarToImage, type SimilarHit, type SimilarQuery } from './similar-assets.ts';
export { putEmbedding, getEmbedding } from './embeddings-repo.ts';
export {
  archiveAsset,
  restoreAsset,
  archiveStaleAssets,
  deleteAsset,
  undeleteAsset,
  purgeDeletedAssets,
} from './lifecycle.ts';
export { onLibraryEvent, type LibraryEvent } from './library-events.ts';
export { libraryStats, type LibraryStats } from './library-stats.ts';
export { LIBRARY_SETTINGS } from './library-settings.ts';
