import type { ExportItem } from './export-item.ts';
import { companionPolicy, conflictPolicy, type ExportOptions, type ExportResult } from './export-options.ts';
import { ExportWriter, runExport } from './export-writer.ts';
import { itemMetadata } from './item-metadata.ts';
import { buildManifest, manifestJson } from './manifest.ts';
import { OutputFolder } from './output-folder.ts';
import { sanitizeBaseName } from './safe-name.ts';

/**
 * Plain file export: each asset's PNG plus a `<name>.json` sidecar with its recipe, scores and
 * tags, then a manifest. The sidecar takes the PNG's final (possibly renamed) base name so the
 * pair always matches.
 */
export async function exportFiles(
  items: readonly ExportItem[],
  outDir: string,
  options: ExportOptions = {},
  manifestName = 'assetql-manifest.json',
): Promise<ExportResult> {
  const folder = await OutputFolder.open(outDir);
  const writer = new ExportWriter(folder, options, items.length);
  return runExport(writer, async () => {
    for (const item of items) {
      writer.throwIfAborted();
      const base = sanitizeBaseName(item.name, item.assetId);
      const png = await writer.copyFile(item.filePath, `${base}.png`, item.assetId);
      const finalBase = png.path.slice(0, -'.png'.length);
      const sidecar = `${JSON.stringify(itemMetadata(item, png.path), null, 2)}\n`;
      await writer.writeBuffer(sidecar, `${finalBase}.json`, item.assetId, companionPolicy(options));
      writer.itemDone(item.assetId);
    }
    const manifest = buildManifest('file', items, writer.files, writer.renamed);
    const m = await writer.writeBuffer(manifestJson(manifest), manifestName, undefined, conflictPolicy(options));
    return {
      format: 'file' as const,
      outDir: folder.root,
      manifestPath: m.path,
      files: writer.files.filter((f) => f !== m),
      itemCount: items.length,
      bytesWritten: writer.bytesWritten,
    };
  });
}

/** One asset: `<name>.png`, `<name>.json` and `<name>.manifest.json`. */
export async function exportSingleFile(item: ExportItem, outDir: string, options: ExportOptions = {}): Promise<ExportResult> {
  return exportFiles([item], outDir, options, `${sanitizeBaseName(item.name, item.assetId)}.manifest.json`);
}
