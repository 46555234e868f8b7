import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../../main/api/app-services.ts';
import type { RequestContext } from '../../../main/api/registry.ts';
import type { RequestArg, RequestName, RequestResult } from '../../../preload/api.ts';
import { startLocalS3, type LocalS3 } from './local-s3.ts';

// The Settings → Keys flow through the registry the UI uses, against a real local S3 server.
let s: AppServices;
let s3: LocalS3;
const ctx: RequestContext = { transport: 'test', fileUrl: (p) => `/files/${p}` };

async function dispatch<K extends RequestName>(name: K, arg: RequestArg<K>) {
  return s.registry.dispatch(name, arg, ctx) as Promise<{ ok: true; value: RequestResult<K> } | { ok: false; error: { kind: string; message: string } }>;
}
async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await dispatch(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  s3 = await startLocalS3('keys-bucket');
  s = await createAppServices({ dataDir: mkdtempSync(join(tmpdir(), 'aq-s3key-')), transport: 'test', background: false });
});
afterAll(async () => {
  await s.close();
  await s3.close();
});

describe('the S3 secret is checked when it is entered', () => {
  it('stores it unchecked while there is no bucket to test against', async () => {
    expect(await call('secrets.setS3Secret', { secretAccessKey: 'S3RVER' })).toEqual({ stored: true, check: null });
    await call('secrets.setS3Secret', { secretAccessKey: '' });
    expect((await call('secrets.status', undefined)).s3).toBe(false);
  });

  it('refuses a key S3 denies (not stored), keeps one it accepts, and tests the saved connection', async () => {
    await call('settings.update', { s3: { bucket: s3.bucket, endpoint: s3.endpoint, region: 'us-east-1', accessKeyId: 'WRONGKEY' } });
    const denied = await dispatch('secrets.setS3Secret', { secretAccessKey: 'S3RVER' });
    expect(denied).toMatchObject({ ok: false, error: { kind: 'BadInput' } });
    expect(denied.ok ? '' : denied.error.message).toMatch(/access denied/);
    expect((await call('secrets.status', undefined)).s3).toBe(false);

    await call('settings.update', { s3: { accessKeyId: 'S3RVER' } });
    const saved = await call('secrets.setS3Secret', { secretAccessKey: 'S3RVER' });
    expect(saved).toMatchObject({ stored: true, check: { ok: true, outcome: 'ok' } });
    expect((await call('secrets.status', undefined)).s3).toBe(true);

    expect(await call('secrets.checkS3', undefined)).toMatchObject({ ok: true, outcome: 'ok' });
    await call('settings.update', { s3: { bucket: 'missing-bucket' } });
    const missing = await call('secrets.checkS3', undefined);
    expect(missing).toMatchObject({ ok: false, outcome: 'no-bucket' });
    expect(missing.message).toMatch(/bucket "missing-bucket" was not found/);
  });
});
