import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateRawSync } from 'node:zlib';
import { crc32Update } from '../../../main/gpu-runtime/crc32.ts';

/** Writes a ZIP (what a .nupkg is): deflated entries, central directory, end record. */
export function buildZip(files: Array<{ name: string; data: Buffer; store?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const body = f.store ? f.data : deflateRawSync(f.data);
    const crc = crc32Update(0, f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(f.store ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(f.store ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface FeedPackage { id: string; version: string; nupkg: Buffer; /** Publish this SHA-512 instead of the real one. */ lieSha512?: string }

export interface FeedServer {
  index: string;
  requests: Array<{ path: string; range?: string; ifRange?: string; status: number }>;
  /** Cut the next nupkg response after this many bytes. */
  cut: { afterBytes?: number; times: number };
  close(): Promise<void>;
}

/** A NuGet v3 feed like api.nuget.org: service index, flat container (Range/If-Range), registration leaf, catalog entry. */
export async function startFeedServer(pkg: FeedPackage): Promise<FeedServer> {
  const id = pkg.id.toLowerCase();
  const ver = pkg.version.toLowerCase();
  const sha512 = createHash('sha512').update(pkg.nupkg).digest('base64');
  const etag = `"${createHash('md5').update(pkg.nupkg).digest('hex')}"`;
  const requests: FeedServer['requests'] = [];
  const cut: FeedServer['cut'] = { times: 0 };
  let base = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const log = { path, ...(req.headers.range ? { range: req.headers.range } : {}), ...(req.headers['if-range'] ? { ifRange: String(req.headers['if-range']) } : {}), status: 200 };
    requests.push(log);
    const json = (v: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(v));
    };
    if (path === '/v3/index.json') return json({ version: '3.0.0', resources: [{ '@id': `${base}/flat/`, '@type': 'PackageBaseAddress/3.0.0' }, { '@id': `${base}/reg`, '@type': 'RegistrationsBaseUrl/3.6.0' }] });
    if (path === `/flat/${id}/index.json`) return json({ versions: ['1.20.0', ver] });
    if (path === `/reg/${id}/${ver}.json`) return json({ '@id': `${base}${path}`, catalogEntry: `${base}/catalog/${id}.${ver}.json`, packageContent: `${base}/flat/${id}/${ver}/${id}.${ver}.nupkg` });
    if (path === `/catalog/${id}.${ver}.json`) {
      return json({ id: pkg.id, version: pkg.version, packageHash: pkg.lieSha512 ?? sha512, packageHashAlgorithm: 'SHA512', packageSize: pkg.nupkg.length });
    }
    if (path === `/flat/${id}/${ver}/${id}.${ver}.nupkg`) {
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const ranged = m && (!req.headers['if-range'] || req.headers['if-range'] === etag);
      const start = ranged ? Number(m[1]) : 0;
      const body = pkg.nupkg.subarray(start);
      log.status = ranged ? 206 : 200;
      res.writeHead(log.status, {
        'content-length': String(body.length),
        etag,
        'accept-ranges': 'bytes',
        ...(ranged ? { 'content-range': `bytes ${start}-${pkg.nupkg.length - 1}/${pkg.nupkg.length}` } : {}),
      });
      if (cut.afterBytes !== undefined && cut.times > 0) {
        cut.times--;
        res.write(body.subarray(0, cut.afterBytes), () => setTimeout(() => res.socket?.destroy(), 50));
        return;
      }
      res.end(body);
      return;
    }
    log.status = 404;
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    index: `${base}/v3/index.json`,
    requests,
    cut,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
