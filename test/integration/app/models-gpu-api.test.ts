import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { EventPayloads, RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { registerPack } from '../../../models/pack-store.ts';

// The issue-16 requests through the same registry the UI uses.
let s: AppServices;
let dir: string;
const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };
async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<{ ok: true; value: RequestResult<K> } | { ok: false; message: string }> {
  const r = await s.registry.dispatch(name, arg, ctx);
  return r.ok ? { ok: true, value: r.value as RequestResult<K> } : { ok: false, message: r.error.message };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aq-models-gpu-'));
  s = await createAppServices({ dataDir: join(dir, 'data'), transport: 'test', background: false });
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models.* and gpu.* requests', () => {
  it('models.list carries variant, providers and how to get each pack', async () => {
    const r = await call('models.list', {});
    if (!r.ok) throw new Error(r.message);
    const cuda = r.value.find((p) => p.id === 'sdxl-base-1.0-cuda-fp16');
    expect(cuda).toMatchObject({ variant: 'cuda-fp16', providers: ['cuda'], downloadable: true, buildFrom: null, verification: null });
    expect(r.value.find((p) => p.id === 'sdxl-base-1.0-portable-fp16')).toMatchObject({ downloadable: false, buildFrom: 'sdxl-base-1.0-fp32' });
  });

  it('models.recommend answers for the provider in use', async () => {
    const r = await call('models.recommend', {});
    if (!r.ok) throw new Error(r.message);
    expect(r.value.packs.map((p) => p.model)).toEqual(['sdxl-base-1.0', 'sdxl-turbo']);
    expect(r.value.providerLabel).toMatch(/CUDA|DirectML|CoreML|WebGPU|CPU/);
  });

  it('models.convert without the fp32 pack says which pack to download; with it, builds and registers the portable pack', async () => {
    const missing = await call('models.convert', { id: 'sdxl-turbo' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/the fp32 pack sdxl-turbo is not installed: download it first/);
    const src = join(dir, 'turbo32');
    await createTestPack(src, { kind: 'sdxl', id: 'sdxl-turbo' });
    registerPack(s.app.db, 'sdxl-turbo', src);
    const done = new Promise<EventPayloads['download.progress']>((resolve) => {
      const off = s.bus.subscribe((name, payload) => {
        const p = payload as EventPayloads['download.progress'];
        if (name === 'download.progress' && p.id === 'sdxl-turbo-portable-fp16' && p.state !== 'running') {
          off();
          resolve(p);
        }
      });
    });
    const started = await call('models.convert', { id: 'sdxl-turbo' });
    expect(started).toEqual({ ok: true, value: { started: true, id: 'sdxl-turbo-portable-fp16' } });
    expect((await done).state).toBe('done');
    const list = await call('models.list', {});
    if (!list.ok) throw new Error(list.message);
    expect(list.value.find((p) => p.id === 'sdxl-turbo-portable-fp16')).toMatchObject({ installed: true, providers: ['cuda', 'dml', 'coreml', 'webgpu'] });
  });

  it('gpu.status reports whether CUDA acceleration is offered here', async () => {
    const r = await call('gpu.status', {});
    if (!r.ok) throw new Error(r.message);
    expect(r.value.offered).toBe(process.platform === 'linux' && process.arch === 'x64');
    expect(r.value.restartNeeded).toBe(false);
  });
});
