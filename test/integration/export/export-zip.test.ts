import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportZip } from '../../../main/library/export/export-zip.ts';
import type { ExportManifest } from '../../../main/library/export/manifest.ts';
import { makeItems, tempOut } from './make-items.ts';
import { readZip } from './read-zip.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('ZIP export', () => {
  it('writes stored PNGs, metadata.csv/json and a manifest, readable by an independent unzipper', async () => {
    const { items } = await makeItems(['hero', 'hero', '=cmd|calc', '../../evil'], 16);
    items[1]!.prompt = 'a "quoted", multi\nline prompt';
    const out = await tempOut();
    const progress: number[] = [];
    const res = await exportZip(items, out, { fileName: 'pack.zip', onProgress: (p) => progress.push(p.itemsDone) });
    expect(res.files.map((f) => f.path)).toEqual(['pack.zip']);
    expect((await readdir(out)).sort()).toEqual(['pack.zip', 'pack.zip.manifest.json']);
    expect(progress.slice(0, 4)).toEqual([1, 2, 3, 4]);

    const entries = await readZip(join(out, 'pack.zip'));
    const names = entries.map((e) => e.name);
    expect(names).toEqual(['images/hero.png', 'images/hero-2.png', 'images/=cmd_calc.png', 'images/_.._evil.png', 'metadata.csv', 'metadata.json', 'manifest.json']);
    for (const [i, item] of items.entries()) {
      const e = entries[i]!;
      expect(e.compressionMethod).toBe(0); // stored
      expect(e.data.equals(await readFile(item.filePath))).toBe(true);
    }
    expect(entries.find((e) => e.name === 'metadata.csv')!.compressionMethod).toBe(8);

    const rows = parse(entries.find((e) => e.name === 'metadata.csv')!.data, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatchObject({ asset_id: 'a002', file: 'images/hero-2.png', prompt: 'a "quoted", multi\nline prompt', seed: '1001' });
    expect(rows[2]!['name']).toBe("'=cmd|calc");
    expect(JSON.parse(rows[0]!['scores']!)).toEqual({ clip: 0.9, color: 10.5, edge: null });

    const meta = JSON.parse(entries.find((e) => e.name === 'metadata.json')!.data.toString()) as { items: { assetId: string }[] };
    expect(meta.items.map((m) => m.assetId)).toEqual(['a001', 'a002', 'a003', 'a004']);

    const inner = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString()) as ExportManifest;
    expect(inner.files.map((f) => f.path)).toEqual(names.slice(0, 6));
    for (const f of inner.files) expect(f.sha256).toBe(sha(entries.find((e) => e.name === f.path)!.data));
    expect(inner.items[1]).toMatchObject({ assetId: 'a002', files: ['images/hero-2.png'] });

    const outer = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as ExportManifest;
    expect(outer.files[0]!.sha256).toBe(sha(await readFile(join(out, 'pack.zip'))));
  });

  it('never overwrites an existing archive and leaves no temp file on cancel', async () => {
    const { items } = await makeItems(['a', 'b', 'c']);
    const out = await tempOut();
    await writeFile(join(out, 'pack.zip'), 'old');
    await expect(exportZip(items, out, { fileName: 'pack.zip' })).rejects.toMatchObject({ kind: 'Conflict' });
    const ac = new AbortController();
    await expect(
      exportZip(items, out, { fileName: 'new.zip', signal: ac.signal, onProgress: (p) => p.itemsDone === 1 && ac.abort() }),
    ).rejects.toMatchObject({ kind: 'Cancelled' });
    expect(await readdir(out)).toEqual(['pack.zip']);
    expect(await readFile(join(out, 'pack.zip'), 'utf8')).toBe('old');
  });
});
