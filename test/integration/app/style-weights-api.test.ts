import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { EventPayloads, RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { registerPack } from '../../../models/pack-store.ts';
import { writeSafetensors } from '../../../models/safetensors/write-safetensors.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { createLayoutTestPack } from '../../../models/test-pack/layout-test-pack.ts';

// Issue 15 from the UI's side: models.installIpAdapter (the install `models ip-adapter install`
// runs) through the registry the UI uses, its progress events, and how models.list shows it.
let s: AppServices;
let dir: string;
const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };
async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<{ ok: true; value: RequestResult<K> } | { ok: false; kind: string; message: string }> {
  const r = await s.registry.dispatch(name, arg, ctx);
  return r.ok ? { ok: true, value: r.value as RequestResult<K> } : { ok: false, kind: r.error.kind, message: r.error.message };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aq-style-api-'));
  s = await createAppServices({ dataDir: join(dir, 'data'), transport: 'test', background: false });
  await createLayoutTestPack(join(dir, 'base'), 'optimum', { id: 'tiny-base' });
  registerPack(s.app.db, 'tiny-base', join(dir, 'base'));
  // A CLIP pack whose image embeddings are as wide as the adapter's projection input (6).
  await createTestPack(join(dir, 'clip6'), { kind: 'clip', id: 'clip-6d', embedDim: 6 });
  registerPack(s.app.db, 'clip-6d', join(dir, 'clip6'));
  await writeSafetensors(join(dir, 'ip-adapter_sdxl.safetensors'), [
    { name: 'image_proj.proj.weight', shape: [2 * 24, 6], dtype: 'F32', values: new Float32Array(2 * 24 * 6).fill(0.01) },
    { name: 'image_proj.proj.bias', shape: [2 * 24], dtype: 'F32', values: new Float32Array(48) },
    { name: 'image_proj.norm.weight', shape: [24], dtype: 'F32', values: new Float32Array(24).fill(1) },
    { name: 'image_proj.norm.bias', shape: [24], dtype: 'F32', values: new Float32Array(24) },
    { name: 'ip_adapter.1.to_k_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(0.02) },
    { name: 'ip_adapter.1.to_v_ip.weight', shape: [8, 24], dtype: 'F32', values: new Float32Array(8 * 24).fill(-0.02) },
  ]);
  // Adapters for a model with three cross-attention layers (the tiny UNet has one).
  await writeSafetensors(join(dir, 'other-model.safetensors'), [
    { name: 'image_proj.proj.weight', shape: [24, 6], dtype: 'F32', values: new Float32Array(24 * 6) },
    { name: 'image_proj.norm.weight', shape: [24], dtype: 'F32', values: new Float32Array(24).fill(1) },
    ...[1, 3, 5].flatMap((k) => [
      { name: `ip_adapter.${k}.to_k_ip.weight`, shape: [8, 24], dtype: 'F32' as const, values: new Float32Array(8 * 24) },
      { name: `ip_adapter.${k}.to_v_ip.weight`, shape: [8, 24], dtype: 'F32' as const, values: new Float32Array(8 * 24) },
    ]),
  ]);
}, 60_000);
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('models.installIpAdapter', () => {
  it('refuses an adapter for another model and a missing file, saying why', async () => {
    const other = await call('models.installIpAdapter', { path: join(dir, 'other-model.safetensors'), baseId: 'tiny-base', headDim: 4 });
    expect(other).toMatchObject({ ok: false, kind: 'BadInput' });
    if (!other.ok) expect(other.message).toMatch(/3 cross-attention adapters but the UNet has 1 cross-attention layers: it is for another model/);
    const missing = await call('models.installIpAdapter', { path: join(dir, 'nope.safetensors'), baseId: 'tiny-base' });
    expect(missing).toMatchObject({ ok: false, kind: 'NotFound' });
  });

  it('installs a new pack with progress events; models.list shows its adapter and the CLIP pack that fits it', async () => {
    const events: EventPayloads['weights.progress'][] = [];
    const off = s.bus.subscribe((name, payload) => {
      if (name === 'weights.progress') events.push(payload as EventPayloads['weights.progress']);
    });
    const file = join(dir, 'ip-adapter_sdxl.safetensors');
    const r = await call('models.installIpAdapter', { path: file, baseId: 'tiny-base', name: 'tiny-ip', headDim: 4 });
    off();
    if (!r.ok) throw new Error(r.message);
    expect(r.value).toMatchObject({ packId: 'tiny-ip', name: 'tiny-ip', layers: 1, tokens: 2, embedDim: 6 });
    // Bytes while the UNet is rewritten, then the smoke generation, for this file.
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((e) => e.op === 'ip-adapter' && e.file === file)).toBe(true);
    expect(events[0]).toMatchObject({ stage: 'writing' });
    expect(events[0]!.bytes).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ stage: 'smoke' });

    const list = await call('models.list', {});
    if (!list.ok) throw new Error(list.message);
    expect(list.value.find((p) => p.id === 'tiny-ip')?.ipAdapter).toEqual({ tokens: 2, embedDim: 6, clipPacks: ['clip-6d'] });
    expect(list.value.find((p) => p.id === 'tiny-base')?.ipAdapter).toBeNull();
  });
});
