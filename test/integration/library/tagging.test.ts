import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { createClipZeroShotTagger } from '../../../main/library/clip-zero-shot-tagger.ts';
import { createClaudeVisionTagger } from '../../../main/library/claude-vision-tagger.ts';
import { tagAsset } from '../../../main/library/tag-asset.ts';
import { getAssetTags, overrideCategory, setAssetTags, clearTagOverride } from '../../../main/library/tags-repo.ts';
import { getAsset } from '../../../main/library/get-asset.ts';
import { searchAssets } from '../../../main/library/search-assets.ts';
import { TAG_VOCABULARY } from '../../../main/library/tag-vocabulary.ts';
import { createHistogramEmbedder } from './histogram-embedder.ts';
import { messageWithText, startClaudeServer, type ClaudeServer } from './claude-messages-server.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';

describe('auto-tagging', () => {
  let fx: LibraryFixture;
  let catId: string; // chelsea.png: the only strongly coloured photo of the shared set
  // CLIP stand-in: real colour histograms vs colour-word text vectors (no CLIP pack in this checkout yet).
  const tagger = createClipZeroShotTagger(createHistogramEmbedder());

  beforeAll(async () => {
    fx = createLibraryFixture();
    catId = (await storeAsset(fx, { batchId: fx.batchId, name: 'cat', image: await sharedImage('chelsea.png', 64), prompt: 'a ginger cat', params: {} })).asset.id;
  });
  afterAll(() => fx.cleanup());

  it('has a ~150-tag vocabulary in scene, objects, colours, mood, style and composition groups', () => {
    const count = TAG_VOCABULARY.reduce((n, g) => n + g.tags.length, 0);
    expect(count).toBeGreaterThanOrEqual(140);
    expect(TAG_VOCABULARY.map((g) => g.group)).toEqual(['scene', 'objects', 'colours', 'mood', 'style', 'composition']);
    for (const g of TAG_VOCABULARY) expect(new Set(g.tags).size).toBe(g.tags.length);
  });

  it('CLIP zero-shot gives at least 5 tags with confidences, a category and subcategories', async () => {
    const result = await tagAsset(fx, catId, tagger);
    expect(result.tags.length).toBeGreaterThanOrEqual(5);
    for (const t of result.tags) {
      expect(t.confidence).toBeGreaterThan(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
    }
    expect(new Set(result.tags.map((t) => t.group))).toEqual(new Set(['scene', 'objects', 'colours', 'mood', 'style', 'composition']));
    // The histogram embedder can only "see" colour: the ginger cat must come out brown, the
    // grey grass texture grey.
    const colours = result.tags.filter((t) => t.group === 'colours');
    expect(colours[0]!.tag).toBe('brown');
    const grey = await tagger.tagImage({ image: await sharedImage('grass.png', 64) });
    expect(grey.tags.find((t) => t.group === 'colours')!.tag).toBe('grey');
    const asset = getAsset(fx.db, catId)!;
    expect(asset.category).toBe(result.category);
    expect(asset.categorySource).toBe('auto');
    expect(asset.subcategories.length).toBeGreaterThan(0);
    expect(getAssetTags(fx.db, catId).map((t) => t.tag).sort()).toEqual(result.tags.map((t) => t.tag).sort());
    expect(searchAssets(fx.db, { text: 'brown' }).items.map((a) => a.id)).toEqual([catId]);
  });

  it('user overrides (added tags, removals, category) survive re-tagging', async () => {
    setAssetTags(fx.db, catId, { add: ['Lawn Care'], remove: ['brown'] });
    overrideCategory(fx.db, catId, 'Garden');
    await tagAsset(fx, catId, tagger);
    const tags = getAssetTags(fx.db, catId);
    expect(tags.map((t) => t.tag)).toContain('lawn care');
    expect(tags.find((t) => t.tag === 'lawn care')!.source).toBe('user');
    expect(tags.map((t) => t.tag)).not.toContain('brown');
    expect(getAsset(fx.db, catId)).toMatchObject({ category: 'garden', categorySource: 'user' });
    expect(searchAssets(fx.db, { tags: ['brown'] }).items).toEqual([]);

    // Clearing the overrides hands them back to the tagger.
    clearTagOverride(fx.db, catId, 'brown');
    overrideCategory(fx.db, catId, null);
    await tagAsset(fx, catId, tagger);
    expect(getAssetTags(fx.db, catId).map((t) => t.tag)).toContain('brown');
    expect(getAsset(fx.db, catId)!.categorySource).toBe('auto');
  });

  describe('Claude vision tagger against a local Messages API', () => {
    let server: ClaudeServer;
    let mode: 'ok' | 'bad-json' | 'bad-schema' | 'unauthorised' = 'ok';
    const good = {
      tags: [
        { tag: 'Grass', group: 'objects', confidence: 0.97 },
        { tag: 'green', group: 'colours', confidence: 0.95 },
        { tag: 'calm', group: 'mood', confidence: 0.7 },
        { tag: 'macro photography', group: 'style', confidence: 0.6 },
        { tag: 'top-down', group: 'composition', confidence: 0.55 },
        { tag: 'texture', group: 'scene', confidence: 0.9 },
      ],
      category: 'texture',
      subcategories: ['grass'],
    };
    beforeAll(async () => {
      server = await startClaudeServer(() => {
        switch (mode) {
          case 'ok':
            return messageWithText(JSON.stringify(good));
          case 'bad-json':
            return messageWithText('Sure! Here are the tags: grass, green');
          case 'bad-schema':
            return messageWithText(JSON.stringify({ ...good, tags: [{ tag: 'x', group: 'weather', confidence: 3 }] }));
          case 'unauthorised':
            return { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } };
        }
      });
    });
    afterAll(() => server.close());

    it('sends the image with a JSON schema and stores the validated tags', async () => {
      mode = 'ok';
      const usage: number[] = [];
      const claude = createClaudeVisionTagger({
        getApiKey: async () => 'sk-test-key',
        baseURL: server.baseURL,
        maxRetries: 0,
        onUsage: (u) => usage.push(u.inputTokens, u.outputTokens),
      });
      setAssetTags(fx.db, catId, { remove: ['calm'] });
      await tagAsset(fx, catId, claude);
      const req = server.requests.at(-1)!;
      // SDK 1.x sends the key as a bearer token; older releases used x-api-key.
      expect([req.headers['authorization'], req.headers['x-api-key']]).toContain(req.headers['x-api-key'] ? 'sk-test-key' : 'Bearer sk-test-key');
      const content = (req.body['messages'] as { content: { type: string; source?: { media_type: string; data: string } }[] }[])[0]!.content;
      expect(content[0]!.type).toBe('image');
      expect(content[0]!.source!.media_type).toBe('image/jpeg');
      expect(Buffer.from(content[0]!.source!.data, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect((req.body['output_config'] as { format: { type: string } }).format.type).toBe('json_schema');
      expect(usage).toEqual([812, 143]);
      const tags = getAssetTags(fx.db, catId);
      expect(tags.filter((t) => t.source === 'claude').map((t) => t.tag).sort()).toEqual(['grass', 'green', 'macro photography', 'texture', 'top-down']);
      expect(tags.map((t) => t.tag)).not.toContain('calm'); // user tombstone wins
      expect(tags.map((t) => t.tag)).toContain('lawn care');
      expect(getAsset(fx.db, catId)!.category).toBe('texture');
    });

    it('maps bad replies, bad keys and a missing key to error kinds', async () => {
      const claude = createClaudeVisionTagger({ getApiKey: async () => 'k', baseURL: server.baseURL, maxRetries: 0 });
      mode = 'bad-json';
      await expect(tagAsset(fx, catId, claude)).rejects.toMatchObject({ kind: 'Inference', message: /not JSON/ });
      mode = 'bad-schema';
      await expect(tagAsset(fx, catId, claude)).rejects.toMatchObject({ kind: 'Inference', message: /schema/ });
      mode = 'unauthorised';
      await expect(tagAsset(fx, catId, claude)).rejects.toMatchObject({ kind: 'BadInput', message: /API key/ });
      const noKey = createClaudeVisionTagger({ getApiKey: async () => null, baseURL: server.baseURL });
      const before = server.requests.length;
      await expect(tagAsset(fx, catId, noKey)).rejects.toMatchObject({ kind: 'Unavailable' });
      expect(server.requests.length).toBe(before);
      // A failed tagging run leaves the previous tags alone.
      expect(getAssetTags(fx.db, catId).filter((t) => t.source === 'claude')).toHaveLength(5);
    });
  });
});
