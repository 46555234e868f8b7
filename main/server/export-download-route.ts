import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventBus } from '../api/event-bus.ts';
import { EXPORTS_PATH, type ExportDownloads } from '../api/export-downloads.ts';
import { toErrorData } from '../core/app-error.ts';
import { streamZip } from '../library/export/stream-zip.ts';

/** A route the UI server tries after the token check; true when it answered the request. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>) => boolean;

/**
 * GET /exports/<ticket>/<name>.zip: streams the ZIP that export.start prepared, as an
 * attachment, while export.progress events report items and bytes to the page. Each ticket
 * works once; an unknown or expired one is a 404 with a sentence, not a stack.
 */
export function exportDownloadRoute(downloads: ExportDownloads, bus: EventBus): HttpRoute {
  return (req, res, url, headers) => {
    if (!url.pathname.startsWith(EXPORTS_PATH)) return false;
    if (req.method !== 'GET') {
      // A HEAD must not spend the single-use ticket.
      res.writeHead(405, { ...headers, allow: 'GET' }).end();
      return true;
    }
    const id = url.pathname.slice(EXPORTS_PATH.length).split('/')[0] ?? '';
    const ticket = /^[0-9a-f]{32}$/.test(id) ? downloads.take(id) : null;
    if (!ticket) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('This download link has expired or was already used: start the export again.');
      return true;
    }
    const total = ticket.items.length;
    const emit = (state: 'running' | 'done' | 'failed' | 'cancelled', done: number, bytes: number, error: string | null): void =>
      bus.emit('export.progress', { exportId: ticket.id, state, done, total, bytes, outPath: null, error });
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/zip',
      // RFC 6266: ASCII fallback plus the UTF-8 name.
      'content-disposition': `attachment; filename="${ticket.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(ticket.fileName)}`,
    });
    let last = { done: 0, bytes: 0 };
    emit('running', 0, 0, null);
    void streamZip(ticket.items, res, {
      onProgress: (p) => {
        last = { done: p.itemsDone, bytes: p.bytesWritten };
        emit('running', p.itemsDone, p.bytesWritten, null);
      },
    }).then(
      (r) => emit('done', total, r.bytes, null),
      (err: unknown) => {
        const e = toErrorData(err);
        emit(e.kind === 'Cancelled' ? 'cancelled' : 'failed', last.done, last.bytes, e.message);
        // Headers are sent: the only honest signal left is to cut the connection (the browser marks it failed).
        res.destroy();
      },
    );
    return true;
  };
}
