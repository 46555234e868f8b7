import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { FILE_SANDBOX_CSP } from './content-security.ts';

const RENDERER_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

export function rendererContentType(file: string): string {
  return RENDERER_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Headers for a file from the library (/files/). Only the raster images the app writes are
 * shown inline; everything else — uploads included, whatever their type — is a download
 * (`attachment`, octet-stream), so a file can never run as a page on the app's origin. Every
 * file also gets nosniff and a sandboxing CSP, in case a browser renders it anyway.
 */
export function libraryFileHeaders(libraryRelPath: string): Record<string, string> {
  const imageType = IMAGE_TYPES[extname(libraryRelPath).toLowerCase()];
  const userProvided = /^uploads[\\/]/.test(libraryRelPath);
  const inline = imageType !== undefined && !userProvided;
  return {
    'content-type': imageType ?? 'application/octet-stream',
    'content-disposition': inline ? 'inline' : 'attachment',
    'x-content-type-options': 'nosniff',
    'content-security-policy': FILE_SANDBOX_CSP,
  };
}

/**
 * Sends a file that may vanish at any moment (a pruned upload, a deleted asset): open once, stat
 * the open handle, stream from it. There is no check-then-open window, and every failure is an
 * answer (404 / a cut response), never an unhandled error.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, headers: Record<string, string>): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    res.writeHead(404, { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).end();
    return;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      res.writeHead(404, { 'x-content-type-options': 'nosniff' }).end();
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': String(st.size) });
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    const stream = handle.createReadStream({ autoClose: true });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  } catch {
    await handle.close().catch(() => undefined);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  }
}
