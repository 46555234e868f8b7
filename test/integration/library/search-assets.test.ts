import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { searchAssets, type SearchQuery } from '../../../main/library/search-assets.ts';
import { applyAutoTags, setAssetTags, overrideCategory } from '../../../main/library/tags-repo.ts';
import { archiveAsset, deleteAsset } from '../../../main/library/lifecycle.ts';
import type { Asset } from '../../../main/library/asset-types.ts';
import { createLibraryFixture, PHOTOS, sharedImage, type LibraryFixture } from './library-fixture.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

// name, prompt, photo, style score, category, tags
const ROWS: [string, string, string, number | null, string, string[]][] = [
  ['Astronaut poster', 'an astronaut floating above earth, cinematic', 'astronaut.png', 0.91, 'portrait', ['astronaut', 'space', 'blue']],
  ['brick texture', 'red brick wall texture, seamless', 'brick.png', 0.72, 'texture', ['brick', 'red', 'seamless pattern']],
  ['Cat portrait', 'a ginger cat looking at the camera', 'chelsea.png', 0.88, 'animal', ['cat', 'orange', 'close-up']],
  ['coffee hero', 'a cup of coffee on a wooden table (morning)', 'coffee.png', 0.95, 'food', ['cup', 'coffee', 'brown']],
  ['Grass field', 'green grass texture, "macro" shot', 'grass.png', null, 'texture', ['grass', 'green', 'macro photography']],
  ['gravel path', 'grey gravel texture NEAR a path', 'gravel.png', 0.61, 'texture', ['gravel', 'grey']],
  ['Deep field', 'hubble deep field galaxies in space', 'hubble_deep_field.jpg', 0.83, 'outer space', ['galaxy', 'space', 'dark']],
  ['retina scan', 'retina microscopy, red and orange', 'retina.jpg', 0.79, 'texture', ['eye', 'red', 'microscopy']],
  ['Rocket launch', 'a rocket launching at dawn — café-style poster 東京', 'rocket.jpg', 0.9, 'vehicle', ['rocket', 'sky', 'dramatic']],
];

