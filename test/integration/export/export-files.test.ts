import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportFiles, exportSingleFile } from '../../../main/library/export/export-files.ts';
import type { ExportManifest } from '../../../main/library/export/manifest.ts';
import { makeItems, tempOut } from './make-items.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('file export', () => {
  it('copies one asset with its sidecar and a manifest whose hashes match the files', async () => {
    const { items } = await makeItems(['Hero Cat']);
    const item = items[0]!;
    const out = await tempOut();
    const res = await exportSingleFile(item, out);
    expect((await readdir(out)).sort()).toEqual(['Hero Cat.json', 'Hero Cat.manifest.json', 'Hero Cat.png']);
    const png = await readFile(join(out, 'Hero Cat.png'));
    expect(png.equals(await readFile(item.filePath))).toBe(true);
    const sidecar = JSON.parse(await readFile(join(out, 'Hero Cat.json'), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ assetId: 'a001', prompt: 'prompt for Hero Cat', seed: 1000, file: 'Hero Cat.png' });
    expect(sidecar).not.toHaveProperty('filePath');
    const manifest = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as ExportManifest;
    expect(manifest.format).toBe('file');
    expect(manifest.items).toEqual([{ assetId: 'a001', name: 'Hero Cat', batchId: 'b1', files: ['Hero Cat.png', 'Hero Cat.json'] }]);
    for (const f of manifest.files) expect(f.sha256).toBe(sha(await readFile(join(out, f.path))));
  });

  it('keeps hostile names inside the output folder with unique safe names', async () => {
    const hostile = ['../../evil', '/etc/passwd', 'CON', 'a\\..\\..\\b', 'x'.repeat(400), '猫 ünï', '猫 ünï', '..'];
    const { items } = await makeItems(hostile);
    const out = await tempOut();
    const res = await exportFiles(items, out);
    const names = (await readdir(out)).sort();
    expect(names.filter((n) => n.endsWith('.png'))).toHaveLength(hostile.length);
    expect(names).toContain('_CON.png');
    expect(names).toContain('猫 ünï.png');
    expect(names).toContain('猫 ünï-2.png');
    expect(names).toContain('_.._evil.png');
    expect(names).toContain('a008.png'); // '..' falls back to the asset id
    for (const n of names) expect(Buffer.byteLength(n)).toBeLessThan(255);
    expect(res.files.every((f) => !f.path.includes('/'))).toBe(true);
    // nothing escaped next to the output folder
    expect(await readdir(join(out, '..')).then((l) => l.includes('evil.png'))).toBe(false);
  });

  it('refuses to overwrite unless renaming is allowed, then writes a new name', async () => {
    const { items } = await makeItems(['hero']);
    const out = await tempOut();
    await writeFile(join(out, 'hero.png'), 'precious');
    await expect(exportFiles(items, out)).rejects.toMatchObject({ kind: 'Conflict' });
    expect(await readFile(join(out, 'hero.png'), 'utf8')).toBe('precious');
    expect((await readdir(out)).sort()).toEqual(['hero.png']);
    const res = await exportFiles(items, out, { renameOnConflict: true });
    expect(await readFile(join(out, 'hero.png'), 'utf8')).toBe('precious');
    expect(res.files.map((f) => f.path)).toEqual(['hero-2.png', 'hero-2.json']);
    const manifest = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as ExportManifest;
    expect(manifest.renamed).toEqual([{ from: 'hero.png', to: 'hero-2.png' }]);
  });

  it('reports progress and rolls back on cancellation', async () => {
    const { items } = await makeItems(['a', 'b', 'c', 'd']);
    const out = await tempOut();
    const ac = new AbortController();
    const seen: number[] = [];
    await expect(
      exportFiles(items, out, {
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.itemsDone);
          expect(p.itemsTotal).toBe(4);
          expect(p.bytesWritten).toBeGreaterThan(0);
          if (p.itemsDone === 2) ac.abort();
        },
      }),
    ).rejects.toMatchObject({ kind: 'Cancelled' });
    expect(seen).toEqual([1, 2]);
    expect(await readdir(out)).toEqual([]);
  });

  it('names the missing source file', async () => {
    const { items } = await makeItems(['a']);
    const out = await tempOut();
    await expect(exportFiles([{ ...items[0]!, filePath: '/nonexistent/x.png' }], out)).rejects.toMatchObject({
      kind: 'NotFound',
      detail: { file: '/nonexistent/x.png', assetId: 'a001' },
    });
  });
});
