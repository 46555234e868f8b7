import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { exportShopify } from '../../../main/library/export/shopify/export-shopify.ts';
import { SHOPIFY_TEMPLATES } from '../../../main/library/export/shopify/shopify-templates.ts';
import { makeItems, tempOut } from './make-items.ts';

async function items3() {
  const { items } = await makeItems(['Red Cat', 'Blue Cat', '=HYPERLINK("http://evil")'], 8, ['Cats', 'Cats', '@Dogs']);
  items[2]!.tags = ['-danger', 'ok,comma'];
  return items;
}

describe('Shopify export', () => {
  it('groups images by handle with product fields on the first row only (shopify-2024)', async () => {
    const items = await items3();
    const out = await tempOut();
    const res = await exportShopify(items, out, { publicBaseUrl: 'https://cdn.example.com/', prefix: 'shop/', vendor: 'ACME' });
    const text = await readFile(join(out, res.files[0]!.path), 'utf8');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const header = (parse(text, { to_line: 1 }) as string[][])[0];
    expect(header).toEqual(SHOPIFY_TEMPLATES['shopify-2024'].columns.map((c) => c.header));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      Handle: 'cats', Title: 'Cats', Vendor: 'ACME', Published: 'FALSE', Status: 'draft',
      'Image Src': 'https://cdn.example.com/shop/raw/b1/a001.png', 'Image Position': '1', 'Image Alt Text': 'Red Cat',
      'Body (HTML)': '<p>prompt for Red Cat</p>', Tags: 'Cats, red, cat',
    });
    // extra image row: only Handle + image columns
    expect(rows[1]).toEqual({
      ...Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, ''])),
      Handle: 'cats', 'Image Src': 'https://cdn.example.com/shop/raw/b1/a002.png', 'Image Position': '2', 'Image Alt Text': 'Blue Cat',
    });
    // formula injection escaped in every text cell; handle slug is safe by construction
    expect(rows[2]).toMatchObject({ Handle: 'dogs', Title: "'@Dogs", 'Image Alt Text': `'=HYPERLINK("http://evil")`, Type: "'@Dogs" });
    expect(rows[2]!['Tags']).toBe("'@Dogs, -danger, ok comma");
  });

  it('uses the 2025 header names and a name-based handle', async () => {
    const items = await items3();
    const out = await tempOut();
    const res = await exportShopify(items, out, { publicBaseUrl: 'https://cdn.example.com', template: 'shopify-2025', handleFrom: 'name', fileName: 'p.csv' });
    const rows = parse(await readFile(join(out, 'p.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toContain('Product image URL');
    expect(Object.keys(rows[0]!)).not.toContain('Image Src');
    expect(rows.map((r) => r['URL handle'])).toEqual(['red-cat', 'blue-cat', 'hyperlink-http-evil']);
    expect(rows[0]!['Product image URL']).toBe('https://cdn.example.com/raw/b1/a001.png');
    expect(rows.every((r) => r['Image position'] === '1')).toBe(true);
    const manifest = JSON.parse(await readFile(join(out, res.manifestPath), 'utf8')) as { extra: { template: string } };
    expect(manifest.extra.template).toBe('shopify-2025');
  });

  it('fails with an explicit error when no public URL is configured, before writing anything', async () => {
    const items = await items3();
    const out = await tempOut();
    await expect(exportShopify(items, out, {})).rejects.toMatchObject({ kind: 'BadInput', message: expect.stringMatching(/public base URL.*--base-url/) });
    await expect(exportShopify(items, out, { publicBaseUrl: 'ftp://x/' })).rejects.toMatchObject({ kind: 'BadInput' });
    await expect(exportShopify(items, out, { publicBaseUrl: 'https://x/', template: 'shopify-1999' })).rejects.toMatchObject({ kind: 'BadInput' });
    expect(await readdir(out)).toEqual([]);
  });
});
