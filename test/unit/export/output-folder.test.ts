import { mkdtemp, readdir, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/app-error.ts';
import { OutputFolder } from '../../../main/library/export/output-folder.ts';

async function folder(): Promise<OutputFolder> {
  return OutputFolder.open(await mkdtemp(join(tmpdir(), 'assetql-of-')));
}

describe('OutputFolder', () => {
  it.each(['../../evil', '../x.png', 'a/../../b', '/etc/passwd', 'C:\\evil', 'C:evil', '\\\\server\\share', '', 'a//b', './x'])(
    'refuses %j',
    async (rel) => {
      const f = await folder();
      expect(() => f.resolveInside(rel)).toThrowError(AppError);
      await expect(f.reserve(rel, true)).rejects.toMatchObject({ kind: 'BadInput' });
    },
  );

  it('accepts nested relative paths inside the root', async () => {
    const f = await folder();
    expect(f.resolveInside('Assets/Icons/a.png')).toBe(join(f.root, 'Assets', 'Icons', 'a.png'));
  });

  it('refuses a symlinked folder that leads outside', async () => {
    const f = await folder();
    const outside = await mkdtemp(join(tmpdir(), 'assetql-outside-'));
    await symlink(outside, join(f.root, 'link'));
    await expect(f.reserve('link/x.png', false)).rejects.toMatchObject({ kind: 'BadInput' });
    // Deeper paths through the link are refused before any folder is made behind it.
    await expect(f.reserve('link/a/b/x.png', 'rename')).rejects.toMatchObject({ kind: 'BadInput' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows a link that stays inside the folder', async () => {
    const f = await folder();
    await mkdir(join(f.root, 'real'));
    await symlink(join(f.root, 'real'), join(f.root, 'alias'));
    const r = await f.reserve('alias/sub/x.png', 'refuse');
    expect(r.abs).toBe(join(f.root, 'alias', 'sub', 'x.png'));
    expect(await readdir(join(f.root, 'real'))).toEqual(['sub']);
  });

  it('overwrite hands out the existing name and marks it as a replacement', async () => {
    const f = await folder();
    await writeFile(join(f.root, 'a.png'), 'x');
    expect(await f.reserve('a.png', 'overwrite')).toMatchObject({ rel: 'a.png', renamed: false, replaces: true });
  });

  it('refuses an existing file unless renaming is allowed, and never hands out a name twice', async () => {
    const f = await folder();
    await mkdir(join(f.root, 'd'));
    await writeFile(join(f.root, 'd', 'a.png'), 'x');
    await expect(f.reserve('d/a.png', false)).rejects.toMatchObject({ kind: 'Conflict' });
    const r1 = await f.reserve('d/a.png', true);
    // Same name in another case: case-insensitive file systems would collide, so it is renamed.
    const r2 = await f.reserve('d/A-2.png', true);
    expect(r1.rel).toBe('d/a-2.png');
    expect(r1.renamed).toBe(true);
    expect(r2.rel).toBe('d/A-2-2.png');
  });
});
