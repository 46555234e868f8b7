import { mkdtemp } from 'node:fs/promises';
import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** What to do with a request before it reaches s3rver: pass, answer with an error, or drop the socket. */
export type Fault = { status: number; code: string } | 'reset' | undefined;

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  requests: SeenRequest[];
  /** Set per test; called for every request. */
  inject: (r: SeenRequest) => Fault;
  puts(): SeenRequest[];
  close(): Promise<void>;
}

/**
 * s3rver on 127.0.0.1 (random port, temp dir, silent) behind a tiny recording proxy, so tests
 * can count the PUTs a sync makes and inject transient failures (503 or a dropped connection)
 * without mocking the SDK.
 */
export async function startLocalS3(bucket = 'assetql-test'): Promise<LocalS3> {
  const dir = await mkdtemp(join(tmpdir(), 'assetql-s3rver-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const upstream = await s3.run();
  const state: LocalS3 = {
    endpoint: '',
    bucket,
    requests: [],
    inject: () => undefined,
    puts: () => state.requests.filter((r) => r.method === 'PUT'),
    close: async () => {
      await new Promise<void>((res) => proxy.close(() => res()));
      await s3.close();
    },
  };
  const proxy: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const seen: SeenRequest = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers };
    const fault = state.inject(seen);
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault) {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message></Error>`);
      return;
    }
    state.requests.push(seen);
    const fwd = request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  proxy.keepAliveTimeout = 1000;
  await new Promise<void>((res) => proxy.listen(0, '127.0.0.1', () => res()));
  state.endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return state;
}
