import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Upload } from '../../preload/api.ts';
import { AppError } from '../core/app-error.ts';
import { resolveInside } from '../core/safe-path.ts';
import { ACCEPTED_DESCRIPTION, nameForContent, SNIFF_BYTES, sniffUploadContent, type UploadContent } from './upload-content.ts';
import { reserveUploadBytes, UPLOAD_LIMITS } from './upload-limits.ts';

/**
 * Files the renderer hands over (CSV, reference images, an image to search by). Kept under
 * <library>/uploads/<uploadId>/<name> so later requests refer to them by id and the browser UI
 * can show them through /files/. Names are reduced to a safe basename; nothing escapes. What a
 * file is comes from its bytes (upload-content.ts); anything else is refused, not stored.
 */
const UPLOADS = 'uploads';

export { UPLOAD_LIMITS } from './upload-limits.ts';

/** Stores an upload that is already in memory (Electron IPC hands over one buffer). */
export function putUpload(libraryDir: string, name: string, data: Buffer): Upload {
  if (data.length === 0) throw new AppError('BadInput', `${name} is empty`);
  checkSize(name, data.length);
  const content = contentOf(name, data.subarray(0, SNIFF_BYTES));
  const release = reserveUploadBytes(join(libraryDir, UPLOADS), name, data.length);
  try {
    const safe = nameForContent(safeFileName(name), content);
    const uploadId = randomUUID();
    const dir = join(libraryDir, UPLOADS, uploadId);
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${safe}.part`);
    try {
      writeFileSync(tmp, data);
      renameSync(tmp, join(dir, safe));
    } catch (err) {
      rmSync(dir, { recursive: true, force: true }); // never leave half a file behind
      throw err;
    }
    return { uploadId, name: safe, size: data.length, kind: kindOf(content) };
  } finally {
    release();
  }
}

/**
 * Streams an upload to disk (the browser UI's POST /upload): memory stays at one chunk however
 * large the file, the size limits are enforced while the bytes arrive, and a refused, aborted or
 * failed upload leaves nothing behind.
 */
export async function receiveUpload(libraryDir: string, name: string, source: NodeJS.ReadableStream, declaredBytes?: number): Promise<Upload> {
  if (declaredBytes !== undefined) checkSize(name, declaredBytes);
  const release = reserveUploadBytes(join(libraryDir, UPLOADS), name, declaredBytes ?? UPLOAD_LIMITS.maxFileBytes);
  const uploadId = randomUUID();
  const dir = join(libraryDir, UPLOADS, uploadId);
  const safe = safeFileName(name);
  const tmp = join(dir, '.upload.part');
  let size = 0;
  let head = Buffer.alloc(0);
  try {
    mkdirSync(dir, { recursive: true });
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        size += chunk.length;
        if (size > UPLOAD_LIMITS.maxFileBytes) return done(tooLarge(name, size));
        if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES - head.length)]);
        done(null, chunk);
      },
    });
    await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
    if (size === 0) throw new AppError('BadInput', `${name} is empty`);
    const finalName = nameForContent(safe, contentOf(name, head));
    renameSync(tmp, join(dir, finalName));
    return { uploadId, name: finalName, size, kind: kindOf(contentOf(name, head)) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  } finally {
    release();
  }
}

function contentOf(name: string, head: Buffer): UploadContent {
  const content = sniffUploadContent(head);
  if (!content) throw new AppError('BadInput', `${name} is not ${ACCEPTED_DESCRIPTION} (checked by its content, not its name); it was not stored`);
  return content;
}

function checkSize(name: string, bytes: number): void {
  if (bytes > UPLOAD_LIMITS.maxFileBytes) throw tooLarge(name, bytes);
}

function tooLarge(name: string, bytes: number): AppError {
  return new AppError('BadInput', `${name} is over ${mib(UPLOAD_LIMITS.maxFileBytes)} MiB (${mib(bytes)} MiB received); the limit per file is ${mib(UPLOAD_LIMITS.maxFileBytes)} MiB`);
}

const mib = (n: number): number => Math.round(n / 1024 / 1024);

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
  return { uploadId, name, size: statSync(path).size, kind: kindOfName(name), path, relPath: `${UPLOADS}/${uploadId}/${name}` };
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
  const cleaned = [...base].map((ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || '<>:"/\\|?*'.includes(ch) ? '_' : ch)).join('').replace(/_+/g, '_').replace(/^\.+/, '').slice(0, 180);
  return cleaned || 'upload';
}

function kindOf(content: UploadContent): Upload['kind'] {
  return content === 'csv' ? 'csv' : 'image';
}

/** Stored names always carry the extension of their sniffed content (nameForContent). */
function kindOfName(name: string): Upload['kind'] {
  const lower = name.toLowerCase();
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  return /\.(png|jpe?g|webp)$/.test(lower) ? 'image' : 'other';
}
