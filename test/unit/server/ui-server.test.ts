import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import { startUiServer, type UiServer } from '../../../main/server/ui-server.ts';
import type { WireServerMessage } from '../../../preload/api.ts';

let services: AppServices;
let server: UiServer;
let base: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'aq-server-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'secret.txt'), 'outside the library');
  services = await createAppServices({ dataDir: join(root, 'data'), transport: 'browser', background: false });
  writeFileSync(join(services.app.dataDir.library, 'hello.txt'), 'inside');
  symlinkSync(join(root, 'secret.txt'), join(services.app.dataDir.library, 'link.txt'));
  server = await startUiServer({ registry: services.registry, bus: services.bus, rendererDir, libraryDir: services.app.dataDir.library, token: 'test-token-123' });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  await services.close();
});

function openSocket(opts: { token?: string; origin?: string }): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${opts.token ?? 'test-token-123'}`, { origin: opts.origin ?? base });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('browser UI server', () => {
  it('binds to 127.0.0.1 and prints a URL with the token', () => {
    expect(server.url).toBe(`${base}/?token=test-token-123`);
  });

  it('refuses the page without the token and serves it with a CSP and a cookie with it', async () => {
    expect((await fetch(`${base}/`)).status).toBe(403);
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(403);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('set-cookie')).toMatch(/assetql_token_\d+=test-token-123; HttpOnly; SameSite=Strict/);
    const withCookie = await fetch(`${base}/`, { headers: { cookie: `assetql_token_${server.port}=test-token-123` } });
    expect(withCookie.status).toBe(200);
  });

  it('serves library files and refuses paths outside the library, including through links', async () => {
    const h = { cookie: `assetql_token_${server.port}=test-token-123` };
    expect(await (await fetch(`${base}/files/hello.txt`, { headers: h })).text()).toBe('inside');
    expect((await fetch(`${base}/files/..%2Fsecret.txt`, { headers: h })).status).toBe(400);
    expect((await fetch(`${base}/files/link.txt`, { headers: h })).status).toBe(400);
    expect((await fetch(`${base}/files/hello.txt`)).status).toBe(403);
  });

  it('carries requests over the WebSocket and returns errors as data', async () => {
    const ws = await openSocket({});
    const replies = new Map<number, WireServerMessage>();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as WireServerMessage;
      if (m.t === 'res') replies.set(m.id, m);
    });
    ws.send(JSON.stringify({ t: 'req', id: 1, name: 'app.info', arg: {} }));
    ws.send(JSON.stringify({ t: 'req', id: 2, name: 'no.such', arg: {} }));
    ws.send(JSON.stringify({ t: 'req', id: 3, name: 'settings.update', arg: { thresholds: { style: 'high' } } }));
    await expect.poll(() => replies.size, { timeout: 5000 }).toBe(3);
    const info = replies.get(1);
    expect(info?.t === 'res' && info.result.ok && (info.result.value as { transport: string }).transport).toBe('browser');
    const unknown = replies.get(2);
    expect(unknown?.t === 'res' && !unknown.result.ok && unknown.result.error.kind).toBe('BadInput');
    const invalid = replies.get(3);
    expect(invalid?.t === 'res' && !invalid.result.ok && invalid.result.error.message).toMatch(/style threshold must be a number/);
    ws.close();
  });

  it('pushes events to connected sockets', async () => {
    const ws = await openSocket({});
    const got = new Promise<WireServerMessage>((resolve) => ws.on('message', (d) => resolve(JSON.parse(d.toString()) as WireServerMessage)));
    services.bus.emit('delta.updated', { batchId: 'b1' });
    expect(await got).toEqual({ t: 'evt', name: 'delta.updated', payload: { batchId: 'b1' } });
    ws.close();
  });

  it('refuses sockets with a wrong token or a foreign origin', async () => {
    await expect(openSocket({ token: 'nope' })).rejects.toThrow(/403/);
    await expect(openSocket({ origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});
