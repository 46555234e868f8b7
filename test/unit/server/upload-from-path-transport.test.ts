import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import { startUiServer, type UiServer } from '../../../main/server/ui-server.ts';
import type { ApiResult, WireServerMessage } from '../../../preload/api.ts';

// uploads.fromPath makes main read a local path; only the Electron IPC transport may ask for it.
let services: AppServices;
let server: UiServer;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aq-from-path-ws-'));
  writeFileSync(join(root, 'secret.csv'), 'user,password\nroot,hunter2\n');
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  services = await createAppServices({ dataDir: join(root, 'data'), transport: 'browser', background: false });
  server = await startUiServer({ registry: services.registry, bus: services.bus, rendererDir: join(root, 'renderer'), libraryDir: services.app.dataDir.library, token: 'test-token-123' });
});

afterAll(async () => {
  await server?.close();
  await services?.close();
});

function requestOverSocket(name: string, arg: unknown): Promise<ApiResult<unknown>> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=test-token-123`, { origin: `http://127.0.0.1:${server.port}` });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'req', id: 1, name, arg })));
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as WireServerMessage;
      if (msg.t !== 'res') return;
      ws.close();
      resolve(msg.result);
    });
  });
}

const uploads = (): string[] => {
  try {
    return readdirSync(join(services.app.dataDir.library, 'uploads'));
  } catch {
    return [];
  }
};

describe('uploads.fromPath and the transports', () => {
  it('is refused over the browser UI WebSocket, and nothing is read or stored', async () => {
    const result = await requestOverSocket('uploads.fromPath', { path: join(root, 'secret.csv') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/only available in the desktop app/);
    expect(uploads()).toEqual([]);
  });

  it('is served for the Electron transport through the same registry', async () => {
    const ctx = { transport: 'electron' as const, fileUrl: (p: string) => p };
    const result = await services.registry.dispatch('uploads.fromPath', { path: join(root, 'secret.csv') }, ctx);
    expect(result).toMatchObject({ ok: true, value: { name: 'secret.csv', kind: 'csv' } });
    const relative = await services.registry.dispatch('uploads.fromPath', { path: 'secret.csv' }, ctx);
    expect(relative).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
  });
});
