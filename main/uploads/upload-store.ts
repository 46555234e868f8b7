import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Upload } from '../../preload/api.ts';
import { AppError } from '../core/app-error.ts';
import { resolveInside } from '../core/safe-path.ts';

/**
 * Files the renderer hands over (CSV, reference images, an image to search by). Kept under
 * <library>/uploads/<uploadId>/<name> so later requests refer to them by id and the browser UI
 * can show them through /files/. Names are reduced to a safe basename; nothing escapes.
 */
const UPLOADS = 'uploads';
const MAX_BYTES = 150 * 1024 * 1024;
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.webp']);

export function putUpload(libraryDir: string, name: string, data: Buffer): Upload {
  if (data.length === 0) throw new AppError('BadInput', `${name} is empty`);
  if (data.length > MAX_BYTES) throw new AppError('BadInput', `${name} is ${Math.round(data.length / 1e6)} MB; the limit is ${MAX_BYTES / 1e6} MB`);
  const safe = safeFileName(name);
  const uploadId = randomUUID();
  const dir = join(libraryDir, UPLOADS, uploadId);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${safe}.part`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(dir, safe));
  return { uploadId, name: safe, size: data.length, kind: kindOf(safe) };
}

export interface StoredUpload extends Upload {
  path: string;
  /** Library-relative path, for URLs. */
  relPath: string;
}

export function getUpload(libraryDir: string, uploadId: string): StoredUpload {
  if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new AppError('BadInput', `not an upload id: ${uploadId}`);
  const dir = resolveInside(join(libraryDir, UPLOADS), uploadId);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    throw new AppError('NotFound', `upload ${uploadId} not found (uploads are kept for 7 days)`);
  }
  const name = names[0];
  if (!name) throw new AppError('NotFound', `upload ${uploadId} is empty`);
  const path = join(dir, name);
  return { uploadId, name, size: statSync(path).size, kind: kindOf(name), path, relPath: `${UPLOADS}/${uploadId}/${name}` };
}

/** Uploads are scratch: drop ones older than maxAgeMs (called at startup). */
export function pruneUploads(libraryDir: string, maxAgeMs = 7 * 24 * 3600 * 1000, now = Date.now()): number {
  const root = join(libraryDir, UPLOADS);
  let removed = 0;
  for (const id of safeReaddir(root)) {
    const dir = join(root, id);
    if (now - statSync(dir).mtimeMs > maxAgeMs) {
      rmSync(dir, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'));
  // Control characters and characters Windows forbids in names become '_'.
  const cleaned = [...base].map((ch) => (ch.charCodeAt(0) < 0x20 || '<>:"/\\|?*'.includes(ch) ? '_' : ch)).join('').replace(/_+/g, '_').replace(/^\.+/, '').slice(0, 180);
  return cleaned || 'upload';
}

function kindOf(name: string): Upload['kind'] {
  const ext = extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  return IMAGE_EXT.has(ext) ? 'image' : 'other';
}
