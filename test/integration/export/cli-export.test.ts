import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../../main/cli/commands/export.ts';
import { openAppContext } from '../../../main/core/app-context.ts';
import { setSetting } from '../../../main/db/settings-repo.ts';
import { listExports } from '../../../main/library/export/export-history-repo.ts';
import type { ExportResult } from '../../../main/library/export/export-options.ts';
import { loadExportItems } from '../../../main/library/export/load-items.ts';
import { fakeIo, libraryWithAssets } from './cli-fixture.ts';
import { readZip } from './read-zip.ts';

let dataDir: string;
let ids: string[];
beforeAll(async () => {
  ({ dataDir, ids } = await libraryWithAssets([
    { name: 'Red Fox', batch: 'b1', prompt: 'a red fox in snow' },
    { name: 'Blue Bird', batch: 'b1', prompt: 'a blue bird on a branch' },
    { name: 'Green Frog', batch: 'b2', prompt: 'a green frog on a leaf' },
  ]));
});

describe('loadExportItems', () => {
  it('adapts library assets with absolute files and filters by batch, query and ids', () => {
    const ctx = openAppContext(dataDir);
    try {
      const all = loadExportItems(ctx);
      expect(all.map((i) => i.name)).toEqual(['Red Fox', 'Blue Bird', 'Green Frog']);
      expect(all[0]!.filePath.startsWith(join(dataDir, 'library'))).toBe(true);
      expect(all[0]!.thumbPath).toMatch(/\.jpg$/);
      expect(loadExportItems(ctx, { batchId: 'b2' }).map((i) => i.name)).toEqual(['Green Frog']);
      expect(loadExportItems(ctx, { query: 'bird' }).map((i) => i.name)).toEqual(['Blue Bird']);
      expect(loadExportItems(ctx, { ids: [ids[2]!, ids[0]!] }).map((i) => i.name)).toEqual(['Green Frog', 'Red Fox']);
      expect(() => loadExportItems(ctx, { ids: ['nope'] })).toThrowError(/no asset with id nope/);
    } finally {
      ctx.close();
    }
  });
});

describe('assetql export', () => {
  it('exports a batch as ZIP with --json and records it in export history', async () => {
    const out = mkdtempSync(join(tmpdir(), 'assetql-cli-out-'));
    const f = fakeIo(out);
    const code = await exportCommand.run(['--format', 'zip', '--out', 'dest', '--batch', 'b1', '--name', 'b1.zip', '--json', '--data-dir', dataDir], f.io);
    expect(f.err()).toBe('');
    expect(code).toBe(0);
    const res = JSON.parse(f.out()) as ExportResult;
    expect(res).toMatchObject({ format: 'zip', itemCount: 2, manifestPath: 'b1.zip.manifest.json' });
    const names = (await readZip(join(out, 'dest', 'b1.zip'))).map((e) => e.name);
    expect(names).toEqual(['images/Red Fox.png', 'images/Blue Bird.png', 'metadata.csv', 'metadata.json', 'manifest.json']);
    const ctx = openAppContext(dataDir);
    try {
      expect(listExports(ctx.db)[0]).toMatchObject({ format: 'zip', itemCount: 2, assetIds: ids.slice(0, 2) });
    } finally {
      ctx.close();
    }
  });

  it('Shopify: explains the missing public URL, then uses the s3 setting', async () => {
    const out = mkdtempSync(join(tmpdir(), 'assetql-cli-out-'));
    const f = fakeIo(out);
    expect(await exportCommand.run(['--format', 'shopify', '--out', '.', '--data-dir', dataDir], f.io)).toBe(1);
    expect(f.err()).toMatch(/BadInput: no public image URL configured.*--base-url/);
    const ctx = openAppContext(dataDir);
    setSetting(ctx.db, 's3', { bucket: 'bkt', prefix: 'lib', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's', publicBaseUrl: 'https://cdn.example.com/' });
    ctx.close();
    const g = fakeIo(out);
    expect(await exportCommand.run(['--format', 'shopify', '--out', '.', '--template', 'shopify-2025', '--handle-from', 'batchId', '--data-dir', dataDir], g.io)).toBe(0);
    const csv = (await readdir(out)).find((n) => n.endsWith('.csv'))!;
    const rows = parse(await readFile(join(out, csv), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['URL handle'])).toEqual(['b1', 'b1', 'b2']);
    expect(rows[0]!['Product image URL']).toBe(`https://cdn.example.com/lib/raw/b1/${ids[0]}.png`);
    expect(rows[1]!['Title']).toBe('');
  });

  it('Unity with --folder and --ids; bad flags give clear errors', async () => {
    const out = mkdtempSync(join(tmpdir(), 'assetql-cli-out-'));
    const f = fakeIo(out);
    expect(await exportCommand.run(['--format', 'unity', '--out', 'Proj', '--folder', 'Gen', '--ids', ids[1]!, '--data-dir', dataDir], f.io)).toBe(0);
    expect(f.out()).toContain('Exported 1 asset(s) as unity');
    expect((await readdir(join(out, 'Proj', 'Assets', 'Gen'))).sort()).toEqual(['Blue Bird.png', 'Editor']);
    const g = fakeIo(out);
    expect(await exportCommand.run(['--format', 'pdf', '--out', 'x', '--data-dir', dataDir], g.io)).toBe(1);
    expect(g.err()).toMatch(/--format must be one of file, zip, unity, shopify \(got pdf\)/);
    const h = fakeIo(out);
    expect(await exportCommand.run(['--format', 'zip', '--out', 'x', '--query', 'unicorn', '--data-dir', dataDir], h.io)).toBe(1);
    expect(h.err()).toMatch(/no assets match/);
    expect(await exportCommand.run(['--bogus'], fakeIo(out).io)).toBe(2);
  });

  it('Unity into an existing project: refuses by default, --on-conflict rename|overwrite otherwise', async () => {
    const out = mkdtempSync(join(tmpdir(), 'assetql-cli-out-'));
    const args = ['--format', 'unity', '--out', 'Proj', '--folder', 'Gen', '--ids', ids[0]!, '--data-dir', dataDir];
    expect(await exportCommand.run(args, fakeIo(out).io)).toBe(0);
    const refused = fakeIo(out);
    expect(await exportCommand.run(args, refused.io)).toBe(1);
    expect(refused.err()).toMatch(/Red Fox\.png already exists; choose another folder, or --on-conflict rename\|overwrite/);
    expect(await exportCommand.run([...args, '--on-conflict', 'rename'], fakeIo(out).io)).toBe(0);
    expect(await exportCommand.run([...args, '--on-conflict', 'overwrite'], fakeIo(out).io)).toBe(0);
    expect((await readdir(join(out, 'Proj', 'Assets', 'Gen'))).sort()).toEqual(['Editor', 'Red Fox-2.png', 'Red Fox.png']);
    const bad = fakeIo(out);
    expect(await exportCommand.run([...args, '--on-conflict', 'merge'], bad.io)).toBe(1);
    expect(bad.err()).toMatch(/--on-conflict must be one of refuse, rename, overwrite \(got merge\)/);
  });
});
