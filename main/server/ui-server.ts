import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WIRE } from '../../preload/api.ts';
import type { ApiRegistry, RequestContext } from '../api/registry.ts';
import type { EventBus } from '../api/event-bus.ts';
import { resolveInside } from '../core/safe-path.ts';
import { contentSecurityPolicy } from './content-security.ts';
import { browserFileUrl } from '../core/file-urls.ts';
import { hostAllowed } from './host-check.ts';
import { decodePath, parseRequestTarget } from './request-target.ts';
import { requestToken, sessionCookie, tokenMatches } from './session-token.ts';
import { libraryFileHeaders, rendererContentType, sendFile } from './file-response.ts';
import { handleUpload } from './upload-route.ts';
import { serveApiOverSockets } from './ws-api.ts';
import { stderrServerLog, type ServerLog } from './server-log.ts';
import type { HttpRoute } from './export-download-route.ts';

export interface UiServerOptions {
  registry: ApiRegistry;
  bus: EventBus;
  /** Built renderer (index.html + assets). */
  rendererDir: string;
  /** Library folder served under /files/ (thumbnails, images, references). */
  libraryDir: string;
  host?: string;
  port?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
  /** Refused and survived requests are reported here (stderr by default). */
  log?: ServerLog;
  /** Extra GET routes (export downloads), tried after the token check, before static files. */
  routes?: HttpRoute[];
}

export interface UiServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Frames carry API requests (uploads go over POST /upload), so 16 MiB is generous. */
export const WS_MAX_PAYLOAD = 16 * 1024 * 1024;

const FORBIDDEN_TEXT = 'AssetQL: this page needs the token printed by `assetql serve` (open the full URL it printed).';

/**
 * The browser UI (`assetql serve`): the built renderer plus the API contract over a WebSocket.
 * Binds 127.0.0.1 by default. A random token, printed in the URL, is required for the page,
 * the files, uploads and the socket (the page trades it for a per-port SameSite=Strict cookie);
 * the Host must be this server (DNS rebinding) and the socket's Origin too (another site in the
 * same browser cannot drive the API). No request can take the server down: every path answers
 * or drops its own connection, and what it refused is logged.
 */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const log = opts.log ?? stderrServerLog();
  if (!existsSync(join(opts.rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${join(opts.rendererDir, 'index.html')} is missing): run \`npm run build\``);
  }
  let origins: Set<string> = new Set();
  let port = 0;

  // Bounded: headers within 30 s, a whole request (a 150 MiB upload on a slow LAN included) within 10 min.
  const server: Server = createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 600_000, headersTimeout: 30_000 }, (req, res) => {
    res.on('error', (err) => log(`response error: ${err.message}`));
    req.on('error', (err) => log(`request error: ${err.message}`));
    handleHttp(req, res).catch((err: unknown) => {
      log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else res.destroy();
    });
  });

  // Malformed HTTP (bad request line, bad headers, oversize headers): 400, logged, socket closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    log(`malformed request refused (${err.code ?? err.message})`);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('connection', (socket: Socket) => socket.on('error', (err) => log(`socket error: ${err.message}`)));
  server.on('error', (err) => log(`server error: ${err.message}`));
  // A flood of connections cannot exhaust the process's file descriptors.
  server.maxConnections = 512;

  // Our own page's origin: one of the loopback names, or — behind --host 0.0.0.0 — exactly the
  // (already validated, IP-literal) Host the page was loaded from.
  const originAllowed = (origin: string, req: IncomingMessage): boolean =>
    origins.has(origin) || (hostAllowed(req.headers.host, host, port) && origin === `http://${req.headers.host}`);

  const plain = (res: ServerResponse, status: number, text: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' }).end(text);
  };

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, host, port)) {
      log(`request for a foreign Host refused: ${String(req.headers.host).slice(0, 80)}`);
      plain(res, 421, 'AssetQL: this server only answers to its own address.');
      return;
    }
    const url = parseRequestTarget(req.url);
    if (!url) {
      log('malformed request target refused');
      plain(res, 400, 'bad request');
      return;
    }
    const isUpload = url.pathname === WIRE.uploadPath;
    if (!(req.method === 'GET' || req.method === 'HEAD' || (isUpload && req.method === 'POST'))) {
      res.writeHead(405, { allow: isUpload ? 'POST' : 'GET, HEAD' }).end();
      return;
    }
    if (!tokenMatches(requestToken(req, url, port), token)) {
      plain(res, 403, FORBIDDEN_TEXT);
      return;
    }
    if (isUpload) {
      // A form on another site could POST here with the cookie (SameSite allows same-site ports).
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, req)) {
        res.writeHead(403, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
        res.end(JSON.stringify({ ok: false, error: { kind: 'BadInput', message: 'uploads are only accepted from the app itself' } }));
        return;
      }
      await handleUpload(req, res, url, opts.libraryDir);
      return;
    }
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (url.searchParams.has(WIRE.tokenParam)) headers['set-cookie'] = sessionCookie(port, token);
    const decoded = decodePath(url.pathname);
    if (decoded === null) {
      plain(res, 400, 'bad request: malformed %-escape in the path');
      return;
    }
    for (const route of opts.routes ?? []) if (route(req, res, url, headers)) return;
    if (decoded.startsWith(WIRE.filesPath)) {
      const rel = decoded.slice(WIRE.filesPath.length);
      let file: string;
      try {
        file = resolveInside(opts.libraryDir, rel);
      } catch {
        plain(res, 400, 'bad request: that path is outside the library');
        return;
      }
      await sendFile(req, res, file, { ...headers, ...libraryFileHeaders(rel), 'cache-control': 'private, max-age=60' });
      return;
    }
    let file: string;
    try {
      file = resolveInside(opts.rendererDir, decoded === '/' ? 'index.html' : decoded.slice(1));
    } catch {
      plain(res, 400, 'bad request: that path is outside the app');
      return;
    }
    // Client-side routes (no such file) get the app itself.
    if (!existsSync(file) || !/\.[a-z0-9]+$/i.test(file)) file = join(opts.rendererDir, 'index.html');
    const type = rendererContentType(file);
    headers['content-type'] = type;
    if (type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy([...origins].map((o) => o.replace(/^http/, 'ws')));
    await sendFile(req, res, file, headers);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  const refuse = (socket: Duplex, status: string): void => {
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => log(`upgrade socket error: ${err.message}`));
    try {
      if (!hostAllowed(req.headers.host, host, port)) {
        log(`upgrade for a foreign Host refused: ${String(req.headers.host).slice(0, 80)}`);
        refuse(socket, '421 Misdirected Request');
        return;
      }
      const url = parseRequestTarget(req.url);
      if (!url) {
        log('malformed upgrade target refused');
        refuse(socket, '400 Bad Request');
        return;
      }
      const origin = req.headers.origin ?? '';
      if (url.pathname !== WIRE.wsPath || !tokenMatches(requestToken(req, url, port), token) || !originAllowed(origin, req)) {
        refuse(socket, '403 Forbidden');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (err) {
      // ws answers 400 itself for a bad handshake; anything else still must not escape.
      log(`upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
      refuse(socket, '400 Bad Request');
    }
  });

  const ctx: RequestContext = { transport: 'browser', fileUrl: browserFileUrl };
  serveApiOverSockets(wss, opts.registry, opts.bus, ctx, log);

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  origins = new Set([`http://${hostForUrl}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);
  return {
    url: `http://${hostForUrl}:${port}/?${WIRE.tokenParam}=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((done) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
