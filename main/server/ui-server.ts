import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WIRE, type WireClientMessage, type WireServerMessage } from '../../preload/api.ts';
import type { ApiRegistry, RequestContext } from '../api/registry.ts';
import type { EventBus } from '../api/event-bus.ts';
import { resolveInside } from '../core/safe-path.ts';
import { contentSecurityPolicy } from './content-security.ts';
import { browserFileUrl } from '../core/file-urls.ts';
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
  /** Extra routes (export downloads), tried after the token check, before static files. */
  routes?: HttpRoute[];
}

export interface UiServer {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
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

/**
 * The browser UI (`assetql serve`): the built renderer plus the API contract over a WebSocket.
 * Binds 127.0.0.1 by default. A random token, printed in the URL, is required for the page,
 * the files and the socket (the page trades it for a SameSite=Strict cookie), and the socket's
 * Origin must be this server, so another site in the same browser cannot drive the API.
 */
export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? randomBytes(24).toString('base64url');
  if (!existsSync(join(opts.rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${join(opts.rendererDir, 'index.html')} is missing): run \`npm run build\``);
  }
  let origins: Set<string> = new Set();

  const server: Server = createServer((req, res) => {
    try {
      handleHttp(req, res);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : 'bad request');
    }
  });

  function tokenOk(candidate: string | null | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  function requestToken(req: IncomingMessage, url: URL): string | null {
    const fromQuery = url.searchParams.get(WIRE.tokenParam);
    if (fromQuery) return fromQuery;
    const cookie = req.headers.cookie ?? '';
    for (const part of cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === WIRE.cookie) return decodeURIComponent(v.join('='));
    }
    return null;
  }

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const given = requestToken(req, url);
    if (!tokenOk(given)) {
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
        .end('AssetQL: this page needs the token printed by `assetql serve` (open the full URL it printed).');
      return;
    }
    const headers: Record<string, string> = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    };
    if (url.searchParams.has(WIRE.tokenParam)) {
      headers['set-cookie'] = `${WIRE.cookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    }
    for (const route of opts.routes ?? []) if (route(req, res, url, headers)) return;
    let file: string;
    if (url.pathname.startsWith(WIRE.filesPath)) {
      file = resolveInside(opts.libraryDir, decodeURIComponent(url.pathname.slice(WIRE.filesPath.length)));
      headers['cache-control'] = 'private, max-age=60';
    } else {
      const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      file = resolveInside(opts.rendererDir, rel);
      if (!existsSync(file) || statSync(file).isDirectory()) file = join(opts.rendererDir, 'index.html');
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end();
      return;
    }
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    headers['content-type'] = type;
    if (type.startsWith('text/html')) headers['content-security-policy'] = contentSecurityPolicy([...origins].map((o) => o.replace(/^http/, 'ws')));
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`);
    const origin = req.headers.origin ?? '';
    if (url.pathname !== WIRE.wsPath || !tokenOk(requestToken(req, url)) || !origins.has(origin)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const ctx: RequestContext = {
    transport: 'browser',
    fileUrl: browserFileUrl,
  };

  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: WireServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const unsubscribe = opts.bus.subscribe((name, payload) => send({ t: 'evt', name, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data) => {
      let msg: WireClientMessage;
      try {
        msg = JSON.parse(data.toString()) as WireClientMessage;
      } catch {
        return; // not our protocol: ignore rather than crash the socket
      }
      if (msg?.t !== 'req' || typeof msg.id !== 'number') return;
      void opts.registry.dispatch(msg.name, msg.arg, ctx).then((result) => send({ t: 'res', id: msg.id, result }));
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  origins = new Set([`http://${hostForUrl}:${port}`, `http://localhost:${port}`]);
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
