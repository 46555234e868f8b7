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
   * When a target file already exists on disk: 'refuse' (the default) fails with a Conflict
   * error before anything is written; 'rename' writes under a new unique name; 'overwrite'
   * replaces the file (atomically: written beside it, then renamed over it). A Unity `.meta`
   * is never written or replaced whatever the policy.
   */
  onConflict?: ConflictPolicy;
  /** Older spelling of onConflict: 'rename' (true) or 'refuse' (false). */
  renameOnConflict?: boolean;
}

export const CONFLICT_POLICIES = ['refuse', 'rename', 'overwrite'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export function conflictPolicy(options: Pick<ExportOptions, 'onConflict' | 'renameOnConflict'>): ConflictPolicy {
  return options.onConflict ?? (options.renameOnConflict ? 'rename' : 'refuse');
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

/** Files that accompany others (sidecars, manifests): never refused, replaced only on overwrite. */
export function companionPolicy(options: Pick<ExportOptions, 'onConflict' | 'renameOnConflict'>): ConflictPolicy {
  return conflictPolicy(options) === 'overwrite' ? 'overwrite' : 'rename';
}
