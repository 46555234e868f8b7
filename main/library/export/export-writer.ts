import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../core/app-error.ts';
import { conflictPolicy, type ConflictPolicy, type ExportOptions, type ExportProgress, type WrittenFile } from './export-options.ts';
import { HashingStream } from './hashing-stream.ts';
import type { OutputFolder } from './output-folder.ts';

/**
 * Writes files for one export run: exclusive create (never clobbers), sha256 of every byte
 * written, progress in bytes, cancellation through AbortSignal, and removal of everything this
 * run created when it fails or is cancelled, so a folder never holds half an export.
 */
export class ExportWriter {
  readonly files: WrittenFile[] = [];
  readonly renamed: { from: string; to: string }[] = [];
  private readonly created: string[] = [];
  bytesWritten = 0;
  itemsDone = 0;

  constructor(
    readonly folder: OutputFolder,
    private readonly options: ExportOptions,
    readonly itemsTotal: number,
  ) {}

  throwIfAborted(): void {
    if (this.options.signal?.aborted) throw new AppError('Cancelled', 'export cancelled');
  }

  /** Copies a source file to relPath (renamed when allowed and taken). */
  async copyFile(sourcePath: string, relPath: string, assetId?: string, policy?: ConflictPolicy | boolean): Promise<WrittenFile> {
    try {
      await stat(sourcePath);
    } catch {
      throw new AppError('NotFound', `source file missing: ${sourcePath}`, { file: sourcePath, ...(assetId ? { assetId } : {}) });
    }
    return this.writeStream(createReadStream(sourcePath), relPath, assetId, policy);
  }

  async writeBuffer(data: Buffer | string, relPath: string, assetId?: string, policy?: ConflictPolicy | boolean): Promise<WrittenFile> {
    return this.writeStream(Readable.from([Buffer.from(data)]), relPath, assetId, policy);
  }

  async writeStream(source: Readable, relPath: string, assetId?: string, policy?: ConflictPolicy | boolean): Promise<WrittenFile> {
    this.throwIfAborted();
    const target = await this.folder.reserve(relPath, policy ?? conflictPolicy(this.options));
    if (target.renamed) this.renamed.push({ from: relPath, to: target.rel });
    const hasher = new HashingStream((n) => {
      this.bytesWritten += n;
    });
    // 'wx' fails if something appeared since reserve(): never overwrites by accident. An
    // overwrite asked for is written beside the old file and renamed over it when complete.
    const writeAbs = target.replaces ? `${target.abs}.${randomBytes(4).toString('hex')}.partial` : target.abs;
    const out = createWriteStream(writeAbs, { flags: 'wx' });
    if (!target.replaces) this.created.push(target.abs);
    try {
      await pipeline(source, hasher, out, this.options.signal ? { signal: this.options.signal } : {});
      if (target.replaces) await rename(writeAbs, target.abs);
    } catch (err) {
      source.destroy();
      if (target.replaces) await unlink(writeAbs).catch(() => undefined);
      throw asExportError(err, target.abs);
    }
    const file: WrittenFile = { path: target.rel, sha256: hasher.sha256(), bytes: hasher.bytes, ...(assetId ? { assetId } : {}) };
    this.files.push(file);
    return file;
  }

  /** Records a temp file renamed into place by the caller, so cleanup knows it. */
  adopt(abs: string, file: WrittenFile): void {
    this.created.push(abs);
    this.files.push(file);
  }

  itemDone(assetId?: string): void {
    this.itemsDone++;
    this.progress(assetId);
  }

  progress(assetId?: string): void {
    const p: ExportProgress = { itemsDone: this.itemsDone, itemsTotal: this.itemsTotal, bytesWritten: this.bytesWritten };
    if (assetId) p.assetId = assetId;
    this.options.onProgress?.(p);
  }

  /** Removes every file this run created (best effort); used on failure and cancellation. */
  async rollback(): Promise<void> {
    for (const abs of this.created.reverse()) await unlink(abs).catch(() => undefined);
  }
}

export function asExportError(err: unknown, file: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') return new AppError('Cancelled', 'export cancelled');
  if (e?.code === 'EEXIST') return new AppError('Conflict', `${file} already exists`, { file });
  if (e?.code === 'ENOSPC') return new AppError('Unavailable', `disk full while writing ${file}`, { file });
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return new AppError('BadInput', `no permission to write ${file}`, { file });
  if (e?.code === 'ENOENT') return new AppError('NotFound', `file missing while exporting: ${e.path ?? file}`, { file: e.path ?? file });
  return new AppError('Internal', `export failed writing ${file}: ${e?.message ?? String(err)}`, { file });
}

/** Runs an export body; on any failure removes what it wrote and rethrows as an AppError. */
export async function runExport<T>(writer: ExportWriter, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    await writer.rollback();
    throw asExportError(err, writer.folder.root);
  }
}
