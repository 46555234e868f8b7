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

// ───────────── a server that behaves like the Hugging Face Hub (resolve → CDN) ─────────────

export interface HubRepoState {
  repo: string;
  /** commit → (path → file). */
  revisions: Map<string, Map<string, ServedFile>>;
  /** Branch name → commit; moving `main` simulates a new revision being pushed. */
  branches: Map<string, string>;
  /** Paths stored in git (not LFS): HEAD answers 200 with the git blob sha1 as ETag. */
  gitFiles: Set<string>;
  /** Path → sha256 the hub declares instead of the real one (a lying hash). */
  lie: Map<string, string>;
  /** Answer HEAD without X-Repo-Commit (a mirror that cannot be pinned). */
  omitCommit?: boolean;
}

export interface HubServer extends PackServer {
  hub: HubRepoState;
  /** `http://127.0.0.1:port/<repo>/resolve/main/<path>` */
  resolveUrl: (path: string, ref?: string) => string;
}

export function gitBlobSha1(body: Buffer): string {
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/**
 * `/<repo>/resolve/<ref>/<path>`: LFS files answer 302 to `/cdn/<sha256>` with X-Linked-Etag /
 * X-Linked-Size / X-Repo-Commit (HEAD and GET alike, as the Hub does); git files answer 200 with
 * the git blob sha1 ETag. `/cdn/<sha256>` honours Range and If-Range (strong ETag = sha256).
 */
export async function startHubServer(hub: HubRepoState): Promise<HubServer> {
  const behaviour: ServerBehaviour = {};
  const requests: PackServer['requests'] = [];
  const byHash = (): Map<string, ServedFile> => {
    const m = new Map<string, ServedFile>();
    for (const files of hub.revisions.values()) for (const f of files.values()) m.set(f.sha256, f);
    return m;
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const log = { path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, status: 0, method: req.method };
    requests.push(log);
    const send = (status: number, headers: Record<string, string>, body?: Buffer): void => {
      log.status = status;
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const prefix = `/${hub.repo}/resolve/`;
    if (path.startsWith(prefix)) {
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      const ref = rest.slice(0, slash);
      const filePath = rest.slice(slash + 1);
      const commit = hub.branches.get(ref) ?? (hub.revisions.has(ref) ? ref : undefined);
      const file = commit ? hub.revisions.get(commit)?.get(filePath) : undefined;
      if (!commit || !file) return send(404, { 'x-error-code': 'EntryNotFound' }, Buffer.from('Entry not found'));
      const common: Record<string, string> = hub.omitCommit ? {} : { 'x-repo-commit': commit };
      if (hub.gitFiles.has(filePath)) {
        return send(200, { ...common, etag: `"${gitBlobSha1(file.body)}"`, 'content-length': String(file.body.length) }, file.body);
      }
      const declared = hub.lie.get(filePath) ?? file.sha256;
      return send(302, { ...common, location: `/cdn/${file.sha256}`, 'x-linked-etag': `"${declared}"`, 'x-linked-size': String(file.body.length), etag: `"${declared}"` });
    }
    if (path.startsWith('/cdn/')) {
      const file = byHash().get(path.slice('/cdn/'.length));
      if (!file) return send(404, {}, Buffer.from('no such object'));
      const etag = `"${file.sha256}"`;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const ifRange = req.headers['if-range'];
      if (m && (!ifRange || ifRange === etag)) {
        const start = Number(m[1]);
        if (start >= file.body.length) return send(416, { 'content-range': `bytes */${file.body.length}` });
        const slice = file.body.subarray(start);
        if (behaviour.cutAfterBytes !== undefined && (behaviour.cutTimes ?? 1) > 0) return cut(slice, 206, { 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}`, 'content-length': String(slice.length), etag });
        return send(206, { 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}`, 'content-length': String(slice.length), etag, 'accept-ranges': 'bytes' }, slice);
      }
      if (behaviour.cutAfterBytes !== undefined && (behaviour.cutTimes ?? 1) > 0) return cut(file.body, 200, { 'content-length': String(file.body.length), etag });
      return send(200, { 'content-length': String(file.body.length), etag, 'accept-ranges': 'bytes' }, file.body);
    }
    send(404, {}, Buffer.from('not found'));

    function cut(body: Buffer, status: number, headers: Record<string, string>): void {
      behaviour.cutTimes = (behaviour.cutTimes ?? 1) - 1;
      log.status = status;
      res.writeHead(status, headers);
      res.write(body.subarray(0, behaviour.cutAfterBytes), () => setTimeout(() => res.socket?.destroy(), 50));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: (p) => `${base}/${p}`,
    resolveUrl: (p, ref = 'main') => `${base}/${hub.repo}/resolve/${ref}/${p}`,
    files: new Map(),
    behaviour,
    requests,
    hub,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
