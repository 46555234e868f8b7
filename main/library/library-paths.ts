import { join } from 'node:path';
import { AppError } from '../core/app-error.ts';

/** Library-relative paths (stored in the DB) and their absolute forms. Always '/' separated. */
export function rawRelPath(batchId: string, assetId: string): string {
  return `raw/${safeSegment(batchId)}/${safeSegment(assetId)}.png`;
}

export function archiveRelPath(rawRel: string): string {
  return rawRel.startsWith('archive/') ? rawRel : `archive/${rawRel}`;
}

export function unarchiveRelPath(rel: string): string {
  return rel.startsWith('archive/') ? rel.slice('archive/'.length) : rel;
}

export function thumbRelPath(assetId: string): string {
  return `thumbnails/${safeSegment(assetId)}.jpg`;
}

export function absLibraryPath(library: string, rel: string): string {
  return join(library, ...rel.split('/'));
}

/** Ids become path segments: refuse anything that could escape the library folder. */
function safeSegment(s: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(s) || s === '.' || s === '..') {
    throw new AppError('BadInput', `unsafe path segment: ${JSON.stringify(s)}`);
  }
  return s;
}

/** Absolute path of a library-relative path, e.g. libraryFile(ctx.dataDir, asset.relPath). */
export function libraryFile(dataDir: { library: string }, rel: string): string {
  return absLibraryPath(dataDir.library, rel);
}
