import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPack } from '../../../models/test-pack/create-test-pack.ts';
import { createClipEmbedder } from '../../../main/inference/clip-embedder.ts';
import type { Embedder } from '../../../main/inference/embedder.ts';
import { WorkerPool } from '../../../main/inference/worker-pool.ts';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { tagAsset } from '../../../main/library/tag-asset.ts';
import { createClipZeroShotTagger } from '../../../main/library/clip-zero-shot-tagger.ts';
import { similarAssets } from '../../../main/library/similar-assets.ts';
import { getAssetTags } from '../../../main/library/tags-repo.ts';
import { similarCommand } from '../../../main/cli/commands/similar.ts';
import { createLibraryFixture, nearDuplicate, sharedImage, SHARED_IMAGES, type LibraryFixture } from './library-fixture.ts';

// The real path: a tiny random-weight CLIP pack in ONNX, run by onnxruntime-node in the worker pool.
describe('library with a real (tiny) CLIP pack', () => {
  let fx: LibraryFixture;
  let pool: WorkerPool;
  let embedder: Embedder;
  let packDir: string;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    packDir = mkdtempSync(join(tmpdir(), 'assetql-clip-pack-'));
    await createTestPack(packDir, { kind: 'clip' });
    pool = new WorkerPool({ size: 1 });
    embedder = await createClipEmbedder(pool, packDir);
    fx = createLibraryFixture();
    const photos = { astronaut: await sharedImage('astronaut.png', 48), brick: await sharedImage('brick.png', 48), coffee: await sharedImage('coffee.png', 48), 'astronaut-dup': await nearDuplicate('astronaut.png', 48) };
    const vectors = await embedder.embedImages(Object.values(photos));
    for (const [i, [name, image]] of Object.entries(photos).entries()) {
      const { asset } = await storeAsset(fx, { batchId: fx.batchId, name, image, prompt: name, params: {}, embedding: { modelId: embedder.modelId, vector: vectors[i]! } });
      ids.set(name, asset.id);
    }
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
    fx?.cleanup();
    rmSync(packDir, { recursive: true, force: true });
  });

  it('zero-shot tags every stored image with at least 5 tags', async () => {
    const tagger = createClipZeroShotTagger(embedder);
    for (const id of ids.values()) {
      const r = await tagAsset(fx, id, tagger);
      expect(r.tags.length).toBeGreaterThanOrEqual(5);
      expect(r.category).not.toBeNull();
      expect(getAssetTags(fx.db, id).length).toBe(r.tags.length);
    }
  });

  it('similarity by asset returns the asset itself first', () => {
    const hits = similarAssets(fx.db, { assetId: ids.get('astronaut')!, k: 4 });
    expect(hits[0]!.asset.id).toBe(ids.get('astronaut'));
    expect(hits[0]!.score).toBeCloseTo(1, 4);
    expect(hits).toHaveLength(4);
  });

  it('assetql similar <image> --clip-pack embeds the file and ranks the library', async () => {
    const file = join(fx.root, 'query.png');
    await sharp(join(SHARED_IMAGES, 'brick.png')).resize(48, 48, { fit: 'cover' }).png().toFile(file);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await similarCommand.run([file, '--clip-pack', packDir, '--k', '2', '--json', '--data-dir', fx.root], {
      stdout, stderr, cwd: fx.root, env: {}, signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const hits = JSON.parse(out) as { score: number; asset: { id: string } }[];
    expect(hits[0]!.asset.id).toBe(ids.get('brick'));
    expect(hits[0]!.score).toBeGreaterThan(0.99);
  });
});
