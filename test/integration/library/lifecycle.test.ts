import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeAsset, type StoreAssetInput } from '../../../main/library/store-asset.ts';
import { archiveAsset, archiveStaleAssets, deleteAsset, purgeDeletedAssets, restoreAsset, undeleteAsset } from '../../../main/library/lifecycle.ts';
import { getAsset } from '../../../main/library/get-asset.ts';
import { listAssetVersions } from '../../../main/library/asset-versions.ts';
import { libraryFile } from '../../../main/library/library-paths.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { getAssetTags, overrideCategory, setAssetTags } from '../../../main/library/tags-repo.ts';
import { onLibraryEvent, type LibraryEvent } from '../../../main/library/library-events.ts';
import { setSetting } from '../../../main/db/settings-repo.ts';
import { LIBRARY_SETTINGS } from '../../../main/library/library-settings.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';

const DAY = 86_400_000;

describe('lifecycle', () => {
  let fx: LibraryFixture;
  let events: LibraryEvent[];
  let off: () => void;
  const input = async (name: string, photo: string, extra: Partial<StoreAssetInput> = {}): Promise<StoreAssetInput> => ({
    batchId: fx.batchId,
    name,
    image: await sharedImage(photo, 24),
    prompt: `${name} prompt`,
    params: {},
    ...extra,
  });
  beforeEach(() => {
    fx = createLibraryFixture();
    events = [];
    off = onLibraryEvent((e) => events.push(e));
  });
  afterEach(() => {
    off();
    fx.cleanup();
  });

  it('archives and restores, moving the files for real', async () => {
    const { asset } = await storeAsset(fx, await input('a', 'brick.png'));
    const rawFile = libraryFile(fx.dataDir, asset.relPath);
    await archiveAsset(fx, asset.id);
    const archived = getAsset(fx.db, asset.id)!;
    expect(archived.state).toBe('archived');
    expect(archived.relPath).toBe(`archive/raw/${fx.batchId}/${asset.id}.png`);
    expect(existsSync(rawFile)).toBe(false);
    expect(existsSync(libraryFile(fx.dataDir, archived.relPath))).toBe(true);
    expect(existsSync(libraryFile(fx.dataDir, asset.thumbRelPath!))).toBe(true);
    expect(events.filter((e) => e.type === 'archived')).toEqual([{ type: 'archived', assetId: asset.id, from: asset.relPath, to: archived.relPath }]);

    await restoreAsset(fx, asset.id);
    const restored = getAsset(fx.db, asset.id)!;
    expect(restored).toMatchObject({ state: 'active', relPath: asset.relPath, archivedAt: null });
    expect(existsSync(rawFile)).toBe(true);
    expect(existsSync(libraryFile(fx.dataDir, archived.relPath))).toBe(false);
  });

  it('archives only assets older than the configured number of days', async () => {
    const now = Date.UTC(2026, 5, 1);
    const old = (await storeAsset(fx, await input('old', 'grass.png', { now: now - 100 * DAY }))).asset;
    const mid = (await storeAsset(fx, await input('mid', 'gravel.png', { now: now - 40 * DAY }))).asset;
    const fresh = (await storeAsset(fx, await input('new', 'coffee.png', { now: now - DAY }))).asset;
    expect(await archiveStaleAssets(fx, { now })).toEqual([old.id]); // default 90 days
    setSetting(fx.db, LIBRARY_SETTINGS.archiveAfterDays.key, 30);
    expect(await archiveStaleAssets(fx, { now })).toEqual([mid.id]);
    expect(getAsset(fx.db, fresh.id)!.state).toBe('active');
    expect(readdirSync(libraryFile(fx.dataDir, `archive/raw/${fx.batchId}`)).sort()).toEqual([`${old.id}.png`, `${mid.id}.png`].sort());
  });

  it('soft delete keeps files until purge; undelete brings the asset back', async () => {
    const { asset } = await storeAsset(fx, await input('d', 'retina.jpg'));
    deleteAsset(fx, asset.id, 1000);
    expect(getAsset(fx.db, asset.id)).toMatchObject({ state: 'deleted', deletedAt: 1000 });
    expect(existsSync(libraryFile(fx.dataDir, asset.relPath))).toBe(true);
    expect(searchAssets(fx.db, {}).items).toEqual([]);
    expect(undeleteAsset(fx, asset.id)).toBe('active');
    deleteAsset(fx, asset.id, 1000);
    expect(await purgeDeletedAssets(fx, { olderThanDays: 1, now: 1000 })).toEqual([]);
    expect(await purgeDeletedAssets(fx, { olderThanDays: 1, now: 1000 + DAY })).toEqual([asset.id]);
    expect(getAsset(fx.db, asset.id)).toBeNull();
    expect(existsSync(libraryFile(fx.dataDir, asset.relPath))).toBe(false);
    expect(existsSync(libraryFile(fx.dataDir, asset.thumbRelPath!))).toBe(false);
    expect(events.map((e) => e.type)).toEqual(['stored', 'deleted', 'undeleted', 'deleted', 'purged']);
  });

  it('regenerating makes a new version of the same asset, keeps user overrides, and retains N versions', async () => {
    setSetting(fx.db, LIBRARY_SETTINGS.keepVersions.key, 3);
    const v1 = (await storeAsset(fx, await input('hero', 'rocket.jpg'))).asset;
    setAssetTags(fx.db, v1.id, { add: ['launch'] });
    overrideCategory(fx.db, v1.id, 'vehicle');
    let prev = v1;
    const ids = [v1.id];
    for (let i = 2; i <= 5; i++) {
      prev = (await storeAsset(fx, await input('hero', i % 2 ? 'rocket.jpg' : 'astronaut.png', { replaces: prev.id, prompt: `hero v${i}` }))).asset;
      ids.push(prev.id);
      expect(prev).toMatchObject({ lineageId: v1.id, version: i, isCurrent: true });
    }
    const versions = listAssetVersions(fx.db, ids[4]!);
    expect(versions.map((v) => v.version)).toEqual([5, 4, 3]);
    expect(versions.map((v) => v.isCurrent)).toEqual([true, false, false]);
    // Purged versions are gone from disk; retained ones are still there.
    expect(existsSync(libraryFile(fx.dataDir, v1.relPath))).toBe(false);
    for (const v of versions) expect(existsSync(libraryFile(fx.dataDir, v.relPath))).toBe(true);
    expect(getAssetTags(fx.db, prev.id).map((t) => t.tag)).toEqual(['launch']);
    expect(getAsset(fx.db, prev.id)!.category).toBe('vehicle');
    // Search shows only the current version.
    expect(searchAssets(fx.db, { text: 'hero' }).items.map((a) => a.id)).toEqual([prev.id]);

    // Archiving moves every retained version of the lineage.
    await archiveAsset(fx, versions[2]!.id);
    for (const v of listAssetVersions(fx.db, prev.id)) {
      expect(v.relPath.startsWith('archive/')).toBe(true);
      expect(existsSync(libraryFile(fx.dataDir, v.relPath))).toBe(true);
    }
  });

  it('refuses to archive a deleted asset', async () => {
    const { asset } = await storeAsset(fx, await input('x', 'chelsea.png'));
    deleteAsset(fx, asset.id);
    await expect(archiveAsset(fx, asset.id)).rejects.toMatchObject({ kind: 'Conflict' });
    await expect(restoreAsset(fx, 'missing')).rejects.toMatchObject({ kind: 'NotFound' });
  });
});
