import type { CsvCell } from './csv-writer.ts';
import type { ExportItem } from './export-item.ts';

/**
 * The portable description of an asset written into sidecars, metadata.json and metadata.csv.
 * Library paths (filePath/thumbPath) are left out on purpose: they are meaningless to a receiver
 * and leak the user's folder layout.
 */
export type ItemMetadata = Omit<ExportItem, 'filePath' | 'thumbPath'> & { file: string };

export function itemMetadata(item: ExportItem, file: string): ItemMetadata {
  const { assetId, name, filePath: _filePath, thumbPath: _thumbPath, ...rest } = item;
  // assetId and name first, then the file name, then the rest in ExportItem's order.
  return { assetId, name, file, ...rest };
}

/** One metadata.csv row per image; list and object fields are flattened so a spreadsheet shows them. */
export const METADATA_CSV_HEADER = [
  'asset_id', 'name', 'file', 'width', 'height', 'file_size', 'prompt', 'negative_prompt', 'seed', 'model',
  'style_score', 'scores', 'tags', 'category', 'subcategories', 'batch_id', 'created_at', 'params',
] as const;

export function metadataCsvRow(m: ItemMetadata): CsvCell[] {
  return [
    m.assetId, m.name, m.file, m.width, m.height, m.fileSize, m.prompt, m.negativePrompt, m.seed, m.model,
    m.styleScore, JSON.stringify(m.scores), m.tags.join('; '), m.category, m.subcategories.join('; '), m.batchId,
    m.createdAt, JSON.stringify(m.params),
  ];
}