describe('searchAssets on real stored images', () => {
  let fx: LibraryFixture;
  const assets: Asset[] = [];
  const q = (query: SearchQuery): string[] => searchAssets(fx.db, query).items.map((a) => a.name);

  beforeAll(async () => {
    fx = createLibraryFixture('batch-a');
    fx.db.prepare(`INSERT INTO batches (id, name, config, created_at, updated_at) VALUES ('batch-b', 'b', '{}', 0, 0)`).run();
    for (const [i, [name, prompt, photo, score, category, tags]] of ROWS.entries()) {
      const { asset } = await storeAsset(fx, {
        batchId: i < 6 ? 'batch-a' : 'batch-b',
        name,
        prompt,
        image: await sharedImage(photo, 24),
        params: { seed: i },
        styleScore: score,
        now: T0 + i * DAY,
        skipThumbnail: true,
      });
      applyAutoTags(fx.db, asset.id, { source: 'clip', tags: tags.map((t) => ({ tag: t, group: 'objects', confidence: 0.5 })), category, subcategories: [] });
      assets.push(asset);
    }
    expect(PHOTOS.length).toBe(ROWS.length);
  });
  afterAll(() => fx.cleanup());

  it('matches prompt, name and tags, with prefix on the last term', () => {
    expect(q({ text: 'texture' }).sort()).toEqual(['Grass field', 'brick texture', 'gravel path'].sort());
    expect(q({ text: 'astro' })).toEqual(['Astronaut poster']);
    expect(q({ text: 'space' }).sort()).toEqual(['Astronaut poster', 'Deep field'].sort());
    expect(q({ text: 'red tex' })).toEqual(['brick texture']);
    expect(q({ text: 'cafe' })).toEqual(['Rocket launch']);
    expect(q({ text: '東京' })).toEqual(['Rocket launch']);
  });

  it('treats hostile input as text and never throws', () => {
    for (const text of ['"macro', 'NEAR', 'NEAR(a b)', '*', '-coffee', '(morning)', 'grass OR', ')(', "'; DROP TABLE assets; --", '^rocket', 'prompt:cat']) {
      expect(() => searchAssets(fx.db, { text }), text).not.toThrow();
    }
    expect(q({ text: '"macro' })).toEqual(['Grass field']);
    expect(q({ text: 'NEAR' })).toEqual(['gravel path']);
    expect(q({ text: '-coffee' })).toEqual(['coffee hero']);
    expect(q({ text: '(morning)' })).toEqual(['coffee hero']);
    expect(q({ text: '*' })).toHaveLength(ROWS.length); // nothing searchable left: no text filter
  });

  it('filters by batch, category, all-of tags, dates, score and state', () => {
    expect(q({ batchId: 'batch-b' })).toEqual(['Rocket launch', 'retina scan', 'Deep field']);
    expect(q({ category: 'Texture' }).sort()).toEqual(['Grass field', 'brick texture', 'gravel path', 'retina scan'].sort());
    expect(q({ tags: ['red'] }).sort()).toEqual(['brick texture', 'retina scan'].sort());
    expect(q({ tags: ['red', 'microscopy'] })).toEqual(['retina scan']);
    expect(q({ from: T0 + 2 * DAY, to: T0 + 4 * DAY })).toEqual(['Grass field', 'coffee hero', 'Cat portrait']);
    expect(q({ minScore: 0.85, maxScore: 0.92 })).toEqual(['Rocket launch', 'Cat portrait', 'Astronaut poster']);
    expect(q({ text: 'texture', tags: ['grey'] })).toEqual(['gravel path']);
  });

  it('sorts by date, style score (nulls last) and name (case-insensitive)', () => {
    expect(q({ sort: 'date', dir: 'asc' })).toEqual(ROWS.map((r) => r[0]));
    expect(q({ sort: 'score' })).toEqual(['coffee hero', 'Astronaut poster', 'Rocket launch', 'Cat portrait', 'Deep field', 'retina scan', 'brick texture', 'gravel path', 'Grass field']);
    expect(q({ sort: 'name' })).toEqual(ROWS.map((r) => r[0]).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it('keyset pages cover every row exactly once, with a stable total', () => {
    for (const sort of ['date', 'score', 'name'] as const) {
      const all = q({ sort });
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = searchAssets(fx.db, { sort, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(cursor ? null : ROWS.length);
        seen.push(...page.items.map((a) => a.name));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual(all);
    }
    const first = searchAssets(fx.db, { sort: 'date', limit: 2 });
    expect(() => searchAssets(fx.db, { sort: 'name', cursor: first.nextCursor! })).toThrow(/cursor/);
    expect(() => searchAssets(fx.db, { cursor: 'garbage!' })).toThrow(/cursor/);
  });

  it('user tags and category edits are searchable; deleted and archived follow the state filter', async () => {
    const cat = assets[2]!;
    setAssetTags(fx.db, cat.id, { add: ['Mascot'], remove: ['cat'] });
    overrideCategory(fx.db, cat.id, 'pets');
    expect(q({ text: 'mascot' })).toEqual(['Cat portrait']);
    expect(q({ tags: ['cat'] })).toEqual([]);
    expect(q({ category: 'pets' })).toEqual(['Cat portrait']);

    deleteAsset(fx, assets[0]!.id);
    await archiveAsset(fx, assets[1]!.id);
    expect(q({ text: 'astronaut' })).toEqual([]);
    expect(q({ text: 'astronaut', states: ['deleted'] })).toEqual(['Astronaut poster']);
    expect(q({ states: ['archived'] })).toEqual(['brick texture']);
    expect(q({})).toHaveLength(ROWS.length - 1);
  });
});
