import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, isAbsolute } from 'node:path';
import type { Upload } from '../../preload/api.ts';
import { AppError } from '../core/app-error.ts';
import { receiveUpload, UPLOAD_LIMITS } from './upload-store.ts';

/**
 * The Electron app's upload: the renderer names a file the user dropped or picked (its path,
 * from webUtils.getPathForFile) and main streams it from disk into the upload store through the
 * same receiveUpload as the browser's POST /upload, so sniffing, the size limits and the removal
 * of partial files are one code path. Only regular files are read: a directory, FIFO, socket or
 * device (directly or behind a symlink) is refused before a byte is read, and so is a file whose
 * size is over the limit. Never reachable from the browser transport (see upload-handlers.ts).
 */
export async function importUploadFromPath(libraryDir: string, path: string): Promise<Upload> {
  if (!isAbsolute(path)) throw new AppError('BadInput', `not an absolute path: ${path}`);
  const name = basename(path);
  // stat follows symlinks: a link to a regular file is fine, a link to /dev/zero is not.
  const before = await stat(path).catch(() => {
    throw new AppError('NotFound', `${name} could not be read (it may have been moved or deleted)`);
  });
  refuseUnlessRegular(name, before.isFile(), before.isDirectory());
  // O_NONBLOCK: if the path was swapped for a FIFO after the stat, opening it must not hang
  // waiting for a writer; the fstat below then refuses it. (Windows has no such flag.)
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let source: ReturnType<typeof handle.createReadStream> | undefined;
  try {
    // Checked again on the open descriptor: what we read is what we checked.
    const opened = await handle.stat();
    refuseUnlessRegular(name, opened.isFile(), opened.isDirectory());
    if (opened.size > UPLOAD_LIMITS.maxFileBytes) {
      throw new AppError('BadInput', `${name} is ${mib(opened.size)} MiB; the limit per file is ${mib(UPLOAD_LIMITS.maxFileBytes)} MiB`);
    }
    // The declared size reserves room; a file that grows meanwhile is still cut off at the
    // per-file limit by receiveUpload's meter.
    source = handle.createReadStream({ highWaterMark: 256 * 1024 });
    return await receiveUpload(libraryDir, name, source, opened.size);
  } catch (err) {
    // Once created, the read stream owns the descriptor (autoClose); destroying it closes it
    // even when receiveUpload refused before reading (e.g. the uploads are full).
    if (source) source.destroy();
    else await handle.close();
    throw err;
  }
}

function refuseUnlessRegular(name: string, isFile: boolean, isDirectory: boolean): void {
  if (isDirectory) throw new AppError('BadInput', `${name} is a folder; drop the files inside it instead`);
  if (!isFile) throw new AppError('BadInput', `${name} is not a regular file (a pipe, socket or device is never read)`);
}

const mib = (n: number): number => Math.round(n / 1024 / 1024);
