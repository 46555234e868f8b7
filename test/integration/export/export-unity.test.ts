import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExportManifest } from '../../../main/library/export/manifest.ts';
import { exportUnity } from '../../../main/library/export/unity/export-unity.ts';
import { makeItems, tempOut } from './make-items.ts';

describe('Unity export', () => {
  it('writes the Assets tree and a first-import-only sprite postprocessor scoped to the folder', async () => {
    const { items } = await makeItems(['hero', 'coin']);
    const out = await tempOut();
    const res = await exportUnity(items, out, { folder: 'Generated Icons' });
    expect((await readdir(join(out, 'Assets', 'Generated Icons'))).sort()).toEqual(['Editor', 'coin.png', 'hero.png']);
    expect((await readFile(join(out, 'Assets/Generated Icons/hero.png'))).equals(await readFile(items[0]!.filePath))).toBe(true);
    const cs = await readFile(join(out, 'Assets/Generated Icons/Editor/AssetQLSpriteImporter.cs'), 'utf8');
    expect(cs).toContain('class AssetQLSpriteImporter_Generated_Icons : AssetPostprocessor');
    expect(cs).toContain('private const string FolderPrefix = "Assets/Generated Icons/";');
    expect(cs).toContain('if (!assetImporter.importSettingsMissing) return;');
    expect(cs).toContain('importer.textureType = TextureImporterType.Sprite;');
    expect(cs).toContain('void OnPreprocessTexture()');
    expect(cs.indexOf('StartsWith(FolderPrefix')).toBeLessThan(cs.indexOf('TextureImporterType.Sprite'));
    // no .meta is ever written
    const all = await readdir(out, { recursive: true });
    expect(all.filter((f) => f.endsWith('.meta'))).toEqual([]);
    expect(res.manifestPath).toBe('assetql-unity-Generated Icons.manifest.json');
    const m = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as ExportManifest;
    expect(m.extra).toMatchObject({ folder: 'Generated Icons', script_status: 'written' });
  });

  it('leaves existing .meta files and PNGs untouched and records the new names', async () => {
    const { items } = await makeItems(['hero', 'coin']);
    const out = await tempOut();
    const dir = join(out, 'Assets', 'Icons');
    await mkdir(dir, { recursive: true });
    const meta = 'fileFormatVersion: 2\nguid: 0123456789abcdef0123456789abcdef\n';
    await writeFile(join(dir, 'hero.png'), 'user art');
    await writeFile(join(dir, 'hero.png.meta'), meta);
    await writeFile(join(dir, 'coin.png.meta'), meta); // orphan meta: kept, and Unity reuses its GUID
    const before = await stat(join(dir, 'hero.png.meta'));
    const res = await exportUnity(items, out, { folder: 'Icons', onConflict: 'rename' });
    expect(await readFile(join(dir, 'hero.png'), 'utf8')).toBe('user art');
    expect(await readFile(join(dir, 'hero.png.meta'), 'utf8')).toBe(meta);
    expect((await stat(join(dir, 'hero.png.meta'))).mtimeMs).toBe(before.mtimeMs);
    expect(await readFile(join(dir, 'coin.png.meta'), 'utf8')).toBe(meta);
    expect(res.files.map((f) => f.path)).toEqual(['Assets/Icons/hero-2.png', 'Assets/Icons/coin.png', 'Assets/Icons/Editor/AssetQLSpriteImporter.cs']);
    const m = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as ExportManifest;
    expect(m.renamed).toEqual([{ from: 'Assets/Icons/hero.png', to: 'Assets/Icons/hero-2.png' }]);
    expect(m.extra?.['meta_files_kept']).toEqual(['Assets/Icons/coin.png.meta']);

    // Re-export: same script is kept, a new manifest name is used, still no .meta written.
    const again = await exportUnity(items.slice(0, 1), out, { folder: 'Icons', onConflict: 'rename' });
    expect(again.files.map((f) => f.path)).toEqual(['Assets/Icons/hero-3.png']);
    expect(again.manifestPath).toBe('assetql-unity-Icons.manifest-2.json');
    expect((await readdir(dir)).filter((f) => f.endsWith('.meta'))).toHaveLength(2);
  });

  it('refuses by default when a PNG exists, before writing anything', async () => {
    const { items } = await makeItems(['hero', 'coin']);
    const out = await tempOut();
    const dir = join(out, 'Assets', 'Icons');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'coin.png'), 'user art');
    await expect(exportUnity(items, out, { folder: 'Icons' })).rejects.toMatchObject({ kind: 'Conflict', message: expect.stringMatching(/coin\.png already exists.*--on-conflict rename\|overwrite/) });
    expect((await readdir(dir)).sort()).toEqual(['coin.png']);
    expect(await readFile(join(dir, 'coin.png'), 'utf8')).toBe('user art');
    expect(await readdir(out)).toEqual(['Assets']);
  });

  it('--on-conflict overwrite replaces the PNG but never the .meta', async () => {
    const { items } = await makeItems(['hero']);
    const out = await tempOut();
    const dir = join(out, 'Assets', 'Icons');
    await mkdir(dir, { recursive: true });
    const meta = 'fileFormatVersion: 2\nguid: 0123456789abcdef0123456789abcdef\n';
    await writeFile(join(dir, 'hero.png'), 'old art');
    await writeFile(join(dir, 'hero.png.meta'), meta);
    const res = await exportUnity(items, out, { folder: 'Icons', onConflict: 'overwrite' });
    expect(res.files[0]?.path).toBe('Assets/Icons/hero.png');
    expect((await readFile(join(dir, 'hero.png'))).equals(await readFile(items[0]!.filePath))).toBe(true);
    expect(await readFile(join(dir, 'hero.png.meta'), 'utf8')).toBe(meta);
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('refuses a symlinked Assets/ that points outside the project before creating anything', async () => {
    const { items } = await makeItems(['hero']);
    const out = await tempOut();
    const outside = await tempOut();
    await symlink(outside, join(out, 'Assets'));
    await expect(exportUnity(items, out, { folder: 'Icons' })).rejects.toMatchObject({ kind: 'BadInput', message: expect.stringMatching(/link that leads outside the output folder/) });
    expect(await readdir(outside)).toEqual([]); // no Icons/ made through the link
    expect(await readdir(out)).toEqual(['Assets']);
  });

  it('sanitises hostile folder names and refuses reserved ones', async () => {
    const { items } = await makeItems(['a']);
    const out = await tempOut();
    const res = await exportUnity(items, out, { folder: '../../Evil"; System.IO.File.Delete("x' });
    const folder = res.files[0]!.path.split('/')[1]!;
    expect(res.files[0]!.path.startsWith('Assets/')).toBe(true);
    expect(folder).not.toMatch(/["/\\;()]/);
    const cs = await readFile(join(out, 'Assets', folder, 'Editor', 'AssetQLSpriteImporter.cs'), 'utf8');
    expect(cs).not.toContain('Delete("');
    await expect(exportUnity(items, out, { folder: 'Editor' })).rejects.toMatchObject({ kind: 'BadInput' });
  });
});
