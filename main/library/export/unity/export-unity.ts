import { readFile } from 'node:fs/promises';
import { AppError } from '../../../core/app-error.ts';
import type { ExportItem } from '../export-item.ts';
import { conflictPolicy, type ExportOptions, type ExportResult } from '../export-options.ts';
import { ExportWriter, runExport } from '../export-writer.ts';
import { buildManifest, manifestJson } from '../manifest.ts';
import { OutputFolder } from '../output-folder.ts';
import { sanitizeBaseName } from '../safe-name.ts';
import { SPRITE_IMPORTER_FILE, spriteImporterScript } from './sprite-importer-script.ts';
import { sanitizeUnityFolder } from './unity-folder.ts';
import { pathExists } from '../../../core/path-exists.ts';

export interface UnityExportOptions extends ExportOptions {
  /** Folder under Assets/ (default "AssetQL"); sanitised to one safe path segment. */
  folder?: string;
  pixelsPerUnit?: number;
}

/**
 * Writes `<out>/Assets/<Folder>/<name>.png` plus the Editor sprite importer, into what is
 * usually an existing Unity project. An existing PNG follows the conflict policy like every
 * export (default refuse, before anything is written; `rename` writes the new image under a
 * new name, recorded in the manifest; `overwrite` replaces the PNG). No `.meta` is ever
 * written: an existing one is left exactly as it is, so Unity keeps the asset's GUID and
 * references. The manifest goes to the project root, outside Assets/, so Unity does not import it.
 */
export async function exportUnity(items: readonly ExportItem[], outDir: string, options: UnityExportOptions = {}): Promise<ExportResult> {
  const folderName = sanitizeUnityFolder(options.folder);
  const folder = await OutputFolder.open(outDir);
  const writer = new ExportWriter(folder, options, items.length);
  const base = `Assets/${folderName}`;
  const policy = conflictPolicy(options);
  return runExport(writer, async () => {
    // Refuse before writing anything: every target is checked first (rollback would remove a
    // partial export anyway, but a refused export should not even touch the project).
    if (policy === 'refuse') {
      for (const item of items) {
        const abs = folder.resolveInside(`${base}/${sanitizeBaseName(item.name, item.assetId)}.png`);
        if (await pathExists(abs)) throw new AppError('Conflict', `${abs} already exists; choose another folder, or --on-conflict rename|overwrite`, { file: abs });
      }
    }
    const metaKept: string[] = [];
    for (const item of items) {
      writer.throwIfAborted();
      const rel = `${base}/${sanitizeBaseName(item.name, item.assetId)}.png`;
      const file = await writer.copyFile(item.filePath, rel, item.assetId, policy);
      if (await pathExists(folder.resolveInside(`${file.path}.meta`))) metaKept.push(`${file.path}.meta`);
      writer.itemDone(item.assetId);
    }
    const scriptRel = `${base}/Editor/${SPRITE_IMPORTER_FILE}`;
    const script = spriteImporterScript(folderName, options.pixelsPerUnit ?? 100);
    const scriptAbs = folder.resolveInside(scriptRel);
    const current = await readFile(scriptAbs, 'utf8').catch(() => undefined);
    let scriptStatus: 'written' | 'unchanged';
    if (current === undefined) {
      await writer.writeBuffer(script, scriptRel);
      scriptStatus = 'written';
    } else if (current === script) {
      scriptStatus = 'unchanged';
    } else if (policy === 'overwrite') {
      await writer.writeBuffer(script, scriptRel, undefined, 'overwrite');
      scriptStatus = 'written';
    } else {
      // A second copy under another name would declare the same class twice and break the
      // project's compile, so refuse instead of renaming.
      throw new AppError('Conflict', `${scriptAbs} exists with different content; delete it to let AssetQL write the current version`, {
        file: scriptAbs,
      });
    }
    const manifest = buildManifest('unity', items, writer.files, writer.renamed, {
      folder: folderName,
      script: scriptRel,
      script_status: scriptStatus,
      meta_files_kept: metaKept,
    });
    const m = await writer.writeBuffer(manifestJson(manifest), `assetql-unity-${folderName}.manifest.json`, undefined, policy === 'overwrite' ? 'overwrite' : 'rename');
    return {
      format: 'unity' as const,
      outDir: folder.root,
      manifestPath: m.path,
      files: writer.files.filter((f) => f !== m),
      itemCount: items.length,
      bytesWritten: writer.bytesWritten,
    };
  });
}

