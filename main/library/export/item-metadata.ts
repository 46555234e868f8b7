import type { CsvCell } from './csv-writer.ts';
import type { ExportItem } from './export-item.ts';

/**
 * The portable description of an asset written into sidecars, metadata.json and metadata.csv.
 * Library paths (filePath/thumbPath) are left out on purpose: they are meaningless to a receiver
 * and leak the user's folder layout.
 */
export interface ItemMetadata {
  assetId: string;
  name: string;
  file: string;
  width: number;
  height: number;
  fileSize: number;
  prompt: string;
  negativePrompt: string;
  seed: number;
  model: string;
  params: Record<string, unknown>;
  scores: Record<string, number | null>;
  styleScore: number | null;
  tags: string[];
  category: string | null;
  subcategories: string[];
  batchId: string;
  createdAt: string;
}

export function itemMetadata(item: ExportItem, file: string): ItemMetadata {
  return {
    assetId: item.assetId,
    name: item.name,
    file,
    width: item.width,
    height: item.height,
    fileSize: item.fileSize,
    prompt: item.prompt,
    negativePrompt: item.negativePrompt,
    seed: item.seed,
    model: item.model,
    params: item.params,
    scores: item.scores,
    styleScore: item.styleScore,
    tags: item.tags,
    category: item.category,
    subcategories: item.subcategories,
    batchId: item.batchId,
    createdAt: item.createdAt,
  };
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
