/** Options and results shared by every export format. */
export interface ExportProgress {
  itemsDone: number;
  itemsTotal: number;
  bytesWritten: number;
  /** The item just finished, when there is one. */
  assetId?: string;
}

export interface ExportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /**
   * When a target file already exists: false (default) refuses with a Conflict error;
   * true writes under a new unique name instead. Existing files are never overwritten.
   */
  renameOnConflict?: boolean;
}

export interface WrittenFile {
  /** Path relative to the output folder, always with forward slashes. */
  path: string;
  sha256: string;
  bytes: number;
  /** Source asset, for files that came from one. */
  assetId?: string;
}

export interface ExportResult {
  format: ExportFormat;
  outDir: string;
  /** Relative path of the manifest inside outDir. */
  manifestPath: string;
  files: WrittenFile[];
  itemCount: number;
  bytesWritten: number;
}

export const EXPORT_FORMATS = ['file', 'zip', 'unity', 'shopify'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
