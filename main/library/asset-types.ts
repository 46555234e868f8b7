import type { Database } from 'better-sqlite3';
import type { DataDir } from '../core/data-dir.ts';

/** What library functions need; AppContext satisfies it. */
export interface LibraryContext {
  db: Database;
  dataDir: DataDir;
}

export type AssetState = 'active' | 'archived' | 'deleted';
export const ASSET_STATES: readonly AssetState[] = ['active', 'archived', 'deleted'];

export type TagSource = 'clip' | 'claude' | 'user';
export type TagGroup = 'scene' | 'objects' | 'colours' | 'mood' | 'style' | 'composition' | 'custom';

export interface AssetTag {
  tag: string;
  group: TagGroup;
  /** 0..1; null for user tags. */
  confidence: number | null;
  source: TagSource;
}

/** One asset version as the rest of the app sees it. */
export interface Asset {
  id: string;
  lineageId: string;
  version: number;
  isCurrent: boolean;
  batchId: string;
  taskId: string | null;
  taskKey: string | null;
  name: string;
  /** Library-relative, '/' separated path of the PNG wherever it lives now (raw/… or archive/raw/…); see libraryFile(). */
  relPath: string;
  /** Library-relative path of the 256×256 JPEG, null until generated. */
  thumbRelPath: string | null;
  fileSize: number;
  width: number;
  height: number;
  sha256: string;
  prompt: string;
  negativePrompt: string;
  params: Record<string, unknown>;
  seed: number | null;
  model: string;
  scores: Record<string, number | null>;
  styleScore: number | null;
  category: string | null;
  categorySource: 'auto' | 'user' | null;
  subcategories: string[];
  state: AssetState;
  sourceRow: Record<string, string> | null;
  rowIndex: number | null;
  createdAt: number;
  updatedAt: number;
  archivedAt: number | null;
  deletedAt: number | null;
  taggedAt: number | null;
}
