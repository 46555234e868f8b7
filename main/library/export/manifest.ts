import type { ExportFormat, WrittenFile } from './export-options.ts';
import type { ExportItem } from './export-item.ts';

export const MANIFEST_VERSION = 1;

/**
 * Written by every export so a receiver can check it got every file intact (sha256) and trace
 * each file back to its library asset.
 */
export interface ExportManifest {
  generator: 'assetql';
  format: ExportFormat;
  version: number;
  created: string;
  items: { assetId: string; name: string; batchId: string; files: string[] }[];
  files: WrittenFile[];
  /** Targets that existed already and were written under another name. */
  renamed: { from: string; to: string }[];
  /** Format-specific facts (e.g. Unity folder, Shopify template). */
  extra?: Record<string, unknown>;
}

export function buildManifest(
  format: ExportFormat,
  items: readonly ExportItem[],
  files: readonly WrittenFile[],
  renamed: readonly { from: string; to: string }[],
  extra?: Record<string, unknown>,
  now: Date = new Date(),
): ExportManifest {
  return {
    generator: 'assetql',
    format,
    version: MANIFEST_VERSION,
    created: now.toISOString(),
    items: items.map((it) => ({
      assetId: it.assetId,
      name: it.name,
      batchId: it.batchId,
      files: files.filter((f) => f.assetId === it.assetId).map((f) => f.path),
    })),
    files: [...files],
    renamed: [...renamed],
    ...(extra ? { extra } : {}),
  };
}

export function manifestJson(m: ExportManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
