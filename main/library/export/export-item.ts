/**
 * What every exporter and the S3 sync consume. It is deliberately decoupled from the assets
 * table: load-items.ts adapts library rows into this shape, so export code never depends on
 * the library schema and can be tested with hand-made items.
 */
export interface ExportItem {
  assetId: string;
  /** Human name (from the CSV row); sanitised before it becomes a file name. */
  name: string;
  /** Absolute path of the PNG in the library. */
  filePath: string;
  /** Absolute path of the 256×256 JPEG thumbnail, when one exists. */
  thumbPath?: string;
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
  /** ISO 8601. */
  createdAt: string;
}
