import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import sharp from 'sharp';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import { startUiServer, WS_MAX_PAYLOAD, type UiServer } from '../../../main/server/ui-server.ts';
import type { ApiResult, Upload } from '../../../preload/api.ts';
import { rawRequest, statusOf } from './raw-http.ts';

// Each defect of issue 13 (the server dying from one request, files served as pages, the shared
// cookie) reproduced against a real server; every test ends by checking the server still answers.
let services: AppServices;
let root: string;
let server: UiServer;
let base: string;
let cookie: string;
const logged: string[] = [];
const TOKEN = 'hardening-token-456';

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aq-harden-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  services = await createAppServices({ dataDir: join(root, 'data'), transport: 'browser', background: false });
  server = await startUiServer({ registry: services.registry, bus: services.bus, rendererDir, libraryDir: services.app.dataDir.library, token: TOKEN, log: (l) => logged.push(l) });
  base = `http://127.0.0.1:${server.port}`;
  cookie = `assetql_token_${server.port}=${TOKEN}`;
});

afterAll(async () => {
  await server.close();
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

async function stillServing(): Promise<void> {
  const res = await fetch(`${base}/`, { headers: { cookie } });
  expect(res.status).toBe(200);
}

function openSocket(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${TOKEN}`, { origin: base });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('error', () => undefined);
    ws.once('close', (code) => resolve(code));
  });
}

async function upload(name: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; result: ApiResult<Upload> }> {
  const res = await fetch(`${base}/upload?name=${encodeURIComponent(name)}`, { method: 'POST', body: new Uint8Array(body), headers: { cookie, origin: base, ...headers } });
  return { status: res.status, result: (await res.json()) as ApiResult<Upload> };
}

describe('the server survives hostile requests', () => {
  it('an upgrade without a token and with a malformed Host is refused, not fatal', async () => {
    const r = await rawRequest(server.port, 'GET /ws HTTP/1.1\r\nHost: a b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    expect([400, 421]).toContain(statusOf(r));
    await stillServing();
  });

  it('an upgrade with a request target of // is refused, not fatal', async () => {
    const r = await rawRequest(server.port, `GET // HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    expect(statusOf(r)).toBe(400);
    await stillServing();
  });

  it('a WebSocket text frame with invalid UTF-8 closes that socket only (1007)', async () => {
    const ws = await openSocket();
    const code = closed(ws);
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await code).toBe(1007);
    await stillServing();
  });

  it('an over-size WebSocket frame closes that socket only (1009)', async () => {
    const ws = await openSocket();
    const code = closed(ws);
    ws.send(Buffer.alloc(WS_MAX_PAYLOAD + 1, 0x61), { binary: false });
    expect(await code).toBe(1009);
    await stillServing();
  });

  it('malformed HTTP gets 400 and is logged', async () => {
    const before = logged.length;
    expect(statusOf(await rawRequest(server.port, 'GARBAGE\r\n\r\n'))).toBe(400);
    expect(statusOf(await rawRequest(server.port, `GET /%zz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\n\r\n`))).toBe(400);
    expect(logged.length).toBeGreaterThan(before);
    await stillServing();
  });

  it('a foreign Host gets 421 before any work, for pages and upgrades alike', async () => {
    expect(statusOf(await rawRequest(server.port, `GET /?token=${TOKEN} HTTP/1.1\r\nHost: evil.example:${server.port}\r\n\r\n`))).toBe(421);
    expect(statusOf(await rawRequest(server.port, `GET /?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n`))).toBe(421);
    expect(statusOf(await rawRequest(server.port, `GET /?token=${TOKEN} HTTP/1.1\r\n\r\n`))).not.toBe(200);
    const upgrade = `GET /ws?token=${TOKEN} HTTP/1.1\r\nHost: rebind.example:${server.port}\r\nOrigin: ${base}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    expect(statusOf(await rawRequest(server.port, upgrade))).toBe(421);
    expect((await fetch(`http://localhost:${server.port}/`, { headers: { cookie } })).status).toBe(200);
    await stillServing();
  });

  it('a file that vanishes between requests (or mid-flight) is a 404, never a crash', async () => {
    const lib = services.app.dataDir.library;
    const requests: Array<Promise<number>> = [];
    for (let i = 0; i < 60; i++) {
      const file = join(lib, `flicker-${i}.png`);
      writeFileSync(file, Buffer.alloc(64 * 1024, i));
      requests.push(fetch(`${base}/files/flicker-${i}.png`, { headers: { cookie } }).then(async (r) => (await r.arrayBuffer(), r.status)).catch(() => 0));
      rmSync(file, { force: true });
    }
    const statuses = await Promise.all(requests);
    expect(statuses.every((s) => s === 200 || s === 404 || s === 0)).toBe(true);
    await stillServing();
  });
});

