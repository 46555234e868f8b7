import { appendFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppContext, type AppContext } from '../../../main/core/app-context.ts';
import { AppError } from '../../../main/core/app-error.ts';
import { getSetting } from '../../../main/db/settings-repo.ts';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { LOCATIONS_KEY, listInstalledPacks, locatePack, unregisterPack, verifyPack } from '../../../models/pack-store.ts';

let root: string;
let ctx: AppContext;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'assetql-packs-'));
  ctx = openAppContext(join(root, 'data'));
});
afterEach(() => {
  ctx.close();
  rmSync(root, { recursive: true, force: true });
});

function expectAppError(fn: () => unknown, kind: string, re: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe(kind);
    expect((err as AppError).message).toMatch(re);
    return;
  }
  throw new Error('expected an AppError');
}

describe('pack store', () => {
  it('locates a valid pack, stores it in settings and lists it as ok', async () => {
    const dir = join(root, 'clip');
    await createTestPack(dir, { kind: 'clip', id: 'test-clip' });
    const p = locatePack(ctx.db, 'test-clip', dir);
    expect(p.state).toBe('ok');
    expect(p.testPack).toBe(true);
    expect(getSetting<Record<string, string>>(ctx.db, LOCATIONS_KEY, {})).toEqual({ 'test-clip': dir });
    const listed = listInstalledPacks(ctx.db, ctx.dataDir);
    expect(listed.map((x) => [x.id, x.state, x.source])).toEqual([['test-clip', 'ok', 'registered']]);
    expect(listed[0]?.bytes).toBeGreaterThan(0);
    unregisterPack(ctx.db, 'test-clip');
    expect(listInstalledPacks(ctx.db, ctx.dataDir)).toEqual([]);
  });

  it('finds packs in the default models folder without registration', async () => {
    await createTestPack(join(ctx.dataDir.models, 'test-clip'), { kind: 'clip', id: 'test-clip' });
    expect(listInstalledPacks(ctx.db, ctx.dataDir).map((x) => [x.id, x.state, x.source])).toEqual([['test-clip', 'ok', 'default']]);
  });

  it('refuses folders that are not the named pack or are incomplete, naming the problem', async () => {
    const dir = join(root, 'clip');
    const m = await createTestPack(dir, { kind: 'clip', id: 'test-clip' });
    expectAppError(() => locatePack(ctx.db, 'other-id', dir), 'BadInput', /describes pack "test-clip", not "other-id"/);
    expectAppError(() => locatePack(ctx.db, 'x', join(root, 'nope')), 'NotFound', /is not a folder/);
    expectAppError(() => locatePack(ctx.db, 'x', root), 'ModelMissing', /no manifest\.json/);
    const vision = m.components.vision_model.file;
    unlinkSync(join(dir, vision));
    expectAppError(() => locatePack(ctx.db, 'test-clip', dir), 'ModelMissing', new RegExp(`incomplete: missing ${vision.replace(/\./g, '\\.')}`));
    expect(getSetting(ctx.db, LOCATIONS_KEY, {})).toEqual({});
  });

  it('verify re-hashes files and reports a corrupted one', async () => {
    const dir = join(root, 'sdxl');
    const m = await createTestPack(dir, { kind: 'sdxl', id: 'test-sdxl' });
    const ok = await verifyPack(dir);
    expect(ok.ok).toBe(true);
    expect(ok.files.find((f) => f.file === m.components.unet.file)?.expectedSha256).toBe(m.components.unet.sha256);
    appendFileSync(join(dir, m.components.unet.file), Buffer.from([1]));
    const bad = await verifyPack(dir);
    expect(bad.ok).toBe(false);
    const unet = bad.files.find((f) => f.file === m.components.unet.file);
    expect(unet?.problem).toBe('sha256 mismatch');
    expect(listInstalledPacks(ctx.db, ctx.dataDir)).toEqual([]);
  });
});
