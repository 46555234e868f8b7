import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { AppError } from '../../core/app-error.ts';
import { toCsv } from './csv-writer.ts';
import type { ExportItem } from './export-item.ts';
import { conflictPolicy, type ExportOptions, type ExportResult, type WrittenFile } from './export-options.ts';
import { ExportWriter, asExportError, runExport } from './export-writer.ts';
import { HashingStream } from './hashing-stream.ts';
import { METADATA_CSV_HEADER, itemMetadata, metadataCsvRow, type ItemMetadata } from './item-metadata.ts';
import { buildManifest, manifestJson } from './manifest.ts';
import { OutputFolder } from './output-folder.ts';
import { sanitizeBaseName, withCounter } from './safe-name.ts';
import { ZipStreamWriter } from './zip-stream-writer.ts';

export interface ZipExportOptions extends ExportOptions {
  /** Archive file name inside outDir; default `assetql-export-<timestamp>.zip`. */
  fileName?: string;
}

/**
 * Bulk ZIP: `images/<name>.png` for every asset, `metadata.csv`, `metadata.json` and
 * `manifest.json` (sha256 of every entry) inside; a `<zip>.manifest.json` next to it with the
 * archive's own sha256.
 *
 * Streaming: ZipStreamWriter writes straight into a temp file, one PNG at a time in 1 MiB chunks,
 * hashing (sha256 + CRC-32) each chunk from the same single read and hashing the archive from the
 * bytes as written, so memory stays flat whatever the archive size (a 25k-image export never sits
 * in RAM and never holds 25k open descriptors). The temp file is linked into place only when
 * complete. PNGs are STORED, not deflated: PNG data is already zlib-compressed, so
 * deflating it again costs CPU for ~0 % gain; the small metadata files are deflated.
 */
export async function exportZip(items: readonly ExportItem[], outDir: string, options: ZipExportOptions = {}): Promise<ExportResult> {
  const folder = await OutputFolder.open(outDir);
  const writer = new ExportWriter(folder, options, items.length);
  const zipName = `${sanitizeBaseName((options.fileName ?? defaultZipName()).replace(/\.zip$/i, ''), 'assetql-export')}.zip`;
  const target = await folder.reserve(zipName, conflictPolicy(options));
  if (target.renamed) writer.renamed.push({ from: zipName, to: target.rel });
  const tmpAbs = folder.resolveInside(`.${target.rel}.${randomBytes(4).toString('hex')}.partial`);

  return runExport(writer, async () => {
    const entries: WrittenFile[] = [];
    const out = await open(tmpAbs, 'wx');
    const zip = new ZipStreamWriter(out, (n) => {
      writer.bytesWritten += n;
    });
    const checkAbort = (): void => writer.throwIfAborted();
    let archive: { sha256: string; bytes: number };
    try {
      entries.push(...(await writeZipEntries(zip, items, { checkAbort, itemDone: (id) => writer.itemDone(id) })));
      archive = await zip.finish();
      await out.close();
    } catch (err) {
      await zip.settle();
      await out.close().catch(() => undefined);
      await unlink(tmpAbs).catch(() => undefined);
      throw asExportError(err, tmpAbs);
    }
    if (target.replaces) await rename(tmpAbs, target.abs); // --on-conflict overwrite: atomic swap
    else await commitTemp(tmpAbs, target.abs);
    const zipFile: WrittenFile = { path: target.rel, sha256: archive.sha256, bytes: archive.bytes };
    writer.adopt(target.abs, zipFile);
    const outer = buildManifest('zip', items, [zipFile], writer.renamed, { entries });
    const m = await writer.writeBuffer(manifestJson(outer), `${target.rel}.manifest.json`, undefined, target.replaces ? 'overwrite' : 'rename');
    writer.progress();
    return {
      format: 'zip' as const,
      outDir: folder.root,
      manifestPath: m.path,
      files: [zipFile],
      itemCount: items.length,
      bytesWritten: writer.bytesWritten,
    };
  });
}

/**
 * Moves the finished temp file into place without ever replacing an existing file: link()
 * fails with EEXIST where rename() would silently overwrite. File systems without hard links
 * (FAT/exFAT USB drives) fall back to check-then-rename.
 */
async function commitTemp(tmpAbs: string, targetAbs: string): Promise<void> {
  try {
    await link(tmpAbs, targetAbs);
    await unlink(tmpAbs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      await unlink(tmpAbs).catch(() => undefined);
      throw new AppError('Conflict', `${targetAbs} appeared while exporting; not overwriting it`, { file: targetAbs });
    }
    const taken = await stat(targetAbs).then(() => true, () => false);
    if (taken) throw new AppError('Conflict', `${targetAbs} already exists`, { file: targetAbs });
    await rename(tmpAbs, targetAbs);
  }
}

/**
 * The archive's content (images/, metadata.csv, metadata.json, manifest.json), shared by the
 * export to a folder and the browser download, which streams the same bytes to the response.
 */
export async function writeZipEntries(
  zip: ZipStreamWriter,
  items: readonly ExportItem[],
  hooks: { checkAbort(): void; itemDone(assetId: string): void },
): Promise<WrittenFile[]> {
  const entries: WrittenFile[] = [];
  const metadata: ItemMetadata[] = [];
  const used = new Set<string>();
  for (const item of items) {
    hooks.checkAbort();
    const entryName = uniqueEntry(`images/${sanitizeBaseName(item.name, item.assetId)}.png`, used);
    const src = await open(item.filePath, 'r').catch(() => {
      throw new AppError('NotFound', `source file missing: ${item.filePath}`, { file: item.filePath, assetId: item.assetId });
    });
    // One entry at a time keeps descriptors and memory bounded and gives accurate per-item progress.
    let stored: { sha256: string; bytes: number };
    try {
      stored = await zip.addFile(entryName, src, (await src.stat()).mtime, hooks.checkAbort);
    } finally {
      await src.close();
    }
    entries.push({ path: entryName, sha256: stored.sha256, bytes: stored.bytes, assetId: item.assetId });
    metadata.push(itemMetadata(item, entryName));
    hooks.itemDone(item.assetId);
  }
  const addText = async (name: string, text: string): Promise<void> => {
    const buf = Buffer.from(text, 'utf8');
    entries.push({ path: name, sha256: HashingStream.of(buf), bytes: buf.length });
    await zip.addBuffer(name, buf, { compress: true });
  };
  await addText('metadata.csv', toCsv(METADATA_CSV_HEADER, metadata.map(metadataCsvRow)));
  await addText('metadata.json', `${JSON.stringify({ items: metadata }, null, 2)}\n`);
  const inner = buildManifest('zip', items, entries, []);
  await zip.addBuffer('manifest.json', Buffer.from(manifestJson(inner)), { compress: true });
  return entries;
}

function uniqueEntry(name: string, used: Set<string>): string {
  let n = 1;
  let candidate = name;
  while (used.has(candidate.toLowerCase())) candidate = withCounter(name, ++n);
  used.add(candidate.toLowerCase());
  return candidate;
}

export function defaultZipName(now = new Date()): string {
  return `assetql-export-${now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}`;
}
