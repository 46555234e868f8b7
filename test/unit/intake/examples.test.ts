import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../../main/intake/csv/parse-csv.ts';
import { loadReferenceDir } from '../../../main/intake/references/load-references.ts';

const examples = resolve(process.cwd(), 'resources/examples');

describe('example batch in resources/examples', () => {
  it('has a clean 30–40 row CSV with the documented columns', async () => {
    const csv = await readCsvFile(join(examples, 'fantasy-items.csv'), { usesTemplate: true });
    expect(csv.columns).toEqual(['name', 'category', 'item', 'material', 'colour', 'seed']);
    expect(csv.rows.length).toBeGreaterThanOrEqual(30);
    expect(csv.rows.length).toBeLessThanOrEqual(40);
    expect([csv.errors, csv.warnings]).toEqual([[], []]);
  });

  it('has three small, distinct, valid reference images', async () => {
    const dir = join(examples, 'fantasy-items');
    const refs = await loadReferenceDir(dir);
    expect(refs.references.map((r) => r.name)).toEqual(['potion.png', 'shield.png', 'sword.png']);
    expect([refs.errors, refs.warnings]).toEqual([[], []]);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(150 * 1024);
    for (const r of refs.references) expect(Math.max(r.width, r.height)).toBeLessThanOrEqual(512);
  });
});
