import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeAsset } from '../../../main/library/store-asset.ts';
import { readPngParameters } from '../../../main/library/read-png-parameters.ts';
import { libraryFile } from '../../../main/library/library-paths.ts';
import { getAsset } from '../../../main/library/get-asset.ts';
import { rebuildThumbnails } from '../../../main/library/thumbnails.ts';
import { onLibraryEvent, type LibraryEvent } from '../../../main/library/library-events.ts';
import { createLibraryFixture, sharedImage, type LibraryFixture } from './library-fixture.ts';
import { jpegLumaQuantTable, ijgLumaTable } from './jpeg-quant.ts';

const params = { steps: 30, sampler: 'euler', guidance: 7, seed: 1, width: 96, height: 64 };

describe('storeAsset', () => {
  let fx: LibraryFixture;
  beforeEach(() => {
    fx = createLibraryFixture();
  });
  afterEach(() => fx.cleanup());

  it('writes raw/<batch>/<id>.png with the A1111 recipe, a DB row and a thumbnail', async () => {
    const { taskId, taskKey } = fx.addTask(1, 'Coffee hero');
    const events: LibraryEvent[] = [];
    const off = onLibraryEvent((e) => events.push(e));
    const image = await sharedImage('coffee.png', 96, 64);
    const { asset, created } = await storeAsset(fx, {
      batchId: fx.batchId,
      taskId,
      taskKey,
      name: 'Coffee hero',
      image,
      prompt: 'a cup of coffee on a wooden table, soft light',
      negativePrompt: 'blurry, text',
      params,
      model: 'sdxl-base-1.0',
      scores: { clip: 0.91, colour: 8.5, edges: 0.84 },
      styleScore: 0.88,
      sourceRow: { name: 'Coffee hero', subject: 'coffee' },
      rowIndex: 1,
    });
    off();
    expect(created).toBe(true);
    expect(asset.relPath).toBe(`raw/${fx.batchId}/${asset.id}.png`);
    const file = libraryFile(fx.dataDir, asset.relPath);
    const bytes = readFileSync(file);
    expect(asset.fileSize).toBe(bytes.length);
    expect(asset.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect([asset.width, asset.height]).toEqual([96, 64]);
    expect(asset).toMatchObject({ seed: 1, model: 'sdxl-base-1.0', styleScore: 0.88, version: 1, lineageId: asset.id, state: 'active' });
    expect(asset.sourceRow).toEqual({ name: 'Coffee hero', subject: 'coffee' });

    // Pixels survive the chunk surgery.
    const { data } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(Buffer.compare(data, Buffer.from(image.data))).toBe(0);

    const p = await readPngParameters(file);
    expect(p).toEqual({
      prompt: 'a cup of coffee on a wooden table, soft light',
      negativePrompt: 'blurry, text',
      settings: { Steps: '30', Sampler: 'Euler', 'CFG scale': '7', Seed: '1', Size: '96x64', Model: 'sdxl-base-1.0' },
    });
    const raw = bytes.toString('latin1');
    expect(raw).toContain('tEXtparameters\0a cup of coffee on a wooden table, soft light\nNegative prompt: blurry, text\nSteps: 30, Sampler: Euler, CFG scale: 7, Seed: 1, Size: 96x64, Model: sdxl-base-1.0');

    expect(asset.thumbRelPath).toBe(`thumbnails/${asset.id}.jpg`);
    expect(events.map((e) => e.type)).toEqual(['stored']);
  });

  it('thumbnails are 256×256 JPEGs at quality 80 (IJG quantisation table)', async () => {
    const { asset } = await storeAsset(fx, { batchId: fx.batchId, name: 'wide', image: await sharedImage('rocket.jpg', 400, 225), prompt: 'rocket', params });
    const thumb = readFileSync(libraryFile(fx.dataDir, asset.thumbRelPath!));
    const meta = await sharp(thumb).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 256, 256]);
    expect(jpegLumaQuantTable(thumb)).toEqual(ijgLumaTable(80));
  });

  it('is idempotent on task_key: same asset back, no second file', async () => {
    const { taskId, taskKey } = fx.addTask(2);
    const input = { batchId: fx.batchId, taskId, taskKey, name: 'brick', image: await sharedImage('brick.png', 48), prompt: 'a brick wall', params };
    const first = await storeAsset(fx, input);
    const second = await storeAsset(fx, { ...input, image: await sharedImage('grass.png', 48) });
    expect(second.created).toBe(false);
    expect(second.asset.id).toBe(first.asset.id);
    expect(readdirSync(libraryFile(fx.dataDir, `raw/${fx.batchId}`))).toEqual([`${first.asset.id}.png`]);
    expect((fx.db.prepare('SELECT count(*) AS n FROM assets').get() as { n: number }).n).toBe(1);
  });

  it('atomic writes leave no temp files behind, also when the store fails', async () => {
    await storeAsset(fx, { batchId: fx.batchId, name: 'a', image: await sharedImage('gravel.png', 32), prompt: 'gravel', params });
    // Unknown batch: the FK fails after the file was written; the file must be removed again.
    await expect(
      storeAsset(fx, { batchId: 'no-such-batch', name: 'b', image: await sharedImage('gravel.png', 32), prompt: 'gravel', params }),
    ).rejects.toMatchObject({ kind: 'Internal' });
    expect(readdirSync(fx.dataDir.tmp)).toEqual([]);
    expect(readdirSync(libraryFile(fx.dataDir, 'raw/no-such-batch'))).toEqual([]);
  });

  it('writes non-Latin-1 prompts as iTXt and reads them back', async () => {
    const prompt = 'ein Café in Zürich — 東京の夜, émoji 🚀';
    const { asset } = await storeAsset(fx, { batchId: fx.batchId, name: 'intl', image: await sharedImage('chelsea.png', 32), prompt, params });
    const bytes = readFileSync(libraryFile(fx.dataDir, asset.relPath));
    expect(bytes.toString('latin1')).toContain('iTXtparameters');
    expect((await readPngParameters(libraryFile(fx.dataDir, asset.relPath)))?.prompt).toBe(prompt);
  });

  it('accepts a PNG buffer and replaces its existing parameters chunk', async () => {
    const png = await sharp(Buffer.from((await sharedImage('grass.png', 40)).data), { raw: { width: 40, height: 40, channels: 3 } })
      .png()
      .withMetadata()
      .toBuffer();
    const { asset } = await storeAsset(fx, { batchId: fx.batchId, name: 'buf', image: png, prompt: 'grass', params: { steps: 20 }, seed: 42 });
    const p = await readPngParameters(libraryFile(fx.dataDir, asset.relPath));
    expect(p?.settings).toEqual({ Steps: '20', Seed: '42', Size: '40x40' });
    await expect(storeAsset(fx, { batchId: fx.batchId, name: 'x', image: Buffer.from('not a png'), prompt: 'x', params })).rejects.toMatchObject({
      kind: 'BadInput',
    });
  });

  it('rebuildThumbnails regenerates missing ones and all on demand', async () => {
    const a = (await storeAsset(fx, { batchId: fx.batchId, name: 'a', image: await sharedImage('astronaut.png', 64), prompt: 'a', params })).asset;
    const b = (await storeAsset(fx, { batchId: fx.batchId, name: 'b', image: await sharedImage('retina.jpg', 64), prompt: 'b', params, skipThumbnail: true })).asset;
    expect(b.thumbRelPath).toBeNull();
    const before = statSync(libraryFile(fx.dataDir, a.thumbRelPath!)).mtimeMs;
    const missing = await rebuildThumbnails(fx, { mode: 'missing' });
    expect(missing).toEqual({ generated: 1, skipped: 1, failed: [] });
    expect(getAsset(fx.db, b.id)?.thumbRelPath).toBe(`thumbnails/${b.id}.jpg`);
    expect(statSync(libraryFile(fx.dataDir, a.thumbRelPath!)).mtimeMs).toBe(before);
    const all = await rebuildThumbnails(fx, { mode: 'all' });
    expect(all.generated).toBe(2);
  });
});
