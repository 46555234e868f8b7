import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { similarAssets, similarToImage } from '../../../main/library/similar-assets.ts';
import { deleteAsset, undeleteAsset } from '../../../main/library/lifecycle.ts';
import { putEmbedding } from '../../../main/library/embeddings-repo.ts';
import { getSimilarityIndex } from '../../../main/library/similarity-index.ts';
import { createHistogramEmbedder } from './histogram-embedder.ts';
import { openDatabase } from '../../../main/db/database.ts';
import { setSetting } from '../../../main/db/settings-repo.ts';
import { createLibraryFixture, nearDuplicate, PHOTOS, sharedImage, type LibraryFixture } from './library-fixture.ts';

// CLIP stand-in: a real colour-histogram embedder (no CLIP pack in this checkout yet).
const embedder = createHistogramEmbedder();

describe('visual similarity on real photos', () => {
  let fx: LibraryFixture;
  const idOf = new Map<string, string>();

  beforeAll(async () => {
    fx = createLibraryFixture();
    const store = async (name: string, image: Awaited<ReturnType<typeof sharedImage>>): Promise<void> => {
      const [vector] = await embedder.embedImages([image]);
      const { asset } = await storeAsset(fx, {
        batchId: fx.batchId,
        name,
        image,
        prompt: name,
        params: {},
        embedding: { modelId: embedder.modelId, vector: vector! },
        skipThumbnail: true,
      });
      idOf.set(name, asset.id);
    };
    for (const p of PHOTOS) await store(p, await sharedImage(p, 48));
    await store('astronaut-dup', await nearDuplicate('astronaut.png', 48));
    await store('coffee-dup', await nearDuplicate('coffee.png', 48));
  });
  afterAll(() => fx.cleanup());

  it('returns the asset itself first and its near-duplicate next', () => {
    for (const name of ['astronaut.png', 'coffee.png']) {
      const hits = similarAssets(fx.db, { assetId: idOf.get(name)!, k: 5 });
      expect(hits[0]!.asset.id).toBe(idOf.get(name));
      expect(hits[0]!.score).toBeCloseTo(1, 5);
      expect(hits[1]!.asset.name).toBe(name.replace('.png', '-dup'));
      expect(hits[1]!.score).toBeGreaterThan(hits[2]!.score);
      expect(hits).toHaveLength(5);
    }
  });

  it('finds a dropped image by embedding it with the same model', async () => {
    const dropped = await nearDuplicate('coffee.png', 40);
    const hits = await similarToImage(fx.db, embedder, dropped, { k: 3 });
    expect(hits.slice(0, 2).map((h) => h.asset.name).sort()).toEqual(['coffee-dup', 'coffee.png']);
  });

  it('drops deleted assets and refreshes the cache after writes', async () => {
    const dup = idOf.get('astronaut-dup')!;
    const before = getSimilarityIndex(fx.db, embedder.modelId);
    deleteAsset(fx, dup);
    expect(similarAssets(fx.db, { assetId: idOf.get('astronaut.png')!, k: 3 }).map((h) => h.asset.id)).not.toContain(dup);
    expect(getSimilarityIndex(fx.db, embedder.modelId)).not.toBe(before);
    undeleteAsset(fx, dup);
    expect(similarAssets(fx.db, { assetId: idOf.get('astronaut.png')!, k: 2 })[1]!.asset.id).toBe(dup);
    // Unchanged library: the same cached matrix is reused.
    const cached = getSimilarityIndex(fx.db, embedder.modelId);
    expect(getSimilarityIndex(fx.db, embedder.modelId)).toBe(cached);
    putEmbedding(fx.db, dup, embedder.modelId, new Float32Array(embedder.dim).fill(1));
    expect(getSimilarityIndex(fx.db, embedder.modelId)).not.toBe(cached);
  });

  it('sees writes from another connection, and ignores unrelated writes', () => {
    const cached = getSimilarityIndex(fx.db, embedder.modelId);
    setSetting(fx.db, 'ui.theme', 'dark'); // unrelated commit: the 300 MB matrix must not reload
    fx.db.prepare(`UPDATE batches SET updated_at = updated_at + 1`).run();
    expect(getSimilarityIndex(fx.db, embedder.modelId)).toBe(cached);
    const other = openDatabase(fx.dataDir.dbPath);
    try {
      deleteAsset({ db: other, dataDir: fx.dataDir }, idOf.get('coffee-dup')!);
    } finally {
      other.close();
    }
    const fresh = getSimilarityIndex(fx.db, embedder.modelId);
    expect(fresh).not.toBe(cached);
    expect(fresh.rowOf.has(idOf.get('coffee-dup')!)).toBe(false);
  });

  it('reports clear errors', () => {
    expect(() => similarAssets(fx.db, {})).toThrow(/assetId or a vector/);
    expect(() => similarAssets(fx.db, { vector: new Float32Array(3) })).toThrow(/modelId/);
    expect(() => similarAssets(fx.db, { vector: new Float32Array(3).fill(1), modelId: embedder.modelId })).toThrow(/dims/);
    expect(() => similarAssets(fx.db, { assetId: 'nope' })).toThrow(/no stored embedding/);
  });
});