describe('uploads are data, never code', () => {
  it('refuses HTML, JavaScript and SVG whatever they are called, and stores nothing', async () => {
    const uploadsDir = join(services.app.dataDir.library, 'uploads');
    mkdirSync(uploadsDir, { recursive: true });
    const before = readdirSync(uploadsDir, { withFileTypes: true }).length;
    for (const [name, body] of [
      ['page.html', '<!doctype html><script>new WebSocket("ws://"+location.host+"/ws")</script>'],
      ['app.js', 'fetch("/ws").then(r => r.text())\0'],
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['disguised.png', '<html><body>not a png</body></html>'],
      ['binary.csv', Buffer.from([0, 1, 2, 3, 4, 5, 0, 0xff]).toString('latin1')],
    ] as const) {
      const { status, result } = await upload(name, Buffer.from(body, 'latin1'));
      expect(status, name).toBe(400);
      expect(!result.ok && result.error.message, name).toMatch(/not a CSV \(text\) file or a PNG, JPEG or WebP image/);
    }
    expect(readdirSync(uploadsDir, { withFileTypes: true }).length).toBe(before);
  });

  it('stores a real image under its true extension and serves uploads as attachments with nosniff and a sandbox CSP', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } }).png().toBuffer();
    const { status, result } = await upload('picture.html', png);
    expect(status).toBe(200);
    expect(result.ok && result.value).toMatchObject({ name: 'picture.html.png', kind: 'image', size: png.length });
    const up = result.ok ? result.value : null;
    const res = await fetch(`${base}/files/uploads/${up?.uploadId}/${up?.name}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    const csv = await upload('items.csv', Buffer.from('name,colour\nsword,red\n'));
    expect(csv.result.ok && csv.result.value.kind).toBe('csv');
  });

  it('serves images the app made inline, and any other library file as a download', async () => {
    const lib = services.app.dataDir.library;
    mkdirSync(join(lib, 'thumbs'), { recursive: true });
    writeFileSync(join(lib, 'thumbs', 'a.webp'), Buffer.from('RIFF\0\0\0\0WEBPVP8 '));
    writeFileSync(join(lib, 'page.html'), '<script>alert(1)</script>');
    const img = await fetch(`${base}/files/thumbs/a.webp`, { headers: { cookie } });
    expect(img.headers.get('content-disposition')).toBe('inline');
    expect(img.headers.get('content-type')).toBe('image/webp');
    expect(img.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    const page = await fetch(`${base}/files/page.html`, { headers: { cookie } });
    expect(page.headers.get('content-disposition')).toBe('attachment');
    expect(page.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses an over-size upload before storing it, and refuses uploads from other origins', async () => {
    const raw = await rawRequest(server.port, `POST /upload?name=big.csv HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\nContent-Length: ${151 * 1024 * 1024}\r\n\r\nname\n`);
    expect(statusOf(raw)).toBe(413);
    const foreign = await upload('x.csv', Buffer.from('a,b\n'), { origin: 'http://127.0.0.1:1' });
    expect(foreign.status).toBe(403);
    await stillServing();
  });

  it('removes a partial upload when the client goes away mid-file', async () => {
    const uploadsDir = join(services.app.dataDir.library, 'uploads');
    mkdirSync(uploadsDir, { recursive: true });
    const before = readdirSync(uploadsDir).length;
    const socket = connect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /upload?name=half.csv HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${cookie}\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    socket.write(Buffer.alloc(1024 * 1024, 'a'));
    await expect.poll(() => readdirSync(uploadsDir).length).toBe(before + 1); // it is arriving
    socket.destroy();
    await expect.poll(() => readdirSync(uploadsDir).length).toBe(before);
    await stillServing();
  });
});

describe('per-instance sessions', () => {
  it('two instances use different cookie names, so neither logs the other out', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'aq-r2-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
    const second = await startUiServer({ registry: services.registry, bus: services.bus, rendererDir, libraryDir: services.app.dataDir.library, log: () => undefined });
    try {
      const a = (await fetch(server.url)).headers.get('set-cookie') ?? '';
      const b = (await fetch(second.url)).headers.get('set-cookie') ?? '';
      expect(a.split('=')[0]).toBe(`assetql_token_${server.port}`);
      expect(b.split('=')[0]).toBe(`assetql_token_${second.port}`);
      // The browser sends both cookies to both ports: each server still finds its own.
      const both = `${b.split(';')[0]}; ${a.split(';')[0]}`;
      expect((await fetch(`${base}/`, { headers: { cookie: both } })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${second.port}/`, { headers: { cookie: both } })).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${second.port}/`, { headers: { cookie } })).status).toBe(403);
    } finally {
      await second.close();
    }
  });
});
