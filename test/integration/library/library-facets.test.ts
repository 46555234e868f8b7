import { afterEach, describe, expect, it } from 'vitest';
import { libraryFacets } from '../../../main/library/library-facets.ts';
import { libraryStats } from '../../../main/library/library-stats.ts';
import { deleteAsset } from '../../../main/library/lifecycle.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { createLibraryFixture, type LibraryFixture } from './library-fixture.ts';

const fixtures: LibraryFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

async function store(f: LibraryFixture, i: number, model: string, loras: string[]): Promise<string> {
  const { asset } = await storeAsset(f, {
    batchId: f.batchId, name: `a${i}`, image: { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(i * 20) }, prompt: `p${i}`,
    params: { steps: 2, seed: i }, model, loras: loras.map((name) => ({ name, scale: 0.7 })), skipThumbnail: true,
  });
  return asset.id;
}

describe('library facets: checkpoints and LoRAs (issue 15)', () => {
  it('lists the checkpoints and LoRAs the recipes name, with the counts search finds, skipping deleted assets', async () => {
    const f = createLibraryFixture('facets');
    fixtures.push(f);
    await store(f, 1, 'my-style', ['pixel']);
    await store(f, 2, 'my-style', ['pixel', 'ink']);
    await store(f, 3, 'test-sdxl', []);
    const gone = await store(f, 4, 'old-style', ['ink']);
    deleteAsset(f, gone);
    // A malformed loras column (hand edit, older build) is skipped, not fatal.
    const bad = await store(f, 5, 'test-sdxl', []);
    f.db.prepare(`UPDATE assets SET loras = '[not json' WHERE id = ?`).run(bad);

    const facets = libraryFacets(f.db);
    expect(facets.models).toEqual([
      { name: 'my-style', count: 2 },
      { name: 'test-sdxl', count: 2 },
    ]);
    expect(facets.loras).toEqual([
      { name: 'pixel', count: 2 },
      { name: 'ink', count: 1 },
    ]);
    // Each count is what the filter the choice sets finds.
    for (const m of facets.models) expect(searchAssets(f.db, { model: m.name, limit: 100 }).total).toBe(m.count);
    for (const l of facets.loras) expect(searchAssets(f.db, { lora: l.name, limit: 100 }).total).toBe(l.count);
    // `assetql library stats` reads the same lists.
    expect(libraryStats(f.db)).toMatchObject({ checkpoints: facets.models, loras: facets.loras });
  });
});
