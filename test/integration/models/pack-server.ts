import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real HTTP server on 127.0.0.1 serving in-memory files, with switchable misbehaviour. */
export interface ServedFile {
  body: Buffer;
  sha256: string;
}

export interface ServerBehaviour {
  /** Destroy the socket after this many body bytes, for the next N full/partial responses. */
  cutAfterBytes?: number;
  cutTimes?: number;
  /** Answer Range requests with the whole file (200). */
  ignoreRange?: boolean;
  /** Serve this body instead of the real one (corruption). */
  corrupt?: Map<string, Buffer>;
  /** Write body in small chunks with a delay (to cancel mid-flight). */
  slowChunk?: number;
  slowDelayMs?: number;
  /** Answer the first N requests with 503. */
  fail503Times?: number;
}

export interface PackServer {
  url: (path: string) => string;
  files: Map<string, ServedFile>;
  behaviour: ServerBehaviour;
  requests: { path: string; range: string | undefined; ifRange: string | undefined; status: number }[];
  close(): Promise<void>;
}

export function makeFile(size: number): ServedFile {
  const body = randomBytes(size);
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

export async function startPackServer(files: Map<string, ServedFile>): Promise<PackServer> {
  const behaviour: ServerBehaviour = {};
  const requests: PackServer['requests'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const log = { path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, status: 0 };
    requests.push(log);
    if (path.startsWith('/redirect/')) {
      log.status = 302;
      res.writeHead(302, { location: `/${path.slice('/redirect/'.length)}` });
      res.end();
      return;
    }
    if (behaviour.fail503Times && behaviour.fail503Times > 0) {
      behaviour.fail503Times--;
      log.status = 503;
      res.writeHead(503);
      res.end('busy');
      return;
    }
    const file = files.get(path.slice(1));
    if (!file) {
      log.status = 404;
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const body = behaviour.corrupt?.get(path.slice(1)) ?? file.body;
    const etag = `"${file.sha256.slice(0, 16)}"`;
    let start = 0;
    let status = 200;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !behaviour.ignoreRange && (!req.headers['if-range'] || req.headers['if-range'] === etag)) {
      start = Number(m[1]);
      if (start >= body.length) {
        log.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${body.length}` });
        res.end();
        return;
      }
      status = 206;
    }
    const slice = body.subarray(start);
    const headers: Record<string, string> = { 'content-length': String(slice.length), etag, 'accept-ranges': 'bytes' };
    if (status === 206) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    log.status = status;
    res.writeHead(status, headers);
    if (behaviour.cutAfterBytes !== undefined && (behaviour.cutTimes ?? 1) > 0) {
      behaviour.cutTimes = (behaviour.cutTimes ?? 1) - 1;
      // Let the client consume the bytes before the connection drops, as a real cut would.
      res.write(slice.subarray(0, behaviour.cutAfterBytes), () => setTimeout(() => res.socket?.destroy(), 50));
      return;
    }
    if (behaviour.slowChunk) {
      let pos = 0;
      const chunk = behaviour.slowChunk;
      const tick = (): void => {
        if (res.destroyed) return;
        if (pos >= slice.length) {
          res.end();
          return;
        }
        res.write(slice.subarray(pos, pos + chunk));
        pos += chunk;
        setTimeout(tick, behaviour.slowDelayMs ?? 20);
      };
      tick();
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `http://127.0.0.1:${port}/${p}`,
    files,
    behaviour,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
